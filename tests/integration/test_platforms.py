"""The generic platforms and the energy sensor, driven by the loopback family."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    mock_restore_cache_with_extra_data,
)

from custom_components.offgrid_power.const import CONF_FAMILY, DOMAIN, Family

from .loopback_family import LoopbackMeter

POLL = timedelta(seconds=10)


@pytest.fixture
async def entry(
    hass: HomeAssistant, loopback_family: Family, loopback_meter: LoopbackMeter
) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={CONF_FAMILY: loopback_family, "port": loopback_meter.port},
        entry_id="loopback_entry",
    )
    entry.add_to_hass(hass)
    return entry


async def _load(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


def _entity_id(hass: HomeAssistant, key: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(
        key.split(":")[0], DOMAIN, f"loopback_entry_{key.split(':')[1]}"
    )
    assert entity_id is not None
    return entity_id


async def _poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    freezer.tick(POLL)
    async_fire_time_changed(hass)
    # The coordinator polls in a background task, and the reply comes over a real socket.
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_states_come_from_the_device(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await _load(hass, entry)
    assert hass.states.get(_entity_id(hass, "sensor:power")).state == "1000.0"
    assert hass.states.get(_entity_id(hass, "binary_sensor:alarm")).state == "off"
    assert hass.states.get(_entity_id(hass, "number:setpoint")).state == "20.0"
    assert hass.states.get(_entity_id(hass, "select:mode")).state == "eco"
    assert hass.states.get(_entity_id(hass, "switch:alarm_switch")).state == "off"


async def test_controls_show_the_value_read_back(
    hass: HomeAssistant, entry: MockConfigEntry, loopback_meter: LoopbackMeter
) -> None:
    await _load(hass, entry)
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": _entity_id(hass, "number:setpoint"), "value": 30},
        blocking=True,
    )
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": _entity_id(hass, "select:mode"), "option": "boost"},
        blocking=True,
    )
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": _entity_id(hass, "switch:alarm_switch")}, blocking=True
    )
    assert loopback_meter.state == {"power": 1000.0, "setpoint": 30, "mode": "boost", "alarm": True}
    assert hass.states.get(_entity_id(hass, "number:setpoint")).state == "30.0"
    assert hass.states.get(_entity_id(hass, "select:mode")).state == "boost"
    assert hass.states.get(_entity_id(hass, "switch:alarm_switch")).state == "on"
    assert hass.states.get(_entity_id(hass, "binary_sensor:alarm")).state == "on"

    loopback_meter.state["mode"] = "unknown_7"
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get(_entity_id(hass, "select:mode")).state == "unknown"


async def test_energy_integrates_and_stands_still_across_failures(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    loopback_meter: LoopbackMeter,
    freezer: FrozenDateTimeFactory,
) -> None:
    await _load(hass, entry)
    energy = _entity_id(hass, "sensor:energy")
    assert float(hass.states.get(energy).state) == 0

    # 1000 W then 2000 W over ten seconds: the trapezoid gives 1500 W for 10 s.
    loopback_meter.state["power"] = 2000.0
    await _poll(hass, freezer)
    assert float(hass.states.get(energy).state) == pytest.approx(1500 * 10 / 3_600_000)
    before_failure = float(hass.states.get(energy).state)

    loopback_meter.failing = True
    await _poll(hass, freezer)
    assert hass.states.get(energy).state == STATE_UNAVAILABLE
    assert hass.states.get(_entity_id(hass, "sensor:power")).state == STATE_UNAVAILABLE

    # After the failure the chain starts again: the gap is never integrated.
    loopback_meter.failing = False
    await _poll(hass, freezer)
    assert float(hass.states.get(energy).state) == pytest.approx(before_failure)
    await _poll(hass, freezer)
    assert float(hass.states.get(energy).state) == pytest.approx(
        before_failure + 2000 * 10 / 3_600_000
    )


async def test_energy_is_restored_after_restart(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    energy_id = "sensor.loopback_meter_energy"
    er.async_get(hass).async_get_or_create(
        "sensor", DOMAIN, "loopback_entry_energy", suggested_object_id="loopback_meter_energy"
    )
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(energy_id, "12.5"),
                {
                    "native_value": 12.5,
                    "native_unit_of_measurement": "kWh",
                    "counter": {"total_kwh": 12.5},
                },
            )
        ],
    )
    await _load(hass, entry)
    assert float(hass.states.get(energy_id).state) == 12.5
    await _poll(hass, freezer)
    assert float(hass.states.get(energy_id).state) == pytest.approx(12.5 + 1000 * 10 / 3_600_000)


async def test_broken_restore_data_starts_from_zero(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    energy_id = "sensor.loopback_meter_energy"
    er.async_get(hass).async_get_or_create(
        "sensor", DOMAIN, "loopback_entry_energy", suggested_object_id="loopback_meter_energy"
    )
    mock_restore_cache_with_extra_data(
        hass, [(State(energy_id, "bogus"), {"native_value": "bogus", "counter": "nope"})]
    )
    await _load(hass, entry)
    assert float(hass.states.get(energy_id).state) == 0
