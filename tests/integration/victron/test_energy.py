"""Energy totals of a Victron device: solar yield total, battery and AC counters, restore."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.bluetooth import MONOTONIC_TIME
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    async_fire_time_changed,
    mock_restore_cache_with_extra_data,
)

from custom_components.offgrid_power.const import DOMAIN

from .conftest import (
    ADDRESS,
    SHUNT_KEY,
    Inject,
    advert,
    solar_advert,
    victron_entry,
)

VEBUS_KEY = "da3f5fa2860cb1cf86ba7a6d1d16b9dd"
RUNTIME = "custom_components.offgrid_power.sensor"


@pytest.fixture(autouse=True)
def _write_every_change() -> Iterator[None]:
    """The counters' arithmetic, not the write policy (test_write_policy): no holding back."""
    with (
        patch(f"{RUNTIME}.STATE_MIN_INTERVAL", 0.0),
        patch(f"{RUNTIME}.ENERGY_MIN_INTERVAL", 0.0),
    ):
        yield


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


async def _setup(hass: HomeAssistant, key: str) -> None:
    entry = victron_entry(key=key)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def _wait(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Let time pass; the counters' hold timer repeats the unchanged readings."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


def _shunt(nonce: int, milliamps: int) -> bytes:
    # 12.00 V; the current is Victron's: positive while the battery charges.
    return advert(
        0x02,
        0xA389,
        SHUNT_KEY,
        nonce=nonce,
        battery_voltage=1200,
        aux_input=3,
        battery_current=milliamps & 0x3FFFFF,
        time_to_go=0xFFFF,
    )


async def test_battery_charge_and_discharge_energy(
    hass: HomeAssistant, inject: Inject, freezer: FrozenDateTimeFactory
) -> None:
    await _setup(hass, SHUNT_KEY)
    inject(_shunt(1, 10_000))  # charging at 120 W
    await hass.async_block_till_done()
    assert _value(hass, "battery_power") == 120.0
    await _wait(hass, freezer, 60)
    inject(_shunt(2, -5_000))  # discharging at 60 W
    await hass.async_block_till_done()
    assert _value(hass, "battery_power") == -60.0
    await _wait(hass, freezer, 60)

    assert _value(hass, "battery_charge_energy") == pytest.approx(0.002)  # 120 W for a minute
    assert _value(hass, "battery_discharge_energy") == pytest.approx(0.001)  # 60 W for a minute


def _multi(nonce: int, ac_in: int, ac_out: int) -> bytes:
    return advert(
        0x0C,
        0x2780,
        VEBUS_KEY,
        nonce=nonce,
        battery_voltage=1300,
        battery_temperature=65,
        state_of_charge=0x7F,
        ac_in_power=ac_in & 0x7FFFF,
        ac_out_power=ac_out & 0x7FFFF,
    )


async def test_ac_in_out_and_returned_energy(
    hass: HomeAssistant, inject: Inject, freezer: FrozenDateTimeFactory
) -> None:
    await _setup(hass, VEBUS_KEY)
    inject(_multi(1, ac_in=1200, ac_out=600))  # from the grid
    await hass.async_block_till_done()
    await _wait(hass, freezer, 30)
    inject(_multi(2, ac_in=-600, ac_out=300))  # ESS feeding the grid
    await hass.async_block_till_done()
    await _wait(hass, freezer, 60)

    assert _value(hass, "ac_in_energy") == pytest.approx(0.010)  # 1200 W for 30 s
    assert _value(hass, "ac_in_returned_energy") == pytest.approx(0.010)  # 600 W for 60 s
    assert _value(hass, "ac_out_energy") == pytest.approx(
        0.010
    )  # 600 W for 30 s, then 300 W for 60 s


async def test_a_silent_device_stops_counting_at_its_last_advertisement(
    hass: HomeAssistant, inject: Inject, freezer: FrozenDateTimeFactory
) -> None:
    start_wall, start_monotonic = dt_util.utcnow(), MONOTONIC_TIME()

    def clock() -> float:
        """Bluetooth's monotonic clock, moving with the frozen wall clock."""
        return start_monotonic + (dt_util.utcnow() - start_wall).total_seconds()

    with patch(f"{RUNTIME}.MONOTONIC_TIME", clock):
        await _setup(hass, SHUNT_KEY)
        inject(_shunt(1, 10_000), time=clock())  # 120 W
        await hass.async_block_till_done()
        freezer.tick(timedelta(seconds=30))
        # The same advertisement again: no callback, but Home Assistant notes the time.
        inject(_shunt(1, 10_000), time=clock())
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        # Then silence: the held power must not keep counting.
        await _wait(hass, freezer, 30)
        await _wait(hass, freezer, 30)

    assert _value(hass, "battery_charge_energy") == pytest.approx(0.001)  # 120 W for 30 s


async def test_a_long_silence_is_never_bridged(
    hass: HomeAssistant, inject: Inject, freezer: FrozenDateTimeFactory
) -> None:
    await _setup(hass, SHUNT_KEY)
    inject(_shunt(1, 10_000))
    await hass.async_block_till_done()
    freezer.tick(timedelta(minutes=10))
    inject(_shunt(2, 10_001))
    await hass.async_block_till_done()
    assert _value(hass, "battery_charge_energy") == 0.0


@pytest.mark.parametrize(
    ("record_type", "product_id"),
    [(0x02, 0xA389), (0x06, 0xA402), (0x0A, 0xA3E5), (0x0B, 0xA442), (0x0C, 0x2780)],
)
async def test_battery_power_is_positive_while_charging(
    hass: HomeAssistant, inject: Inject, record_type: int, product_id: int
) -> None:
    """Victron's sign, on every record with a battery current: charging is positive."""
    key = "00112233445566778899aabbccddeeff"
    await _setup(hass, key)
    # A battery monitor also says its aux input is unused.
    extra = {"aux_input": 3} if record_type == 0x02 else {}
    # A small positive current, whatever the field's scale.
    fields = {"battery_voltage": 1300, "battery_current": 100, **extra}
    inject(advert(record_type, product_id, key, nonce=1, **fields))
    await hass.async_block_till_done()
    assert _value(hass, "battery_power") > 0


async def test_yield_yesterday_and_max_pv_power_follow_the_device_day(
    hass: HomeAssistant, inject: Inject
) -> None:
    entry = victron_entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    for nonce, (raw_yield, pv_power) in enumerate(
        [(150, 200), (151, 650), (152, 300), (0, 20), (1, 40)], start=1
    ):
        inject(solar_advert(nonce=nonce, yield_today=raw_yield, pv_power=pv_power))
        await hass.async_block_till_done()
    assert _value(hass, "yield_yesterday") == 1.52
    # The device's day rolled over at 20 W: the maximum starts again there.
    assert _value(hass, "max_pv_power_today") == 40.0


async def test_day_values_are_restored(hass: HomeAssistant, inject: Inject) -> None:
    registry = er.async_get(hass)
    for key in ("yield_yesterday", "max_pv_power_today"):
        registry.async_get_or_create("sensor", DOMAIN, f"{ADDRESS}-{key}", suggested_object_id=key)
    day = {"yesterday_kwh": 4.2, "max_power_today_w": 900.0, "last_yield": 1.5, "last_time": None}
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(f"sensor.{key}", "0"),
                {"native_value": 0, "native_unit_of_measurement": unit, "counter": day},
            )
            for key, unit in (("yield_yesterday", "kWh"), ("max_pv_power_today", "W"))
        ],
    )
    entry = victron_entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await _feed(hass, inject, [150, 151])
    assert _value(hass, "yield_yesterday") == 4.2
    assert _value(hass, "max_pv_power_today") == 900.0
