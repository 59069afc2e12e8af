"""The day's insights over simulated days: plain Python, no Home Assistant."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.offgrid_power.system.insights import DayInsights, SystemSample
from custom_components.offgrid_power.system.insights.thresholds import Thresholds

from .profile import Moment, moment

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DAY = date(2026, 6, 10)
STEP = timedelta(minutes=1)


class Plant:
    """Integrates the profile's powers into lifetime kWh totals, like the runtime's counters."""

    def __init__(self) -> None:
        self.energy = {"mppt1": 100.0, "mppt2": 50.0}
        self.load = 20.0
        self.last: tuple[datetime, Moment] | None = None

    def sample(self, at: datetime, tz: ZoneInfo = AMSTERDAM) -> SystemSample:
        now = moment(at.astimezone(tz))
        if self.last is not None:
            hours = (at - self.last[0]).total_seconds() / 3600
            before = self.last[1]
            self.energy["mppt1"] += before.mppt1 * hours / 1000
            self.energy["mppt2"] += before.mppt2 * hours / 1000
            self.load += before.load * hours / 1000
        self.last = (at, now)
        return SystemSample(
            at=at,
            battery_voltage=now.voltage,
            battery_soc=now.soc,
            battery_power=now.battery,
            solar_power={"mppt1": now.mppt1, "mppt2": now.mppt2},
            load_power=now.load,
            charger_full=None,
            source_energy=dict(self.energy),
            load_energy=self.load,
        )


def local(day: date, hour: int, minute: int = 0, tz: ZoneInfo = AMSTERDAM) -> datetime:
    """A local wall-clock time as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), tz).astimezone(UTC)


def minutes(start: datetime, end: datetime) -> Iterator[datetime]:
    at = start
    while at < end:
        yield at
        at += STEP


def run(insights: DayInsights, plant: Plant, start: datetime, end: datetime) -> None:
    for at in minutes(start, end):
        insights.observe(plant.sample(at, insights.tz))  # type: ignore[arg-type]


def first_minute(day: date, condition: object, tz: ZoneInfo = AMSTERDAM) -> datetime:
    """The first whole minute of the local day at which ``condition(moment)`` holds."""
    for at in minutes(local(day, 0, tz=tz), local(day + timedelta(days=1), 0, tz=tz)):
        if condition(moment(at.astimezone(tz))):  # type: ignore[operator]
            return at
    raise AssertionError("never")


def count_minutes(day: date, condition: object, tz: ZoneInfo = AMSTERDAM) -> int:
    start, end = local(day, 0, tz=tz), local(day + timedelta(days=1), 0, tz=tz)
    return sum(1 for at in minutes(start, end) if condition(moment(at.astimezone(tz))))  # type: ignore[operator]


def producing(m: Moment) -> bool:
    return m.solar >= 20


def in_deficit(m: Moment) -> bool:
    return m.solar >= 20 and m.battery <= -20


@pytest.fixture
def insights() -> DayInsights:
    return DayInsights(AMSTERDAM, Thresholds())


def test_a_whole_day(insights: DayInsights) -> None:
    run(insights, Plant(), local(DAY, 0), local(DAY + timedelta(days=1), 0))

    assert insights.solar_start_at == local(DAY, 7, 4)
    assert insights.solar_stop_at == local(DAY, 18, 57)
    assert insights.covered_at == local(DAY, 8, 0)
    assert insights.charging_started_at == first_minute(DAY, lambda m: m.battery >= 20)
    assert insights.full_at == local(DAY, 14, 48)
    assert insights.time_to_full == insights.full_at - insights.charging_started_at
    assert insights.min_voltage == 25.8
    assert insights.min_voltage_at == local(DAY, 0)
    assert insights.max_voltage == 27.5
    assert insights.max_voltage_at == first_minute(DAY, lambda m: m.voltage >= 27.5)
    assert insights.min_soc == 40
    assert insights.max_charge_power == pytest.approx(2000 - 330)
    assert insights.peak_solar_power == 2000
    assert insights.deficit_time == timedelta(minutes=count_minutes(DAY, in_deficit))
    assert insights.deficit_time == timedelta(minutes=104)
    # 12 h of a 2000 W triangle is 12 kWh, two thirds from MPPT 1.
    assert insights.solar_today_kwh == pytest.approx(12.0, rel=0.01)
    mppt1 = insights.source("mppt1")
    assert mppt1.today_kwh == pytest.approx(8.0, rel=0.01)
    assert mppt1.share == pytest.approx(200 / 3, rel=1e-6)
    # Nothing to compare with yet.
    assert mppt1.relative_performance is None
    assert mppt1.yesterday_kwh is None
    # The day before was not watched: no overnight figure.
    assert insights.overnight_kwh is None


