"""The day's insights, folded from a stream of `SystemSample`s.

Only what was seen is reported: a start, stop or "full" time needs an observed
transition between two samples no further apart than `MAX_GAP`, so a restart
or a dropout in the middle of the sunny afternoon never invents a "solar
started at" time. An unknown input leaves the figures at their last good value.
Days are local calendar days of ``tz``; durations use real elapsed time, so a
23- or 25-hour DST day counts right.

Slightly over 300 lines: the fold and its stored form (`as_dict`, `restore`
and their readers) stay together, so a new figure is added in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
import math
from typing import Any

from .sample import SystemSample
from .thresholds import Thresholds

# A longer silence between two samples is a gap: nothing is inferred across it.
MAX_GAP = timedelta(minutes=5)
# How far back "best day" looks for the relative performance.
HISTORY_DAYS = 14


@dataclass(frozen=True, slots=True)
class SourceDay:
    """One solar source's figures for today."""

    today_kwh: float | None
    yesterday_kwh: float | None
    share: float | None
    relative_performance: float | None


@dataclass(slots=True)
class _Previous:
    """The last sample's states, for detecting transitions; None is unknown."""

    at: datetime
    producing: bool | None
    charging: bool | None
    full: bool | None
    covered: bool | None
    deficit: bool | None


def _both(first: bool | None, second: bool | None) -> bool | None:
    if first is False or second is False:
        return False
    if first is None or second is None:
        return None
    return True


def _either(first: bool | None, second: bool | None) -> bool | None:
    # Either sign suffices (a charger is optional, or may not know the SoC).
    if first is True or second is True:
        return True
    if first is None and second is None:
        return None
    return False


def _at_least(value: float | None, threshold: float) -> bool | None:
    return None if value is None else value >= threshold


