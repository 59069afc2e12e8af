"""A simulated MasterBus (MasterShunt, Mass Combi Ultra, Solar ChargeMaster) on
the ESP32 UDP bridge format over loopback, and entries that reach it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.offgrid_power.const import CONF_FAMILY, DOMAIN, Family
from custom_components.offgrid_power.masterbus import const
from custom_components.offgrid_power.masterbus.config_flow import unique_id_for
from custom_components.offgrid_power.protocol.masterbus import SessionConfig
from simulators.masterbus import MasterBusSimulator

SHUNT, COMBI, SOLAR = 0x6DB09B, 0x1A94C7, 0x31B483
SHUNT_SERIAL, COMBI_SERIAL, SOLAR_SERIAL = "KL21S0412", "M921K0415", "S119H0233"
ENTRY_ID = "masterbus_entry"
POLL = timedelta(seconds=10)

# Short protocol timers, so faults play out in well under a second.
FAST = SessionConfig(
    min_frame_gap=0.0002,
    heartbeat_interval=0.5,
    request_timeout=0.1,
    retries=1,
    offline_after=600.0,
    write_confirm_interval=0.02,
)


@pytest.fixture(autouse=True)
def fast_timing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fast protocol timers and a short discovery in the flow."""
    monkeypatch.setattr(const, "SESSION_DEFAULTS", FAST)
    monkeypatch.setattr(const, "DISCOVERY_QUIET", 0.3)
    monkeypatch.setattr(const, "DISCOVERY_LIMIT", 5.0)
    monkeypatch.setattr(const, "STARTUP_WAIT", 5.0)
    monkeypatch.setattr(const, "RECONNECT_MIN", 5.0)


@pytest.fixture
async def simulator() -> AsyncIterator[MasterBusSimulator]:
    """The three devices behind a UDP bridge endpoint on 127.0.0.1."""
    async with MasterBusSimulator(bridge_port=0) as sim:
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


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Set the entry up and let every task settle."""
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


async def unload(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Unload, so no notifier, executor or socket outlives the test."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


async def poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory, step: timedelta = POLL) -> None:
    """Let the coordinator's timer fire once and the poll finish."""
    freezer.tick(step)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def entity_id(hass: HomeAssistant, platform: str, key: str) -> str:
    """The entity id behind ``<entry>_<key>``."""
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{ENTRY_ID}_{key}")
    assert found is not None, key
    return found
