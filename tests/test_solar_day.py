"""SolarDay: yield yesterday and maximum PV power today follow the device's day."""

from __future__ import annotations

import math

from custom_components.offgrid_power.solar_day import MAX_GAP_SECONDS, SolarDay


def _day() -> SolarDay:
    return SolarDay(max_power_kw=50.0)


def test_rollover_keeps_the_last_yield_and_restarts_the_maximum() -> None:
    day = _day()
    day.add(4.0, 300.0, 0.0)
    day.add(5.2, 800.0, 3600.0)
    day.add(5.2, 0.0, 7200.0)
    assert day.yesterday_kwh is None
    assert day.max_power_today_w == 800.0
    # Next morning the device's day ends: yield today starts again from zero.
    assert day.add(0.0, 40.0, 50_000.0)
    assert day.yesterday_kwh == 5.2
    assert day.max_power_today_w == 40.0


def test_a_garbled_drop_is_not_a_new_day() -> None:
    day = _day()
    day.add(5.0, 100.0, 0.0)
    # 4 kWh in one second is impossible for a 50 kW charger.
    day.add(4.0, 100.0, 1.0)
    assert day.yesterday_kwh is None
    day.add(5.01, 100.0, 2.0)
    assert day.yesterday_kwh is None


def test_invalid_readings_change_nothing() -> None:
    day = _day()
    day.add(1.0, 100.0, 0.0)
    assert not day.add(None, None, 10.0)
    assert not day.add(math.nan, math.inf, 20.0)
    assert not day.add(-1.0, -5.0, 30.0)
    # An implausible power is not a maximum.
    assert not day.add(1.0, 60_000.0, 40.0)
    assert day.max_power_today_w == 100.0


def test_a_long_gap_makes_yesterday_unknown() -> None:
    day = _day()
    day.add(5.0, 100.0, 0.0)
    day.add(0.0, 10.0, 1000.0)
    assert day.yesterday_kwh == 5.0
    day.add(2.0, 20.0, 1000.0 + MAX_GAP_SECONDS + 1)
    assert day.yesterday_kwh is None
    assert day.max_power_today_w == 20.0


def test_restore_continues_and_ignores_broken_fields() -> None:
    day = _day()
    day.add(5.0, 700.0, 0.0)
    day.add(0.0, 10.0, 30_000.0)
    stored = day.as_dict()
    restored = _day()
    restored.restore(stored)
    assert restored.as_dict() == stored
    # The device rolls over again while Home Assistant was stopping and starting.
    restored.add(0.0, 5.0, 40_000.0)
    restored.add(3.0, 900.0, 60_000.0)
    restored.add(0.1, 5.0, 100_000.0)
    assert restored.yesterday_kwh == 3.0
    broken = _day()
    broken.restore({"yesterday_kwh": "x", "max_power_today_w": -1, "last_yield": math.nan})
    assert broken.as_dict() == _day().as_dict()