def test_midnight_starts_a_new_day_and_keeps_yesterday(insights: DayInsights) -> None:
    plant = Plant()
    run(insights, plant, local(DAY, 0), local(DAY + timedelta(days=1), 0))
    today = insights.source("mppt1").today_kwh
    next_day = DAY + timedelta(days=1)

    insights.observe(plant.sample(local(next_day, 0)))

    assert insights.day == next_day
    assert insights.solar_start_at is None
    assert insights.full_at is None
    assert insights.min_voltage == 25.8
    assert insights.min_voltage_at == local(next_day, 0)
    assert insights.deficit_time == timedelta(0)
    assert insights.solar_today_kwh == 0
    assert insights.source("mppt1").yesterday_kwh == pytest.approx(today)
    assert insights.solar_yesterday_kwh == pytest.approx(12.0, rel=0.01)

    run(insights, plant, local(next_day, 0, 1), local(next_day, 12))
    # From yesterday's 18:57 stop to today's 07:04 start the house drew 330 W.
    night = local(next_day, 7, 4) - local(DAY, 18, 57)
    assert insights.overnight_kwh == pytest.approx(0.33 * night.total_seconds() / 3600, rel=0.01)
    # The morning's yield against yesterday's whole day: the 07:00-12:00 part
    # of the triangle is 25/72 of it.
    assert insights.source("mppt1").relative_performance == pytest.approx(100 * 25 / 72, abs=1)


def test_a_new_day_starts_at_local_midnight(insights: DayInsights) -> None:
    assert not insights.is_new_day(local(DAY, 12))  # nothing seen yet: no day to end
    insights.observe(Plant().sample(local(DAY, 23, 59)))

    assert not insights.is_new_day(local(DAY, 23, 59) + timedelta(seconds=59))
    # Midnight in Amsterdam is 22:00 UTC in summer: the UTC date has not changed yet.
    assert insights.is_new_day(local(DAY + timedelta(days=1), 0))


def test_relative_performance_is_against_the_best_of_14_days(insights: DayInsights) -> None:
    plant = Plant()
    first = DAY - timedelta(days=20)
    for offset in range(21):
        day = first + timedelta(days=offset)
        # Each day a minute of samples at noon adds a known yield: day 3 is the best.
        plant.last = None
        for at in minutes(local(day, 12), local(day, 12, 10)):
            sample = plant.sample(at)
            if offset == 3:
                plant.energy["mppt1"] += 1.0
            insights.observe(replace(sample, source_energy=dict(plant.energy)))
    # Day 3 is more than 14 days ago: the best is now an ordinary day.
    relative = insights.source("mppt1").relative_performance
    assert relative == pytest.approx(100, rel=0.05)


def test_a_restart_mid_day_continues_and_invents_nothing(insights: DayInsights) -> None:
    plant = Plant()
    run(insights, plant, local(DAY, 0), local(DAY, 10))
    stored = insights.as_dict()

    restarted = DayInsights(AMSTERDAM, Thresholds())
    restarted.restore(stored)
    # Home Assistant was down from 10:00 to 10:30.
    plant.last = None
    run(restarted, plant, local(DAY, 10, 30), local(DAY + timedelta(days=1), 0))

    assert restarted.solar_start_at == local(DAY, 7, 4)
    assert restarted.charging_started_at == insights.charging_started_at
    assert restarted.min_voltage_at == local(DAY, 0)
    assert restarted.full_at == local(DAY, 14, 48)
    assert restarted.deficit_time == timedelta(minutes=104)
    # The yield counted before the restart is kept; only the 30 minutes of the
    # stop (about 720 W from MPPT 1) are missing.
    assert restarted.source("mppt1").today_kwh == pytest.approx(8.0 - 0.36, rel=0.01)


