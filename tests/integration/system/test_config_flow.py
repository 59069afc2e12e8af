"""Adding, reconfiguring and changing the options of the off-grid system."""

from __future__ import annotations

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.offgrid_power.const import CONF_FAMILY, DOMAIN, SYSTEM_KIND, Family
from custom_components.offgrid_power.system.choice import parse_choice
from custom_components.offgrid_power.system.const import (
    CONF_AC_LOAD_POWER,
    CONF_BATTERY_CURRENT,
    CONF_BATTERY_POWER,
    CONF_BATTERY_SOC,
    CONF_BATTERY_VOLTAGE,
    CONF_CHARGE_STATE,
    CONF_CHARGING_W,
    CONF_FULL_SOC,
    CONF_PRODUCING_W,
    CONF_SOLAR_POWER,
    CONF_SOLAR_SOURCES,
    CONF_SOURCE_ENERGY,
    CONF_SOURCE_POWER,
)

from .conftest import (
    AC_LOAD,
    BATTERY_POWER,
    MPPT_1,
    MPPT_1_ENERGY,
    MPPT_2,
    SOC,
    VOLTAGE,
    night,
)


def _suggested(result: dict, key: str) -> object:
    for marker in result["data_schema"].schema:
        if marker == key:
            return (marker.description or {}).get("suggested_value")
    raise KeyError(key)


def _register(
    hass: HomeAssistant, entry: MockConfigEntry, device: str, keys: dict[str, str]
) -> dict[str, str]:
    """Entities of one Off-Grid Power device, as a family registers them."""
    device_entry = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, device)}, name=device
    )
    registry = er.async_get(hass)
    return {
        key: registry.async_get_or_create(
            "sensor",
            DOMAIN,
            f"{device}_{key}",
            config_entry=entry,
            device_id=device_entry.id,
            translation_key=key,
            suggested_object_id=object_id,
        ).entity_id
        for key, object_id in keys.items()
    }


async def test_the_choice_is_pre_filled_from_our_devices(hass: HomeAssistant) -> None:
    family = MockConfigEntry(domain=DOMAIN, data={CONF_FAMILY: Family.VICTRON})
    family.add_to_hass(hass)
    shunt = _register(
        hass,
        family,
        "shunt",
        {
            "state_of_charge": "shunt_soc",
            "battery_voltage": "shunt_voltage",
            "battery_power": "shunt_power",
            "battery_current": "shunt_current",
        },
    )
    charger = _register(
        hass,
        family,
        "mppt",
        {
            "pv_power": "mppt_pv_power",
            "solar_energy": "mppt_solar_energy",
            "battery_voltage": "mppt_voltage",
            "device_state": "mppt_state",
        },
    )
    inverter = _register(hass, family, "inverter", {"ac_out_power": "inverter_ac_out_power"})

    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": SYSTEM_KIND}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "system"
    assert _suggested(result, CONF_BATTERY_SOC) == shunt["state_of_charge"]
    # The battery monitor's voltage wins over the charger's.
    assert _suggested(result, CONF_BATTERY_VOLTAGE) == shunt["battery_voltage"]
    assert _suggested(result, CONF_BATTERY_POWER) == shunt["battery_power"]
    assert _suggested(result, CONF_CHARGE_STATE) == charger["device_state"]
    assert _suggested(result, CONF_AC_LOAD_POWER) == inverter["ac_out_power"]
    assert _suggested(result, CONF_SOLAR_POWER) == [charger["pv_power"]]

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_BATTERY_SOC: shunt["state_of_charge"],
            CONF_BATTERY_POWER: shunt["battery_power"],
            CONF_AC_LOAD_POWER: inverter["ac_out_power"],
            CONF_SOLAR_POWER: [charger["pv_power"]],
        },
    )
    assert result["step_id"] == "system_solar"
    assert _suggested(result, charger["pv_power"]) == charger["solar_energy"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {charger["pv_power"]: charger["solar_energy"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Off-grid system"
    assert result["data"] == {CONF_FAMILY: SYSTEM_KIND}
    assert result["options"] == {
        CONF_BATTERY_SOC: shunt["state_of_charge"],
        CONF_BATTERY_POWER: shunt["battery_power"],
        CONF_AC_LOAD_POWER: inverter["ac_out_power"],
        CONF_SOLAR_SOURCES: [
            {CONF_SOURCE_POWER: charger["pv_power"], CONF_SOURCE_ENERGY: charger["solar_energy"]}
        ],
    }


async def test_any_entity_works_and_the_battery_needs_a_power(hass: HomeAssistant) -> None:
    night(hass)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": SYSTEM_KIND}
    )
    # Nothing of ours is set up: nothing is suggested.
    assert _suggested(result, CONF_BATTERY_SOC) is None
    chosen = {
        CONF_BATTERY_SOC: SOC,
        CONF_BATTERY_VOLTAGE: VOLTAGE,
        CONF_AC_LOAD_POWER: AC_LOAD,
        CONF_SOLAR_POWER: [MPPT_1, MPPT_2],
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], chosen)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "battery_power_needed"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**chosen, CONF_BATTERY_CURRENT: "sensor.shunt_current"}
    )
    assert result["step_id"] == "system_solar"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {MPPT_1: MPPT_1_ENERGY}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    choice = parse_choice(result["options"])
    assert choice.battery_current == "sensor.shunt_current"
    assert [(s.power, s.energy) for s in choice.solar] == [
        (MPPT_1, MPPT_1_ENERGY),
        (MPPT_2, None),
    ]
    await hass.async_block_till_done()
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    assert entry.runtime_data.choice == choice


