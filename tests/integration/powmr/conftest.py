"""A simulated PowMr inverter and config entries that reach it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
import socket
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.offgrid_power.const import CONF_FAMILY, DOMAIN, Family
from custom_components.offgrid_power.models import OffGridConfigEntry
from custom_components.offgrid_power.powmr.config_flow import unique_id_for
from custom_components.offgrid_power.powmr.coordinator import PowmrCoordinator
from custom_components.offgrid_power.powmr.runtime import PowmrRuntime
from simulators.powmr import PowmrSimulator, SimulatorConfig

POLL = timedelta(seconds=10)
ENTRY_ID = "powmr_entry"


@pytest.fixture
async def simulator() -> AsyncIterator[PowmrSimulator]:
    """One Family A unit on Modbus TCP, RTU over TCP and UDP, a pty, and the dongle's HTTP."""
    config = SimulatorConfig(
        modbus_tcp_port=0, rtu_tcp_port=0, rtu_udp_port=0, serial=True, http_port=0, seed=7
    )
    async with PowmrSimulator(config) as sim:
        yield sim


def modbus_tcp_data(sim: PowmrSimulator, **extra: Any) -> dict[str, Any]:
    """Entry data for the simulator's Modbus TCP endpoint."""
    return {
        CONF_FAMILY: Family.POWMR.value,
        "transport": "modbus_tcp",
        "host": "127.0.0.1",
        "port": sim.modbus_tcp_port,
        "protocol": "auto",
        "detected_protocol": "family_a",
        **extra,
    }


def free_udp_port() -> int:
    """A UDP port nobody listens on right now, for the reply port of RTU over UDP."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_entry(
    hass: HomeAssistant,
    data: dict[str, Any],
    options: dict[str, Any] | None = None,
    title: str = "PowMr test",
) -> MockConfigEntry:
    """Add an entry for ``data`` to Home Assistant."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=title,
        data=data,
        options=options or {},
        unique_id=unique_id_for(data),
        entry_id=ENTRY_ID,
    )
    entry.add_to_hass(hass)
    return entry


async def load(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Set the entry up and wait for it."""
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


def entity_id(hass: HomeAssistant, platform: str, key: str) -> str:
    """The entity id of one of the entry's entities."""
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{ENTRY_ID}_{key}")
    assert found is not None, f"{platform}.{key} missing"
    return found


async def poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let one poll interval pass and the poll (a background task) finish."""
    freezer.tick(POLL)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def refresh(hass: HomeAssistant, entry: OffGridConfigEntry) -> None:
    """Poll now, in real time (a frozen clock would stop timeouts from firing)."""
    await coordinator(entry).async_refresh()
    await hass.async_block_till_done()


def coordinator(entry: OffGridConfigEntry) -> PowmrCoordinator:
    """The entry's coordinator."""
    runtime = entry.runtime_data
    assert isinstance(runtime, PowmrRuntime)
    return runtime.coordinator


async def short_timeouts(entry: OffGridConfigEntry, seconds: float = 1.0) -> None:
    """Make a dropped answer fail fast, so fault tests stay quick.

    Not shorter: on a busy machine (`make test-stress`) a simulated unit's
    answer can take several tenths of a second, and must not count as lost.
    """
    client = coordinator(entry).client
    assert client is not None
    client.transport = replace(client.transport, timeout=seconds)
    # The next request reconnects with the new timeout.
    await client.close()
