"""Energy totals of a Victron device: solar yield total and restore after restart."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import mock_restore_cache_with_extra_data

from custom_components.offgrid_power.const import DOMAIN

from .conftest import ADDRESS, Inject, solar_advert, victron_entry


def _value(hass: HomeAssistant, key: str) -> float:
    entity_id = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, f"{ADDRESS}-{key}")
    assert entity_id is not None
    return float(hass.states.get(entity_id).state)


async def _feed(hass: HomeAssistant, inject: Inject, yields: list[int]) -> None:
    for nonce, raw in enumerate(yields, start=1):
        inject(solar_advert(nonce=nonce, yield_today=raw))
        await hass.async_block_till_done()


async def test_solar_total_follows_yield_today_across_a_reset(
    hass: HomeAssistant, inject: Inject
) -> None:
    entry = victron_entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    # The first advertisement creates the entity, the second is its first reading.
    await _feed(hass, inject, [150, 150, 151, 0, 1])
    assert _value(hass, "yield_today") == 0.01
    # +0.01 before the device's day ended, +0.00 at the reset, +0.01 after it.
    assert _value(hass, "solar_energy") == pytest.approx(0.02)


async def test_solar_total_is_restored(hass: HomeAssistant, inject: Inject) -> None:
    er.async_get(hass).async_get_or_create(
        "sensor", DOMAIN, f"{ADDRESS}-solar_energy", suggested_object_id="solar_total"
    )
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State("sensor.solar_total", "12.5"),
                {
                    "native_value": 12.5,
                    "native_unit_of_measurement": "kWh",
                    "counter": {"total_kwh": 12.5},
                },
            )
        ],
    )
    entry = victron_entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await _feed(hass, inject, [150, 150, 151])
    assert _value(hass, "solar_energy") == pytest.approx(12.51)
