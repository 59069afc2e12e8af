"""Fixtures for tests that run a real Home Assistant."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion
from syrupy.location import PyTestLocation

from custom_components.offgrid_power.const import Family
from custom_components.offgrid_power.families import RUNTIME_FACTORIES

from .loopback_family import LoopbackMeter, async_create_loopback_runtime


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/offgrid_power."""


class SnapshotExtension(HomeAssistantSnapshotExtension):
    """Home Assistant's serializer, in syrupy's ``__snapshots__`` folder beside the test.

    The plugin's own folder differs between the Home Assistant versions the
    suite runs on; this one is the same for every version.
    """

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        """Return ``__snapshots__`` next to the test file."""
        return str(Path(test_location.filepath).parent / "__snapshots__")


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Every integration test's snapshots: Home Assistant's serializer, one folder convention."""
    return snapshot.use_extension(SnapshotExtension)


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
