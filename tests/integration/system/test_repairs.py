"""A deleted battery sensor raises a repair issue, and the system keeps running."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.offgrid_power.const import DOMAIN
from custom_components.offgrid_power.diagnostics import async_get_config_entry_diagnostics
from custom_components.offgrid_power.system.repairs import issue_id

from .conftest import BATTERY_POWER, SOC, night, set_sources, settle, system_state


async def test_a_deleted_battery_sensor_is_a_repair_issue(
    hass: HomeAssistant, system_entry: MockConfigEntry
) -> None:
    registry = er.async_get(hass)
    # The battery power sensor belongs to some integration's registry.
    registered = registry.async_get_or_create(
        "sensor", "other", "shunt_power", suggested_object_id="shunt_power"
    )
    assert registered.entity_id == BATTERY_POWER
    night(hass)
    assert await hass.config_entries.async_setup(system_entry.entry_id)
    await hass.async_block_till_done()
    issues = ir.async_get(hass)
    assert issues.async_get_issue(DOMAIN, issue_id(system_entry.entry_id)) is None

    registry.async_remove(BATTERY_POWER)
    hass.states.async_remove(BATTERY_POWER)
    await settle(hass)
    issue = issues.async_get_issue(DOMAIN, issue_id(system_entry.entry_id))
    assert issue is not None
    assert issue.translation_key == "system_battery_missing"
    assert issue.translation_placeholders == {
        "title": "Off-grid system",
        "entities": BATTERY_POWER,
    }
    assert system_entry.state is ConfigEntryState.LOADED
    assert system_state(hass, system_entry, "battery_power") == STATE_UNAVAILABLE

    # A sensor without a registry entry that disappears counts as well.
    hass.states.async_remove(SOC)
    await settle(hass)
    issue = issues.async_get_issue(DOMAIN, issue_id(system_entry.entry_id))
    assert issue is not None
    assert issue.translation_placeholders["entities"] == f"{SOC}, {BATTERY_POWER}"

    # Both come back: the issue is gone.
    set_sources(hass, soc=60, battery=-330)
    await settle(hass)
    assert issues.async_get_issue(DOMAIN, issue_id(system_entry.entry_id)) is None
    assert float(system_state(hass, system_entry, "battery_power")) == -330


async def test_setup_with_a_missing_battery_sensor_raises_the_issue(
    hass: HomeAssistant, system_entry: MockConfigEntry
) -> None:
    night(hass)
    hass.states.async_remove(SOC)
    assert await hass.config_entries.async_setup(system_entry.entry_id)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id(system_entry.entry_id))

    # Removing the entry removes its issue and its stored day.
    assert await hass.config_entries.async_remove(system_entry.entry_id)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id(system_entry.entry_id)) is None


async def test_diagnostics_say_why_a_source_is_not_used(
    hass: HomeAssistant, system_entry: MockConfigEntry
) -> None:
    night(hass)
    set_sources(hass, voltage="nan", mppt2="-40", dc="lots")
    assert await hass.config_entries.async_setup(system_entry.entry_id)
    await hass.async_block_till_done()

    diagnostics = await async_get_config_entry_diagnostics(hass, system_entry)
    readings = diagnostics["runtime"]["readings"]
    assert readings["sensor.shunt_voltage"] == {"value": None, "rejected": "not_finite"}
    assert readings["sensor.mppt_2_power"] == {"value": None, "rejected": "negative"}
    assert readings["sensor.dc_loads_power"] == {"value": None, "rejected": "not_numeric"}
    assert readings["sensor.shunt_soc"] == {"value": 60.0, "rejected": None}
    assert diagnostics["entry"]["title"] == "**REDACTED**"
    assert diagnostics["entry"]["options"]["battery_soc"] == SOC
    assert "insights" in diagnostics["runtime"]
    assert diagnostics["runtime"]["repair_issue"] is None
