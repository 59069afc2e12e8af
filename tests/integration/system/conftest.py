"""A system entry over plain sensor states, as any integration would write them."""

from __future__ import annotations

from typing import Any

from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    ATTR_UNIT_OF_MEASUREMENT,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

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
