"""Fixtures for tests that run a real Home Assistant."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from custom_components.offgrid_power.const import Family
from custom_components.offgrid_power.families import RUNTIME_FACTORIES

from .loopback_family import LoopbackMeter, async_create_loopback_runtime


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/offgrid_power."""


@pytest.fixture
async def loopback_meter() -> AsyncIterator[LoopbackMeter]:
    """A real TCP peer on 127.0.0.1 that reports a power value."""
    async with LoopbackMeter() as meter:
        yield meter


@pytest.fixture
def loopback_family() -> Iterator[Family]:
    """Serve the PowMr family slot with the loopback runtime for one test."""
    family = Family.POWMR
    previous = RUNTIME_FACTORIES.get(family)
    RUNTIME_FACTORIES[family] = async_create_loopback_runtime
    yield family
    if previous is None:
        del RUNTIME_FACTORIES[family]
    else:
        RUNTIME_FACTORIES[family] = previous
