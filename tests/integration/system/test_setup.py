"""The system entry: its device, entities and live values."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.offgrid_power.const import DOMAIN
from custom_components.offgrid_power.system.runtime import MIN_REFRESH_INTERVAL, TICK, SystemRuntime
from tests.devices import device_with_identifier

from .conftest import night, set_sources, settle, system_state


async def test_system_device_and_entities(
    hass: HomeAssistant, system_entry: MockConfigEntry
) -> None:
    night(hass)
    assert await hass.config_entries.async_setup(system_entry.entry_id)
    await hass.async_block_till_done()
    assert system_entry.state is ConfigEntryState.LOADED

    device = device_with_identifier(hass, (DOMAIN, system_entry.entry_id))
    assert device is not None
    assert device.name == "Off-grid system"
    entities = er.async_entries_for_config_entry(er.async_get(hass), system_entry.entry_id)
    by_unique_id = {entity.unique_id: entity for entity in entities}
    entry_id = system_entry.entry_id
    assert by_unique_id[f"{entry_id}_solar_power"].translation_key == "system_solar_power"
    assert by_unique_id[f"{entry_id}_battery_full_at"].translation_key == "system_battery_full_at"
    # The source without a kWh sensor of its own gets a counter; the other does not.
    assert f"{entry_id}_sensor_mppt_2_power_energy" in by_unique_id
    assert f"{entry_id}_sensor_mppt_1_power_energy" not in by_unique_id
    assert (
        by_unique_id[f"{entry_id}_sensor_mppt_1_power_yield_today"].translation_key
        == "system_source_yield_today"
    )
    assert all(entity.device_id == device.id for entity in entities)

    def state(key: str) -> str:
        entity_id = by_unique_id[f"{entry_id}_{key}"].entity_id
        return hass.states.get(entity_id).state  # type: ignore[union-attr]

    assert float(state("solar_power")) == 0
    assert float(state("battery_power")) == -330
    assert float(state("load_power")) == 330
    assert float(state("balance")) == -330

    # An unavailable source makes what depends on it unavailable, never 0.
    set_sources(hass, mppt2=None, dc="nan")
    await settle(hass)
    assert state("solar_power") == STATE_UNAVAILABLE
    assert state("load_power") == STATE_UNAVAILABLE
    assert state("balance") == STATE_UNAVAILABLE
    assert float(state("battery_power")) == -330

    assert await hass.config_entries.async_unload(system_entry.entry_id)
    assert system_entry.state is ConfigEntryState.NOT_LOADED


async def test_a_burst_of_changes_is_one_refresh(
    hass: HomeAssistant, system_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    night(hass)
    assert await hass.config_entries.async_setup(system_entry.entry_id)
    await hass.async_block_till_done()
    solar = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{system_entry.entry_id}_solar_power"
    )
    writes = async_capture_events(hass, EVENT_STATE_CHANGED)

    # A chatty source, all within the same second.
    for watts in range(100, 1100, 100):
        set_sources(hass, mppt1=watts)
        await hass.async_block_till_done()
    await settle(hass)

    solar_writes = [event for event in writes if event.data["entity_id"] == solar]
    assert len(solar_writes) == 1
    assert float(solar_writes[0].data["new_state"].state) == 1000


async def test_day_figures_follow_the_live_values_on_the_tick(
    hass: HomeAssistant, system_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    night(hass)
    assert await hass.config_entries.async_setup(system_entry.entry_id)
    await hass.async_block_till_done()

    freezer.tick(MIN_REFRESH_INTERVAL)
    set_sources(hass, ac=600, voltage=25.0)
    await settle(hass)
    # The live value at once; the day's figures are written on the 30 s tick.
    assert float(system_state(hass, system_entry, "load_power")) == 630
    assert float(system_state(hass, system_entry, "battery_min_voltage")) == 25.6

    async_fire_time_changed(hass, dt_util.utcnow() + TICK)
    await hass.async_block_till_done()
    assert float(system_state(hass, system_entry, "battery_min_voltage")) == 25.0


async def test_the_tick_stops_when_home_assistant_stops(
    hass: HomeAssistant, system_entry: MockConfigEntry
) -> None:
    night(hass)
    assert await hass.config_entries.async_setup(system_entry.entry_id)
    await hass.async_block_till_done()
    runtime = system_entry.runtime_data
    assert isinstance(runtime, SystemRuntime)
    refreshed = runtime.sample.at

    # Stopping does not unload the entry; its tick must not outlive Home Assistant.
    await hass.async_stop()
    async_fire_time_changed(hass, dt_util.utcnow() + 2 * TICK)
    await hass.async_block_till_done()
    assert runtime.sample.at == refreshed
