"""Listen-only: a MasterView does the polling; Home Assistant sends not one frame."""

from __future__ import annotations

from collections.abc import AsyncIterator
import socket

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest

from simulators.masterbus import MasterBusSimulator

from .conftest import (
    ENTRY_ID,
    SHUNT,
    TICKING_CLOCK,
    bridge_data,
    make_entry,
    poll,
    setup_entry,
    steady_devices,
    unload,
    until,
)

pytestmark = TICKING_CLOCK


@pytest.fixture
def host_port() -> int:
    """Where Home Assistant listens for the bridge: a listener never sends, so the
    bridge must be told (as a real one is configured with the HA host)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def with_display(host_port: int) -> AsyncIterator[MasterBusSimulator]:
    """The three devices plus a MasterView that shows the shunt's volts and amps."""
    async with MasterBusSimulator(
        steady_devices(),
        bridge_port=0,
        bridge_peers=[("127.0.0.1", host_port)],
        display=True,
        display_heartbeat=0.5,
        display_poll=0.2,
    ) as sim:
        yield sim


async def test_listen_only_sends_nothing_and_shows_what_the_display_reads(
    hass: HomeAssistant,
    with_display: MasterBusSimulator,
    host_port: int,
    freezer: FrozenDateTimeFactory,
) -> None:
    # Set up once normally (that discovers and caches every schema), then go quiet.
    entry = make_entry(hass, bridge_data(with_display, listen=f"127.0.0.1:{host_port}"))
    await setup_entry(hass, entry)
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "listen_only": True, "enable_writes": True}
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    coordinator = entry.runtime_data.coordinator
    assert coordinator.listen_only
    writes_before = len(with_display.writes)
    session = coordinator.session
    # Devices announce when the MasterView's heartbeat asks them to (known from
    # the cache), and values arrive when it asks for them.
    await until(
        entry,
        lambda: len(session.devices) == 3
        and all(device.identity for device in session.devices.values())
        and None not in (session.value(SHUNT, 1), session.value(SHUNT, 2)),
    )
    for _ in range(3):
        await poll(hass, freezer)

    assert (session.frames_sent, session.requests_sent, session.heartbeats_sent) == (0, 0, 0)
    assert len(with_display.writes) == writes_before == 0
    # What the MasterView asks for, Home Assistant hears; the rest stays unknown.
    assert hass.states.get("sensor.msh_battery_battery_voltage").state == "12.9"
    assert hass.states.get("sensor.msh_battery_battery_current").state == "-4.0"
    assert hass.states.get("sensor.msh_battery_state_of_charge").state == "unknown"
    assert hass.states.get("sensor.scm_solar_pv_voltage").state == "unknown"
    # Listen-only overrides the write opt-in: no controls.
    domains = {e.domain for e in er.async_entries_for_config_entry(er.async_get(hass), ENTRY_ID)}
    assert domains == {"sensor", "binary_sensor"}
    await unload(hass, entry)
