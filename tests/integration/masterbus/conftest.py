"""A simulated MasterBus (MasterShunt, Mass Combi Ultra, Solar ChargeMaster) on
the ESP32 UDP bridge format over loopback, and entries that reach it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.offgrid_power.const import CONF_FAMILY, DOMAIN, Family
from custom_components.offgrid_power.masterbus import const
from custom_components.offgrid_power.masterbus.config_flow import unique_id_for
from custom_components.offgrid_power.protocol.masterbus import SessionConfig
from custom_components.offgrid_power.protocol.masterbus.values import encode_date
from simulators.masterbus import MasterBusSimulator, SimulatedDevice, default_devices
from tests.protocol.masterbus.waiting import until as session_until

SHUNT, COMBI, SOLAR = 0x6DB09B, 0x1A94C7, 0x31B483
SHUNT_SERIAL, COMBI_SERIAL, SOLAR_SERIAL = "KL21S0412", "M921K0415", "S119H0233"
ENTRY_ID = "masterbus_entry"
POLL = timedelta(seconds=10)
# The most a test waits for the bus to do something it will do; only reached
# when it does not, so it can be generous for a busy machine.
WAIT_LIMIT = 60.0
# The session paces frames and times requests out on the event loop's clock,
# which a frozen clock stops: tests that step time use a ticking one.
TICKING_CLOCK = pytest.mark.freeze_time("2026-06-01 12:00:00", tick=True)

# Short protocol timers, so faults play out in a few seconds. The request
# time-out stays generous: on a busy machine (`make test-stress`) a simulated
# device's answer can take several tenths of a second, and a late answer would
# make discovery give up on a device that is there.
FAST = SessionConfig(
    min_frame_gap=0.0002,
    heartbeat_interval=0.5,
    request_timeout=1.0,
    retries=2,
    offline_after=600.0,
    write_confirm_interval=0.02,
)


@pytest.fixture(autouse=True)
def fast_timing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fast protocol timers and a short discovery in the flow."""
    monkeypatch.setattr(const, "SESSION_DEFAULTS", FAST)
    monkeypatch.setattr(const, "DISCOVERY_QUIET", 1.0)
    monkeypatch.setattr(const, "DISCOVERY_LIMIT", 30.0)
    monkeypatch.setattr(const, "STARTUP_WAIT", 30.0)
    monkeypatch.setattr(const, "RECONNECT_MIN", 5.0)


def hold(device: SimulatedDevice, field: int, value: float) -> None:
    """Make a simulated field report ``value`` until told otherwise."""
    device.fields[field] = replace(device.fields[field], signal=None, initial=value)


def steady_devices() -> list[SimulatedDevice]:
    """The three simulated devices, every value held where its signal starts.

    States then depend on nothing but the test, so snapshots and energy sums
    are exact; the shunt's clock and calendar fields are pinned too.
    """
    devices = default_devices()
    for device in devices:
        for field, spec in list(device.fields.items()):
            if spec.signal is not None:
                hold(device, field, round(spec.signal(0.0), 3))
    shunt = next(d for d in devices if d.address == SHUNT)
    hold(shunt, 10, 12 * 3600 + 34 * 60)
    hold(shunt, 11, encode_date(date(2026, 6, 1)))
    return devices


@pytest.fixture
async def simulator() -> AsyncIterator[MasterBusSimulator]:
    """The three devices, values held still, behind a UDP bridge endpoint on 127.0.0.1."""
    async with MasterBusSimulator(steady_devices(), bridge_port=0) as sim:
        yield sim


def bridge_data(sim: MasterBusSimulator, **extra: Any) -> dict[str, Any]:
    """Entry data for the simulator's bridge."""
    return {
        CONF_FAMILY: Family.MASTERBUS.value,
        "interface": "bridge",
        "channel": f"127.0.0.1:{sim.bridge_port}",
        "bitrate": 250_000,
        "listen": "127.0.0.1:0",
        **extra,
    }


def slcan_data(port: int) -> dict[str, Any]:
    """Entry data for an SLCAN-over-TCP adapter on a loopback port."""
    return {
        CONF_FAMILY: Family.MASTERBUS.value,
        "interface": "slcan",
        "channel": f"socket://127.0.0.1:{port}",
        "bitrate": 250_000,
    }


def make_entry(
    hass: HomeAssistant, data: dict[str, Any], options: dict[str, Any] | None = None
) -> MockConfigEntry:
    """Add an entry for ``data`` to Home Assistant."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="MasterBus test",
        data=data,
        options={"scan_interval": 10, "enable_writes": False, "listen_only": False}
        | (options or {}),
        unique_id=unique_id_for(data["interface"], data["channel"]),
        entry_id=ENTRY_ID,
    )
    entry.add_to_hass(hass)
    return entry


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry, devices: int = 3) -> None:
    """Set the entry up with ``devices`` devices identified, and let every task settle.

    Setup waits for the devices it knows from the schema cache (an event)
    but, on a first start, only until none is new for `const.DISCOVERY_QUIET`;
    on a busy machine discovery can take longer than that. The test then
    waits for the devices and reloads the entry: the second start knows them
    all from the cache, as a restart would. (A poll instead would count the
    real seconds of the wait into the energy totals.)
    """
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    if entry.state is not ConfigEntryState.LOADED or entry.runtime_data.coordinator.listen_only:
        return
    session = entry.runtime_data.coordinator.session

    def identified() -> bool:
        return sum(1 for device in session.devices.values() if device.identity) >= devices

    if not identified():
        await session_until(session, identified, WAIT_LIMIT)
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done(wait_background_tasks=True)


async def unload(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Unload, so no notifier, executor or socket outlives the test."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


async def poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory, step: timedelta = POLL) -> None:
    """Let the coordinator's timer fire once and the poll finish."""
    # move_to, not tick: a ticking clock's tick() drops the real time since the last move.
    # From the freezer's own time, which is Home Assistant's wall clock unless a
    # test moves that alone (as NTP would).
    freezer.move_to(freezer() + step)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def until(
    entry: MockConfigEntry, condition: Callable[[], bool], limit: float = WAIT_LIMIT
) -> None:
    """Wait for a condition that a frame on the entry's bus will make true."""
    await session_until(entry.runtime_data.coordinator.session, condition, limit)


def online(entry: MockConfigEntry, address: int) -> bool:
    """Whether the entry's session hears the device at ``address``."""
    device = entry.runtime_data.coordinator.session.devices.get(address)
    return device is not None and device.online


def entity_id(hass: HomeAssistant, platform: str, key: str) -> str:
    """The entity id behind ``<entry>_<key>``."""
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{ENTRY_ID}_{key}")
    assert found is not None, key
    return found
