"""Controls write through the library, and show the value the unit reads back."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest

from simulators.powmr import Fault, PowmrSimulator

from .conftest import coordinator, entity_id, load, make_entry, modbus_tcp_data, short_timeouts


async def test_writes_are_read_back(hass: HomeAssistant, simulator: PowmrSimulator) -> None:
    entry = make_entry(hass, modbus_tcp_data(simulator), {"enable_writes": True})
    await load(hass, entry)
    coordinator(entry).client.write_cooldown = 0  # type: ignore[union-attr]
    # Setting sensors give way to the controls.
    assert hass.states.get("sensor.powmr_test_bulk_charge_voltage") is None

    bulk = entity_id(hass, "number", "bulk_charge_voltage")
    await hass.services.async_call(
        "number", "set_value", {"entity_id": bulk, "value": 28.8}, blocking=True
    )
    assert simulator.model.settings[5027] == 288
    assert hass.states.get(bulk).state == "28.8"

    priority = entity_id(hass, "select", "output_source_priority")
    await hass.services.async_call(
        "select", "select_option", {"entity_id": priority, "option": "solar_first"}, blocking=True
    )
    assert simulator.model.settings[5018] == 1
    assert hass.states.get(priority).state == "solar_first"

    buzzer = entity_id(hass, "switch", "buzzer")
    assert hass.states.get(buzzer).state == "on"
    await hass.services.async_call("switch", "turn_off", {"entity_id": buzzer}, blocking=True)
    assert simulator.model.settings[5002] == 0
    assert hass.states.get(buzzer).state == "off"


async def test_invalid_value_is_refused_before_sending(
    hass: HomeAssistant, simulator: PowmrSimulator
) -> None:
    entry = make_entry(hass, modbus_tcp_data(simulator), {"enable_writes": True})
    await load(hass, entry)
    bulk = entity_id(hass, "number", "bulk_charge_voltage")
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            "number", "set_value", {"entity_id": bulk, "value": 28.45}, blocking=True
        )
    assert raised.value.translation_key == "invalid_setting"
    assert simulator.model.settings[5027] == 284


async def test_unanswered_write_is_an_error(hass: HomeAssistant, simulator: PowmrSimulator) -> None:
    entry = make_entry(hass, modbus_tcp_data(simulator), {"enable_writes": True})
    await load(hass, entry)
    await short_timeouts(entry)
    simulator.unit.faults.set(Fault.DROP)
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            "switch",
            "turn_off",
            {"entity_id": entity_id(hass, "switch", "backlight")},
            blocking=True,
        )
    assert raised.value.translation_key == "write_failed"
    simulator.unit.faults.clear()