async def test_reconfigure_changes_the_entities_and_keeps_the_thresholds(
    hass: HomeAssistant, system_entry: MockConfigEntry
) -> None:
    night(hass)
    hass.config_entries.async_update_entry(
        system_entry, options={**system_entry.options, CONF_FULL_SOC: 95}
    )
    assert await hass.config_entries.async_setup(system_entry.entry_id)
    await hass.async_block_till_done()

    result = await system_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "system"
    assert _suggested(result, CONF_BATTERY_POWER) == BATTERY_POWER
    assert _suggested(result, CONF_SOLAR_POWER) == [MPPT_1, MPPT_2]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_BATTERY_POWER: BATTERY_POWER,
            CONF_AC_LOAD_POWER: AC_LOAD,
            CONF_SOLAR_POWER: [MPPT_2],
        },
    )
    assert result["step_id"] == "system_solar"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()

    choice = system_entry.runtime_data.choice
    assert [source.power for source in choice.solar] == [MPPT_2]
    assert choice.battery_soc is None
    assert choice.thresholds.full_soc == 95


async def test_options_change_the_entities_and_thresholds(
    hass: HomeAssistant, system_entry: MockConfigEntry
) -> None:
    night(hass)
    assert await hass.config_entries.async_setup(system_entry.entry_id)
    await hass.async_block_till_done()

    result = await hass.config_entries.options.async_init(system_entry.entry_id)
    assert result["step_id"] == "system"
    assert _suggested(result, CONF_BATTERY_SOC) == SOC
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_BATTERY_SOC: SOC,
            CONF_BATTERY_POWER: BATTERY_POWER,
            CONF_AC_LOAD_POWER: AC_LOAD,
            CONF_SOLAR_POWER: [MPPT_1],
        },
    )
    assert result["step_id"] == "system_solar"
    assert _suggested(result, MPPT_1) == MPPT_1_ENERGY
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["step_id"] == "system_thresholds"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_PRODUCING_W: 50, CONF_CHARGING_W: 10, CONF_FULL_SOC: 100}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()

    choice = system_entry.runtime_data.choice
    assert [(s.power, s.energy) for s in choice.solar] == [(MPPT_1, None)]
    assert choice.thresholds.producing_w == 50
    assert choice.thresholds.charging_w == 10
    assert choice.thresholds.full_soc == 100
    # The entities of the source no longer chosen are gone.
    registry = er.async_get(hass)
    unique_ids = {
        entity.unique_id
        for entity in er.async_entries_for_config_entry(registry, system_entry.entry_id)
    }
    assert f"{system_entry.entry_id}_sensor_mppt_1_power_yield_today" in unique_ids
    assert f"{system_entry.entry_id}_sensor_mppt_1_power_energy" in unique_ids
    assert not any("mppt_2" in unique_id for unique_id in unique_ids)
