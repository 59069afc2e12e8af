"""A MasterBus entry against the simulated bus: devices, entities, states."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from custom_components.offgrid_power.const import DOMAIN
from simulators.masterbus import MasterBusSimulator
from tests.devices import device_with_identifier

from .conftest import (
    COMBI_SERIAL,
    ENTRY_ID,
    SHUNT_SERIAL,
    SOLAR_SERIAL,
    bridge_data,
    entity_id,
    make_entry,
    setup_entry,
    unload,
)


async def test_devices_and_states(hass: HomeAssistant, simulator: MasterBusSimulator) -> None:
    entry = make_entry(hass, bridge_data(simulator))
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    shunt = device_with_identifier(hass, (DOMAIN, f"masterbus_{SHUNT_SERIAL}"))
    assert shunt is not None
    assert shunt.manufacturer == "Mastervolt"
    assert shunt.model == "MasterShunt 500"
    assert shunt.serial_number == SHUNT_SERIAL
    hub = device_with_identifier(hass, (DOMAIN, ENTRY_ID))
    assert hub is not None
    assert shunt.via_device_id == hub.id

    soc = hass.states.get(entity_id(hass, "sensor", f"{SHUNT_SERIAL}_0"))
    assert soc is not None
    assert 70 < float(soc.state) < 95
    assert soc.attributes["device_class"] == "battery"
    volts = hass.states.get(entity_id(hass, "sensor", f"{SHUNT_SERIAL}_1"))
    assert volts.entity_id == "sensor.msh_battery_battery_voltage"
    assert volts.attributes["unit_of_measurement"] == "V"
    state = hass.states.get(entity_id(hass, "sensor", f"{COMBI_SERIAL}_16"))
    # A known drop-down: lowercase state keys, translated in the frontend.
    assert state.state == "charging"
    assert state.attributes["options"][3] == "charging"
    assert state.attributes["options"][6] == "low_bat"
    # Known fields are named by translation, in one style, whatever the device calls them.
    names = {
        f"{SHUNT_SERIAL}_3": "MSH Battery Consumed amp-hours",  # "Cap. consumed"
        f"{SHUNT_SERIAL}_0": "MSH Battery State of charge",  # "State of Charge"
        f"{SOLAR_SERIAL}_7": "SCM Solar Battery temperature",  # "Battery temp."
        f"{COMBI_SERIAL}_16": "MCU Combi Device state",
    }
    for key, name in names.items():
        assert hass.states.get(entity_id(hass, "sensor", key)).name == name
    # "Remaining" is a duration the frontend shows in hours, not raw seconds.
    remaining = er.async_get(hass).async_get(entity_id(hass, "sensor", f"{SHUNT_SERIAL}_4"))
    assert remaining is not None
    assert remaining.options["sensor.private"]["suggested_unit_of_measurement"] == "h"
    assert hass.states.get(remaining.entity_id).attributes["unit_of_measurement"] == "h"
    on_off = hass.states.get(entity_id(hass, "binary_sensor", f"{SOLAR_SERIAL}_12"))
    assert on_off.state == "on"
    link = hass.states.get(entity_id(hass, "binary_sensor", "masterbus_link"))
    assert link.state == "on"
    # Without writes there are no controls.
    registry = er.async_get(hass)
    platforms = {e.domain for e in er.async_entries_for_config_entry(registry, ENTRY_ID)}
    assert platforms == {"sensor", "binary_sensor"}
    await unload(hass, entry)