def test_a_restart_in_the_sun_does_not_invent_a_solar_start(insights: DayInsights) -> None:
    plant = Plant()
    run(insights, plant, local(DAY, 11), local(DAY, 12))
    assert insights.solar_start_at is None
    assert insights.charging_started_at is None
    assert insights.covered_at is None


@pytest.mark.parametrize(
    ("day", "hours"),
    [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25)],
    ids=["spring-forward", "fall-back"],
)
def test_dst_days(day: date, hours: int) -> None:
    insights = DayInsights(AMSTERDAM, Thresholds())
    plant = Plant()
    start, end = local(day, 0), local(day + timedelta(days=1), 0)
    assert end - start == timedelta(hours=hours)
    # A sample every minute of real time; the profile follows the wall clock.
    at = start
    while at < end:
        insights.observe(plant.sample(at))
        at += STEP
    # Deficit time is real elapsed time: the night hours that DST adds or
    # removes are dark, so the figure is the same as on any other day.
    assert insights.deficit_time == timedelta(minutes=104)
    assert insights.solar_start_at == local(day, 7, 4)
    assert insights.full_at == local(day, 14, 48)
    assert insights.solar_today_kwh == pytest.approx(12.0, rel=0.01)
    # The day rolls at local midnight, not at UTC midnight.
    insights.observe(plant.sample(end - timedelta(seconds=1)))
    assert insights.day == day
    insights.observe(plant.sample(end))
    assert insights.day == day + timedelta(days=1)
    assert insights.solar_yesterday_kwh == pytest.approx(12.0, rel=0.01)


def test_unknown_inputs_keep_the_last_good_figures(insights: DayInsights) -> None:
    plant = Plant()
    run(insights, plant, local(DAY, 0), local(DAY, 7))
    blank = SystemSample(at=local(DAY, 7, 3), source_energy=dict(plant.energy))
    insights.observe(blank)
    # The source comes back already producing: the transition was not seen.
    run(insights, plant, local(DAY, 7, 10), local(DAY, 12))
    assert insights.min_voltage == 25.8
    assert insights.min_soc == 40
    assert insights.solar_start_at is None
    # Solar covering the load at 08:00 is a transition that was seen.
    assert insights.covered_at == local(DAY, 8, 0)


def test_a_gap_is_not_bridged(insights: DayInsights) -> None:
    plant = Plant()
    run(insights, plant, local(DAY, 7, 30), local(DAY, 7, 40))
    # Ten minutes without any sample in the middle of the morning deficit.
    run(insights, plant, local(DAY, 7, 50), local(DAY, 7, 56))
    assert insights.deficit_time == timedelta(minutes=9 + 5)


def test_the_charger_reporting_float_means_full(insights: DayInsights) -> None:
    plant = Plant()
    base = plant.sample(local(DAY, 12))
    insights.observe(replace(base, battery_soc=None, charger_full=False))
    insights.observe(replace(base, at=local(DAY, 12, 1), battery_soc=None, charger_full=True))
    assert insights.full_at == local(DAY, 12, 1)


def test_a_broken_store_restores_nothing_wrong(insights: DayInsights) -> None:
    good = DayInsights(AMSTERDAM, Thresholds())
    run(good, Plant(), local(DAY, 0), local(DAY, 16))
    stored = good.as_dict()
    stored["min_voltage"] = ["NaN", "yesterday"]
    stored["full_at"] = "2026-06-10T14:48:00"  # no time zone
    stored["today"] = {"mppt1": float("inf"), "mppt2": 1.5}
    insights.restore(stored)
    assert insights.min_voltage is None
    assert insights.full_at is None
    assert insights.source("mppt1").today_kwh is None
    assert insights.source("mppt2").today_kwh == 1.5
    assert insights.solar_start_at == local(DAY, 7, 4)
    insights.restore({"day": "not a day"})
    assert insights.solar_start_at == local(DAY, 7, 4)
