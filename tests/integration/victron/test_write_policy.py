"""What a Victron sensor writes: a visible change within the interval, a large one at once, nothing lost."""

from __future__ import annotations

from datetime import timedelta

from bluetooth_data_tools import monotonic_time_coarse
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.bluetooth.const import UNAVAILABLE_TRACK_SECONDS
from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.offgrid_power.const import DOMAIN
from custom_components.offgrid_power.victron.const import (
    FALLBACK_AVAILABILITY_SECONDS,
    STATE_MIN_INTERVAL,
)
from custom_components.offgrid_power.victron.write_policy import WritePolicy

from .conftest import ADDRESS, Inject, solar_advert, victron_entry


def _entity_id(hass: HomeAssistant, key: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, f"{ADDRESS}-{key}")
    assert entity_id is not None
    return entity_id


def _written(hass: HomeAssistant, key: str) -> list[str]:
    """Every state the entity writes from now on (what the recorder would store)."""
    entity_id = _entity_id(hass, key)
    states: list[str] = []

    @callback
    def _note(event: Event[EventStateChangedData]) -> None:
        if event.data["entity_id"] == entity_id and (new := event.data["new_state"]):
            states.append(new.state)

    hass.bus.async_listen(EVENT_STATE_CHANGED, _note)
    return states


async def _setup(hass: HomeAssistant) -> None:
    entry = victron_entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def _pass(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def test_a_small_change_lands_within_the_interval(
    hass: HomeAssistant, inject: Inject, freezer: FrozenDateTimeFactory
) -> None:
    await _setup(hass)
    inject(solar_advert(nonce=1, pv_power=200))
    await hass.async_block_till_done()
    written = _written(hass, "pv_power")
    inject(solar_advert(nonce=2, pv_power=205))
    inject(solar_advert(nonce=3, pv_power=207))
    await hass.async_block_till_done()
    assert written == []
    await _pass(hass, freezer, STATE_MIN_INTERVAL)
    # The latest reading, once.
    assert written == ["207"]


async def test_a_large_change_lands_at_once(hass: HomeAssistant, inject: Inject) -> None:
    await _setup(hass)
    inject(solar_advert(nonce=1, pv_power=200))
    await hass.async_block_till_done()
    written = _written(hass, "pv_power")
    inject(solar_advert(nonce=2, pv_power=350))
    await hass.async_block_till_done()
    assert written == ["350"]
    # So does any change of an enum: a charger going from bulk to float.
    states = _written(hass, "device_state")
    inject(solar_advert(nonce=3, pv_power=350, device_state=5))
    await hass.async_block_till_done()
    assert states == ["float"]


async def test_nothing_held_back_is_lost_when_the_device_goes_away(
    hass: HomeAssistant, inject: Inject, freezer: FrozenDateTimeFactory
) -> None:
    await _setup(hass)
    # Just before Home Assistant's periodic availability check, heard long ago.
    await _pass(hass, freezer, UNAVAILABLE_TRACK_SECONDS - STATE_MIN_INTERVAL / 2)
    heard = monotonic_time_coarse() - FALLBACK_AVAILABILITY_SECONDS - 30
    inject(solar_advert(nonce=1, pv_power=200), time=heard)
    await hass.async_block_till_done()
    written = _written(hass, "pv_power")
    inject(solar_advert(nonce=2, pv_power=205), time=heard)
    await hass.async_block_till_done()
    assert written == []
    # The check runs before the held change is due: it is written, then the entity goes.
    await _pass(hass, freezer, STATE_MIN_INTERVAL / 2 + 1)
    assert written == ["205", STATE_UNAVAILABLE]
    # And it returns at once with its next reading.
    inject(solar_advert(nonce=3, pv_power=206))
    await hass.async_block_till_done()
    assert written[-1] == "206"


def test_policy_ignores_changes_below_the_display_precision() -> None:
    policy = WritePolicy(min_interval=10.0, precision=2)
    policy.wrote(13.0, now=0.0)
    assert policy.due(13.004, now=1.0) is None
    assert policy.due(13.01, now=1.0) == 9.0
    assert policy.due(13.01, now=12.0) == 0.0
    # Ten display steps and a tenth of the value: at once.
    assert policy.due(14.5, now=1.0) == 0.0
    assert policy.due("unknown", now=1.0) == 0.0


def test_policy_writes_the_first_state_and_energy_steps() -> None:
    policy = WritePolicy(min_interval=60.0, precision=3)
    assert policy.due(0.0, now=0.0) == 0.0
    policy.wrote(1.234, now=0.0)
    assert policy.due(1.2344, now=5.0) is None
    assert policy.due(1.235, now=5.0) == 55.0
