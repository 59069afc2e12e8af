"""The entities of every Instant Readout record type: snapshots of registry entries and states.

One realistic reading per record type (the public vectors where there is one)
is delivered through Home Assistant's Bluetooth stack to a configured device.
The snapshot holds what a user sees: entity ids, names, units, classes,
categories, what is disabled, and the states.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.offgrid_power.protocol.victron import LAYOUTS, build_advertisement
from simulators.victron.vectors import (
    BATTERY_SENSE,
    ORION_SMART,
    SMART_SHUNT,
    SOLAR_CHARGER,
    VEBUS_FLOAT,
)

from .conftest import ADDRESS, Inject, victron_entry

KEY = bytes.fromhex("00112233445566778899aabbccddeeff")
_TEMPERATURE = 40  # 7-bit temperatures carry °C + 40


def _advert(record_type: int, product_id: int, raw: dict[str, int]) -> tuple[bytes, bytes]:
    payload = LAYOUTS[record_type].encode(raw)
    return build_advertisement(record_type, payload, KEY, product_id=product_id, nonce=1), KEY


# (advertisement, key) per record type.
READINGS: dict[str, tuple[bytes, bytes]] = {
    "solar_charger": (SOLAR_CHARGER.advertisement, SOLAR_CHARGER.key),
    "battery_monitor": (SMART_SHUNT.advertisement, SMART_SHUNT.key),
    "smart_battery_sense": (BATTERY_SENSE.advertisement, BATTERY_SENSE.key),
    "inverter": _advert(
        0x03,
        0xA231,
        {
            "device_state": 9,
            "alarm_reason": 0,
            "battery_voltage": 1280,
            "ac_apparent_power": 350,
            "ac_voltage": 23010,
            "ac_current": 16,
        },
    ),
    "dcdc_converter": (ORION_SMART.advertisement, ORION_SMART.key),
    "smart_lithium": _advert(
        0x05,
        0xC004,
        {
            "bms_flags": (1 << 4) | (1 << 6) | (1 << 25) | (1 << 26),  # charging, balancing
            "error_flags": 0,
            **{f"cell_{cell}_voltage": 70 + cell for cell in range(1, 5)},
            **{f"cell_{cell}_voltage": 0x7F for cell in range(5, 9)},  # 4 cells fitted
            "battery_voltage": 1330,
            "balancer_status": 2,
            "battery_temperature": 24 + _TEMPERATURE,
        },
    ),
    "inverter_rs": _advert(
        0x06,
        0xA402,
        {
            "device_state": 9,
            "charger_error": 0,
            "battery_voltage": 5210,
            "battery_current": -52 & 0xFFFF,
            "pv_power": 1200,
            "yield_today": 350,
            "ac_out_power": 900,
        },
    ),
    "gx_device": _advert(
        0x07,
        0xC00A,
        {
            "battery_voltage": 5230,
            "pv_power": 2100,
            "state_of_charge": 87,
            "battery_power": 850,
            "dc_power": -300 & 0x1FFFFF,
        },
    ),
    "ac_charger": _advert(
        0x08,
        0xA339,
        {
            "device_state": 4,
            "charger_error": 0,
            "output_1_voltage": 1440,
            "output_1_current": 52,
            "output_2_voltage": 0x1FFF,
            "output_2_current": 0x7FF,
            "output_3_voltage": 0x1FFF,
            "output_3_current": 0x7FF,
            "temperature": 21 + _TEMPERATURE,
            "ac_current": 12,
        },
    ),
    "smart_battery_protect": _advert(
        0x09,
        0xA3B0,
        {
            "device_state": 0xF9,
            "output_state": 1,
            "error_code": 0,
            "alarm_reason": 0,
            "warning_reason": 1,  # low voltage warning
            "input_voltage": 1210,
            "output_voltage": 1209,
            "off_reason": 0,
        },
    ),
    "lynx_smart_bms": _advert(
        0x0A,
        0xA3E5,
        {
            "error": 0,
            "time_to_go": 600,
            "battery_voltage": 2650,
            "battery_current": -123 & 0xFFFF,
            "allowed_to_charge": 1,
            "allowed_to_discharge": 1,
            "external_relay": 2,
            # Every check ok but one: a low-SoC warning.
            **{spec.key: 1 for spec in LAYOUTS[0x0A].fields if spec.key.endswith("_alarm")},
            "low_soc_alarm": 2,
            "state_of_charge": 853,
            "consumed_ah": 300,
            "battery_temperature": 22 + _TEMPERATURE,
        },
    ),
    "multi_rs": _advert(
        0x0B,
        0xA442,
        {
            "device_state": 5,
            "charger_error": 0,
            "battery_current": 150,
            "battery_voltage": 5300,
            "active_ac_in": 0,
            "ac_in_power": 1800,
            "ac_out_power": 1400,
            "pv_power": 600,
            "yield_today": 420,
        },
    ),
    "vebus": (VEBUS_FLOAT.advertisement, VEBUS_FLOAT.key),
    "dc_energy_meter": _advert(
        0x0D,
        0xA389,
        {
            "monitor_mode": -6 & 0xFFFF,  # alternator
            "voltage": 1410,
            "alarm_reason": 0,
            "aux_input": 2,
            "temperature": 29815,  # 25.0 °C in 0.01 K
            "current": 15500,
        },
    ),
    "orion_xs": _advert(
        0x0F,
        0xA3F5,
        {
            "device_state": 3,
            "charger_error": 0,
            "output_voltage": 1420,
            "output_current": 180,
            "input_voltage": 1380,
            "input_current": 195,
            "off_reason": 0,
        },
    ),
    "solar_sense": _advert(
        0xFF01,
        0xA3FE,
        {
            "error_code": 0,
            "charger_error": 0,
            "installation_power": 850,
            "yield_today": 123,
            "irradiance": 6543,
            "cell_temperature": 950,  # 35.0 °C (0.1 °C, -60 °C)
            "battery_voltage": 130,  # 3.0 V
            "tx_power": 0,
            "time_since_last_sun": 0,
        },
    ),
}


def test_every_record_type_has_a_reading() -> None:
    assert {layout.name for layout in LAYOUTS.values()} <= set(READINGS)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _entities(hass: HomeAssistant, entry_id: str) -> list[dict[str, Any]]:
    registry = er.async_get(hass)
    shown = []
    for entity in sorted(
        er.async_entries_for_config_entry(registry, entry_id), key=lambda entity: entity.entity_id
    ):
        state = hass.states.get(entity.entity_id)
        attributes = {} if state is None else dict(state.attributes)
        shown.append(
            {
                key: _plain(value)
                for key, value in {
                    "entity_id": entity.entity_id,
                    "name": attributes.get("friendly_name"),
                    "state": None if state is None else state.state,
                    "unit": attributes.get("unit_of_measurement"),
                    "device_class": attributes.get("device_class"),
                    "state_class": attributes.get("state_class"),
                    "options": len(attributes["options"]) if "options" in attributes else None,
                    "category": entity.entity_category,
                    "disabled": entity.disabled_by is not None,
                    "translation_key": entity.translation_key,
                }.items()
            }
        )
    return shown


@pytest.mark.parametrize("device", sorted(READINGS))
async def test_entities_of_each_record_type(
    hass: HomeAssistant, inject: Inject, snapshot: SnapshotAssertion, device: str
) -> None:
    data, key = READINGS[device]
    entry = victron_entry(key=key.hex())
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    inject(data, name=None)
    await hass.async_block_till_done()

    entities = _entities(hass, entry.entry_id)

    assert entities == snapshot
    # Nothing a device reports is left without a name, and no two entities share one.
    names = [entity["name"] for entity in entities if entity["name"]]
    assert len(names) == len(set(names))
    assert all(entity["translation_key"] for entity in entities), ADDRESS
