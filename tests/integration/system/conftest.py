"""A system entry over plain sensor states, as any integration would write them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    ATTR_UNIT_OF_MEASUREMENT,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.offgrid_power.const import CONF_FAMILY, DOMAIN, SYSTEM_KIND
from custom_components.offgrid_power.system.const import (
    CONF_AC_LOAD_POWER,
    CONF_BATTERY_POWER,
    CONF_BATTERY_SOC,
    CONF_BATTERY_VOLTAGE,
    CONF_CHARGE_STATE,
    CONF_DC_LOAD_POWER,
    CONF_SOLAR_SOURCES,
    CONF_SOURCE_ENERGY,
    CONF_SOURCE_POWER,
)
from custom_components.offgrid_power.system.runtime import MIN_REFRESH_INTERVAL
from tests.system.profile import Moment, moment

SOC = "sensor.shunt_soc"
VOLTAGE = "sensor.shunt_voltage"
BATTERY_POWER = "sensor.shunt_power"
CHARGER = "sensor.mppt_state"
MPPT_1 = "sensor.mppt_1_power"
MPPT_1_ENERGY = "sensor.mppt_1_energy"
MPPT_2 = "sensor.mppt_2_power"
AC_LOAD = "sensor.inverter_output_power"
DC_LOAD = "sensor.dc_loads_power"

OPTIONS: dict[str, Any] = {
    CONF_BATTERY_SOC: SOC,
    CONF_BATTERY_VOLTAGE: VOLTAGE,
    CONF_BATTERY_POWER: BATTERY_POWER,
    CONF_CHARGE_STATE: CHARGER,
    CONF_SOLAR_SOURCES: [
        {CONF_SOURCE_POWER: MPPT_1, CONF_SOURCE_ENERGY: MPPT_1_ENERGY},
        {CONF_SOURCE_POWER: MPPT_2, CONF_SOURCE_ENERGY: None},
    ],
    CONF_AC_LOAD_POWER: AC_LOAD,
    CONF_DC_LOAD_POWER: DC_LOAD,
}

UNITS = {
    SOC: ("battery", "%"),
    VOLTAGE: ("voltage", "V"),
    BATTERY_POWER: ("power", "W"),
    MPPT_1: ("power", "W"),
    MPPT_1_ENERGY: ("energy", "kWh"),
    MPPT_2: ("power", "W"),
    AC_LOAD: ("power", "W"),
    DC_LOAD: ("power", "W"),
}


def set_source(hass: HomeAssistant, entity_id: str, value: float | str | None) -> None:
    """Write a source's state as its integration would (None is unavailable)."""
    attributes: dict[str, Any] = {}
    if entity_id in UNITS:
        device_class, unit = UNITS[entity_id]
        attributes = {ATTR_DEVICE_CLASS: device_class, ATTR_UNIT_OF_MEASUREMENT: unit}
    hass.states.async_set(entity_id, STATE_UNAVAILABLE if value is None else str(value), attributes)


def set_sources(hass: HomeAssistant, **values: float | str | None) -> None:
    """Set several sources by short name (soc, voltage, battery, charger, mppt1, ...)."""
    names = {
        "soc": SOC,
        "voltage": VOLTAGE,
        "battery": BATTERY_POWER,
        "charger": CHARGER,
        "mppt1": MPPT_1,
        "mppt1_energy": MPPT_1_ENERGY,
        "mppt2": MPPT_2,
        "ac": AC_LOAD,
        "dc": DC_LOAD,
    }
    for name, value in values.items():
        set_source(hass, names[name], value)


def night(hass: HomeAssistant) -> None:
    """Every source valid: no sun, the battery feeds the loads."""
    set_sources(
        hass,
        soc=60,
        voltage=25.6,
        battery=-330,
        charger="off",
        mppt1=0,
        mppt1_energy=100.0,
        mppt2=0,
        ac=300,
        dc=30,
    )


@pytest.fixture
def system_entry(hass: HomeAssistant) -> MockConfigEntry:
    """A system entry (not set up yet)."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Off-grid system",
        data={CONF_FAMILY: SYSTEM_KIND},
        options=OPTIONS,
    )
    entry.add_to_hass(hass)
    return entry


STEP = timedelta(minutes=1)


class SimulatedDay:
    """Drives the sources through `tests.system.profile` with frozen time.

    Every step moves the clock, writes every source (only changed values fire
    events, as in a real install) and fires the timers that came due. MPPT 1's
    own kWh sensor counts as its charger would.
    """

    def __init__(self, hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
        self.hass = hass
        self.freezer = freezer
        self.mppt1_kwh = 100.0
        self.last: tuple[datetime, Moment] | None = None

    async def run(self, start: datetime, end: datetime, step: timedelta = STEP) -> None:
        at = start
        while at < end:
            await self.at(at)
            at += step

    async def at(self, at: datetime) -> None:
        self.freezer.move_to(at)
        now = moment(dt_util.as_local(at))
        if self.last is not None and at - self.last[0] <= timedelta(minutes=5):
            self.mppt1_kwh += self.last[1].mppt1 * (at - self.last[0]).total_seconds() / 3.6e6
        self.last = (at, now)
        set_sources(
            self.hass,
            soc=now.soc,
            voltage=now.voltage,
            battery=round(now.battery, 1),
            charger="off",
            mppt1=now.mppt1,
            mppt1_energy=round(self.mppt1_kwh, 3),
            mppt2=now.mppt2,
            ac=now.ac,
            dc=now.dc,
        )
        async_fire_time_changed(self.hass, at)
        await self.hass.async_block_till_done()


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Home Assistant's time zone, as aware UTC."""
    return dt_util.as_utc(
        datetime.combine(day, time(hour, minute), dt_util.get_default_time_zone())
    )


@pytest.fixture
async def amsterdam(hass: HomeAssistant) -> None:
    """Home Assistant's time zone is Europe/Amsterdam (DST on the last Sundays of March and October)."""
    await hass.config.async_set_time_zone("Europe/Amsterdam")


@pytest.fixture
def day(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> SimulatedDay:
    return SimulatedDay(hass, freezer)


def system_state(hass: HomeAssistant, entry: MockConfigEntry, key: str) -> str:
    """The state of one of the system's sensors, by its unique-id key."""
    entity_id = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, f"{entry.entry_id}_{key}")
    assert entity_id is not None, key
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


async def settle(hass: HomeAssistant) -> None:
    """Let the system handle the state changes written so far.

    It refreshes at most every `MIN_REFRESH_INTERVAL`, so once the state
    changes have reached it the clock is moved past that.
    """
    await hass.async_block_till_done()
    async_fire_time_changed(hass, dt_util.utcnow() + MIN_REFRESH_INTERVAL + timedelta(seconds=1))
    await hass.async_block_till_done()
