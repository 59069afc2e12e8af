"""PowMr's charge targets (absorption and float voltage) as sensors a graph can draw."""

from __future__ import annotations

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import ATTR_DEVICE_CLASS, ATTR_UNIT_OF_MEASUREMENT
from homeassistant.core import HomeAssistant

from simulators.powmr import PowmrSimulator

from .conftest import entity_id, load, make_entry, modbus_tcp_data


async def test_absorption_and_float_targets_are_voltage_sensors_with_statistics(
    hass: HomeAssistant, simulator: PowmrSimulator
) -> None:
    await load(hass, make_entry(hass, modbus_tcp_data(simulator)))
    for key, volts in (("bulk_charge_voltage", 28.4), ("float_charge_voltage", 27.6)):
        state = hass.states.get(entity_id(hass, "sensor", key))
        assert state is not None
        assert float(state.state) == volts
        assert state.attributes[ATTR_DEVICE_CLASS] == SensorDeviceClass.VOLTAGE
        assert state.attributes[ATTR_UNIT_OF_MEASUREMENT] == "V"
        # Long-term statistics: the dashboard's day view draws them over the battery.
        assert state.attributes["state_class"] == SensorStateClass.MEASUREMENT
