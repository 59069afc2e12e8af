"""When a Victron device goes silent: unavailable after the fallback interval, back on its next reading."""

from __future__ import annotations

from datetime import timedelta
import logging

from bluetooth_data_tools import monotonic_time_coarse
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.bluetooth import async_get_fallback_availability_interval
from homeassistant.components.bluetooth.const import UNAVAILABLE_TRACK_SECONDS
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.offgrid_power.const import DOMAIN
from custom_components.offgrid_power.victron.const import FALLBACK_AVAILABILITY_SECONDS

from .conftest import ADDRESS, Inject, solar_advert, victron_entry

# Heard last this long ago: past our fallback, well within Home Assistant's 15-minute default.
SILENT_FOR = FALLBACK_AVAILABILITY_SECONDS + 30


def _pv_power(hass: HomeAssistant) -> str:
    entity_id = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, f"{ADDRESS}-pv_power")
    assert entity_id is not None
    return hass.states.get(entity_id).state


async def _sweep(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let Home Assistant's Bluetooth manager run its periodic availability check."""
    freezer.tick(timedelta(seconds=UNAVAILABLE_TRACK_SECONDS + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def _setup(hass: HomeAssistant) -> None:
    entry = victron_entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_silent_device_is_unavailable_after_the_fallback_and_returns(
    hass: HomeAssistant, inject: Inject, freezer: FrozenDateTimeFactory
) -> None:
    await _setup(hass)
    assert async_get_fallback_availability_interval(hass, ADDRESS) == FALLBACK_AVAILABILITY_SECONDS

    inject(solar_advert(nonce=1, pv_power=250), time=monotonic_time_coarse() - SILENT_FOR)
    await hass.async_block_till_done()
    assert _pv_power(hass) == "250"

    await _sweep(hass, freezer)
    assert _pv_power(hass) == STATE_UNAVAILABLE

    inject(solar_advert(nonce=2, pv_power=260))
    await hass.async_block_till_done()
    assert _pv_power(hass) == "260"
    # Home Assistant dropped the fallback when the device disappeared; it is set again.
    assert async_get_fallback_availability_interval(hass, ADDRESS) == FALLBACK_AVAILABILITY_SECONDS

    inject(solar_advert(nonce=3, pv_power=270), time=monotonic_time_coarse() - SILENT_FOR)
    await hass.async_block_till_done()
    await _sweep(hass, freezer)
    assert _pv_power(hass) == STATE_UNAVAILABLE


async def test_a_device_heard_recently_stays_available(
    hass: HomeAssistant, inject: Inject, freezer: FrozenDateTimeFactory
) -> None:
    await _setup(hass)
    inject(solar_advert(nonce=1, pv_power=250), time=monotonic_time_coarse() - 10)
    await hass.async_block_till_done()
    await _sweep(hass, freezer)
    assert _pv_power(hass) == "250"


async def test_going_silent_and_returning_are_logged_once_each(
    hass: HomeAssistant,
    inject: Inject,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await _setup(hass)
    caplog.set_level(logging.INFO, logger="custom_components.offgrid_power")

    def logged(words: str) -> list[logging.LogRecord]:
        return [r for r in caplog.records if words in r.getMessage()]

    inject(solar_advert(nonce=1, pv_power=250), time=monotonic_time_coarse() - SILENT_FOR)
    await hass.async_block_till_done()
    await _sweep(hass, freezer)
    await _sweep(hass, freezer)
    assert _pv_power(hass) == STATE_UNAVAILABLE
    gone = logged("stopped advertising")
    assert len(gone) == 1
    assert gone[0].levelno == logging.INFO

    for nonce in (2, 3, 4):
        inject(solar_advert(nonce=nonce, pv_power=260))
        await hass.async_block_till_done()
    back = logged("advertising again")
    assert len(back) == 1
    assert back[0].levelno == logging.INFO

    # A second absence is logged again, once.
    inject(solar_advert(nonce=5, pv_power=270), time=monotonic_time_coarse() - SILENT_FOR)
    await hass.async_block_till_done()
    await _sweep(hass, freezer)
    assert len(logged("stopped advertising")) == 2