class DayInsights:
    """Today's (and yesterday's) figures of one system."""

    def __init__(self, tz: tzinfo, thresholds: Thresholds) -> None:
        self.tz = tz
        self.thresholds = thresholds
        self.day: date | None = None
        self._previous: _Previous | None = None
        self._reset_day()
        self._yesterday: dict[str, float] = {}
        # Finished days' yields per source: {source: {iso date: kWh}}.
        self._history: dict[str, dict[str, float]] = {}
        self.overnight_kwh: float | None = None
        self._night_load_start: float | None = None
        self._night_started_at: datetime | None = None

    def _reset_day(self) -> None:
        self.min_voltage: float | None = None
        self.min_voltage_at: datetime | None = None
        self.max_voltage: float | None = None
        self.max_voltage_at: datetime | None = None
        self.min_soc: float | None = None
        self.max_charge_power: float | None = None
        self.charging_started_at: datetime | None = None
        self.full_at: datetime | None = None
        self.solar_start_at: datetime | None = None
        self.solar_stop_at: datetime | None = None
        self.covered_at: datetime | None = None
        self.peak_solar_power: float | None = None
        self.deficit_seconds = 0.0
        self._day_start_energy: dict[str, float] = {}
        self._today: dict[str, float] = {}

    # -- feeding ---------------------------------------------------------

    def observe(self, sample: SystemSample) -> None:
        """Fold one sample in; a sample from before the current day is ignored."""
        day = sample.at.astimezone(self.tz).date()
        if self.day is None:
            self.day = day
        elif day < self.day:
            return
        elif day > self.day:
            self._roll(day, sample)
        self._count_energy(sample)
        self._extremes(sample)
        self._transitions(sample)

    def is_new_day(self, now: datetime) -> bool:
        """Whether ``now`` is past the current day's local midnight."""
        return self.day is not None and now.astimezone(self.tz).date() > self.day

    def _roll(self, day: date, sample: SystemSample) -> None:
        # Energy counted up to this sample still belongs to the day that ends.
        self._count_energy(sample)
        finished = self.day
        assert finished is not None
        for source, kwh in self._today.items():
            self._history.setdefault(source, {})[finished.isoformat()] = kwh
        self._yesterday = dict(self._today) if day - finished == timedelta(days=1) else {}
        oldest = (day - timedelta(days=HISTORY_DAYS)).isoformat()
        self._history = {
            source: {d: kwh for d, kwh in days.items() if d >= oldest}
            for source, days in self._history.items()
        }
        self.day = day
        self._reset_day()
        self._day_start_energy = dict(sample.source_energy)
        # Durations and transitions do not span midnight.
        self._previous = None

    def _count_energy(self, sample: SystemSample) -> None:
        for source, total in sample.source_energy.items():
            start = self._day_start_energy.setdefault(source, total)
            self._today[source] = max(0.0, total - start)

    def _extremes(self, sample: SystemSample) -> None:
        at = sample.at
        if (voltage := sample.battery_voltage) is not None:
            if self.min_voltage is None or voltage < self.min_voltage:
                self.min_voltage, self.min_voltage_at = voltage, at
            if self.max_voltage is None or voltage > self.max_voltage:
                self.max_voltage, self.max_voltage_at = voltage, at
        if (soc := sample.battery_soc) is not None and (self.min_soc is None or soc < self.min_soc):
            self.min_soc = soc
        power = sample.battery_power
        if power is not None and power > 0:
            self.max_charge_power = max(self.max_charge_power or 0.0, power)
        solar = sample.total_solar_power
        if solar is not None:
            self.peak_solar_power = max(self.peak_solar_power or 0.0, solar)

    def _transitions(self, sample: SystemSample) -> None:
        limits = self.thresholds
        solar = sample.total_solar_power
        producing = _at_least(solar, limits.producing_w)
        power = sample.battery_power
        charging = _at_least(power, limits.charging_w)
        discharging = None if power is None else power <= -limits.charging_w
        full = _either(_at_least(sample.battery_soc, limits.full_soc), sample.charger_full)
        covered = _both(
            producing,
            None if solar is None or sample.load_power is None else solar >= sample.load_power,
        )
        current = _Previous(
            sample.at, producing, charging, full, covered, _both(producing, discharging)
        )
        previous, self._previous = self._previous, current
        if previous is None or not timedelta(0) <= sample.at - previous.at <= MAX_GAP:
            return
        if previous.deficit:
            self.deficit_seconds += (sample.at - previous.at).total_seconds()
        if previous.producing is False and producing:
            self._solar_started(sample)
        if previous.producing and producing is False:
            self.solar_stop_at = sample.at
            self._night_load_start, self._night_started_at = sample.load_energy, sample.at
        if previous.charging is False and charging and self.charging_started_at is None:
            self.charging_started_at = sample.at
        if previous.full is False and full and self.full_at is None:
            self.full_at = sample.at
        if previous.covered is False and covered and self.covered_at is None:
            self.covered_at = sample.at

    def _solar_started(self, sample: SystemSample) -> None:
        if self.solar_start_at is not None:
            # A cloud in the day: the night has not ended, the day's start stays.
            return
        self.solar_start_at = sample.at
        start, started_at = self._night_load_start, self._night_started_at
        self._night_load_start = self._night_started_at = None
        if (
            start is not None
            and started_at is not None
            and sample.load_energy is not None
            and sample.at - started_at <= timedelta(days=1)
            and sample.load_energy >= start
        ):
            self.overnight_kwh = sample.load_energy - start

    # -- reading ---------------------------------------------------------

    @property
    def time_to_full(self) -> timedelta | None:
        """From today's charging start to full, if both happened in that order."""
        if self.charging_started_at is None or self.full_at is None:
            return None
        if self.full_at < self.charging_started_at:
            return None
        return self.full_at - self.charging_started_at

    @property
    def deficit_time(self) -> timedelta:
        """How long today the battery discharged while solar was producing."""
        return timedelta(seconds=self.deficit_seconds)

    @property
    def solar_today_kwh(self) -> float | None:
        """Every source's yield today; unknown before the first sample."""
        return sum(self._today.values()) if self._today else None

    @property
    def solar_yesterday_kwh(self) -> float | None:
        """Every source's yield yesterday; unknown if yesterday was not watched."""
        return sum(self._yesterday.values()) if self._yesterday else None

    def source(self, source: str) -> SourceDay:
        """One source's yields, share of today's total and relative performance."""
        today = self._today.get(source)
        total = self.solar_today_kwh
        share = None if today is None or not total else 100 * today / total
        best = max(
            (kwh for d, kwh in self._history.get(source, {}).items() if d != self._day_iso()),
            default=0.0,
        )
        relative = None if today is None or best <= 0 else 100 * today / best
        return SourceDay(today, self._yesterday.get(source), share, relative)

    def _day_iso(self) -> str:
        return self.day.isoformat() if self.day else ""

    # -- persistence -----------------------------------------------------

    def as_dict(self) -> dict[str, Any]:
        """Everything a restart mid-day needs (not the transition state: a restart is a gap)."""
        return {
            "day": self._day_iso() or None,
            "min_voltage": [self.min_voltage, _iso(self.min_voltage_at)],
            "max_voltage": [self.max_voltage, _iso(self.max_voltage_at)],
            "min_soc": self.min_soc,
            "max_charge_power": self.max_charge_power,
            "charging_started_at": _iso(self.charging_started_at),
            "full_at": _iso(self.full_at),
            "solar_start_at": _iso(self.solar_start_at),
            "solar_stop_at": _iso(self.solar_stop_at),
            "covered_at": _iso(self.covered_at),
            "peak_solar_power": self.peak_solar_power,
            "deficit_seconds": self.deficit_seconds,
            "day_start_energy": dict(self._day_start_energy),
            "today": dict(self._today),
            "yesterday": dict(self._yesterday),
            "history": {source: dict(days) for source, days in self._history.items()},
            "overnight_kwh": self.overnight_kwh,
            "night_load_start": self._night_load_start,
            "night_started_at": _iso(self._night_started_at),
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Continue from stored figures; a malformed field is left unknown."""
        try:
            self.day = date.fromisoformat(data["day"])
        except (KeyError, TypeError, ValueError):
            return
        self.min_voltage, self.min_voltage_at = _stamped(data.get("min_voltage"))
        self.max_voltage, self.max_voltage_at = _stamped(data.get("max_voltage"))
        self.min_soc = _number(data.get("min_soc"))
        self.max_charge_power = _number(data.get("max_charge_power"))
        self.charging_started_at = _time(data.get("charging_started_at"))
        self.full_at = _time(data.get("full_at"))
        self.solar_start_at = _time(data.get("solar_start_at"))
        self.solar_stop_at = _time(data.get("solar_stop_at"))
        self.covered_at = _time(data.get("covered_at"))
        self.peak_solar_power = _number(data.get("peak_solar_power"))
        self.deficit_seconds = _number(data.get("deficit_seconds")) or 0.0
        self._day_start_energy = _numbers(data.get("day_start_energy"))
        self._today = _numbers(data.get("today"))
        self._yesterday = _numbers(data.get("yesterday"))
        history = data.get("history")
        if isinstance(history, dict):
            self._history = {
                str(source): _numbers(days) for source, days in history.items() if _numbers(days)
            }
        self.overnight_kwh = _number(data.get("overnight_kwh"))
        self._night_load_start = _number(data.get("night_load_start"))
        self._night_started_at = _time(data.get("night_started_at"))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _numbers(value: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        return {}
    return {str(key): number for key, raw in value.items() if (number := _number(raw)) is not None}


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _stamped(value: Any) -> tuple[float | None, datetime | None]:
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None, None
    number, at = _number(value[0]), _time(value[1])
    return (number, at) if number is not None and at is not None else (None, None)
