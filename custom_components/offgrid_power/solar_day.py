"""Yield yesterday and maximum solar power today, derived from a charger's readings.

A Victron solar charger has no clock: its "day" ends when the PV comes back
after a night, and its advertisement then starts ``yield today`` again from
zero. The record has no yesterday and no daily maximum, so they are kept
here: ``yesterday`` is the last ``yield today`` before the device's day
rolled over, and ``max_power_today`` the highest PV power since that
rollover. Following the device's day (not local midnight) keeps both in step
with the yield today the device shows and with VictronConnect's history.

A drop is a rollover only when the new value could have been counted since
the last reading (the same bound the yield counter uses), so one garbled
reading does not end a day. A gap longer than a day means a rollover may
have passed unseen: yesterday is then unknown and the maximum starts again.
Plain Python; ``as_dict``/``restore`` carry it across restarts.
"""

from __future__ import annotations

from dataclasses import dataclass
import math
from typing import Any

# Longer than this without a reading, a day may have ended unseen.
MAX_GAP_SECONDS = 24 * 3600.0


def _finite(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


@dataclass(slots=True)
class SolarDay:
    """Tracks the device's day from its yield today (kWh) and PV power (W)."""

    max_power_kw: float
    yesterday_kwh: float | None = None
    max_power_today_w: float | None = None
    _last_yield: float | None = None
    _last_time: float | None = None

    def add(self, yield_kwh: float | None, power_w: float | None, at: float) -> bool:
        """Feed one reading taken at ``at`` (seconds); return True if a value changed."""
        before = (self.yesterday_kwh, self.max_power_today_w)
        yield_kwh = _finite(yield_kwh)
        if yield_kwh is not None and yield_kwh >= 0:
            self._follow_yield(yield_kwh, at)
        power_w = _finite(power_w)
        if (
            power_w is not None
            and 0 <= power_w <= self.max_power_kw * 1000
            and self._last_time is not None
        ):
            self.max_power_today_w = max(self.max_power_today_w or 0.0, power_w)
        return (self.yesterday_kwh, self.max_power_today_w) != before

    def _follow_yield(self, yield_kwh: float, at: float) -> None:
        last, last_time = self._last_yield, self._last_time
        if last is not None and last_time is not None:
            elapsed = at - last_time
            if elapsed > MAX_GAP_SECONDS:
                self.yesterday_kwh = self.max_power_today_w = None
            elif yield_kwh < last:
                if yield_kwh > self.max_power_kw * max(elapsed, 1.0) / 3600:
                    return  # implausible: not a new day, and not a reading to keep
                self.yesterday_kwh = last
                self.max_power_today_w = None
        self._last_yield, self._last_time = yield_kwh, at

    def as_dict(self) -> dict[str, Any]:
        """Return what survives a restart."""
        return {
            "yesterday_kwh": self.yesterday_kwh,
            "max_power_today_w": self.max_power_today_w,
            "last_yield": self._last_yield,
            "last_time": self._last_time,
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Continue from stored state; broken fields are ignored."""
        self.yesterday_kwh = _non_negative(data.get("yesterday_kwh"))
        self.max_power_today_w = _non_negative(data.get("max_power_today_w"))
        last_yield = _non_negative(data.get("last_yield"))
        last_time = _finite(data.get("last_time"))
        if last_yield is not None and last_time is not None:
            self._last_yield, self._last_time = last_yield, last_time


def _non_negative(value: Any) -> float | None:
    number = _finite(value)
    return number if number is not None and number >= 0 else None
