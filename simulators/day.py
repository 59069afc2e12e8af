"""A simulated day that every simulator can follow, compressed for a demo.

`SimulatedDay(day_seconds=600)` lets a whole day pass in ten real minutes, so
a demo shows the sun rising, the battery filling up, the evening deficit and
the night. The sun is the same for every family: a half sine from 06:00 to
18:00. Time is measured as each simulator measures it (seconds since it
started); `start_hour` is where that count begins, and a test may move it to
jump to another part of the day.
"""

from __future__ import annotations

from dataclasses import dataclass
import math

SECONDS_PER_DAY = 86400.0
SUNRISE_HOUR = 6.0
DAYLIGHT_HOURS = 12.0
EVENING = (18.0, 23.0)


def sun_at(hour: float) -> float:
    """How much of its peak a solar array makes at ``hour`` (0 at night, 1 at noon)."""
    return max(0.0, math.sin(math.pi * (hour - SUNRISE_HOUR) / DAYLIGHT_HOURS))


def is_evening(hour: float) -> bool:
    """Lights and cooking: the hours when a house draws more."""
    return EVENING[0] <= hour < EVENING[1]


@dataclass(slots=True)
class SimulatedDay:
    """A day of ``day_seconds`` real seconds, starting at ``start_hour``."""

    day_seconds: float = SECONDS_PER_DAY
    start_hour: float = 12.0

    @classmethod
    def on_wall_clock(cls, day_seconds: float, now: float) -> SimulatedDay:
        """A day whose hour follows the Unix clock ``now``: simulators started at
        different moments with the same ``day_seconds`` agree on the time of day."""
        return cls(day_seconds, start_hour=24.0 * (now % day_seconds) / day_seconds)

    @property
    def time_scale(self) -> float:
        """Simulated seconds per real second."""
        return SECONDS_PER_DAY / self.day_seconds

    def hour(self, elapsed: float) -> float:
        """The simulated time of day, in hours, ``elapsed`` real seconds after the start."""
        seconds = self.start_hour * 3600.0 + elapsed * self.time_scale
        return (seconds % SECONDS_PER_DAY) / 3600.0

    def sun(self, elapsed: float) -> float:
        return sun_at(self.hour(elapsed))

    def hours(self, real_seconds: float) -> float:
        """Simulated hours that ``real_seconds`` stand for: what energy integrates over."""
        return real_seconds * self.time_scale / 3600.0


class DayBattery:
    """A battery bank charged by the sun and drained by the house, advanced lazily.

    ``net_w`` is what flows into the bank (negative: out of it) at a moment;
    the state of charge follows it over simulated time and stops at empty and
    full, where a charger would stop charging (float). With ``generator_w``, a
    generator runs while the sun is up: it carries the house and charges the
    bank with that power.
    """

    def __init__(
        self,
        day: SimulatedDay,
        *,
        capacity_wh: float,
        nominal_v: float,
        initial_soc: float,
        pv_peak_w: float,
        base_load_w: float,
        evening_load_w: float,
        generator_w: float = 0.0,
    ) -> None:
        self.day = day
        self.capacity_wh = capacity_wh
        self.nominal_v = nominal_v
        self.stored_wh = capacity_wh * initial_soc
        self.pv_peak_w = pv_peak_w
        self.base_load_w = base_load_w
        self.evening_load_w = evening_load_w
        self.generator_w = generator_w
        self.on_generator = False
        self._last: float | None = None
        # Solar energy produced since the start, in simulated time.
        self.produced_wh = 0.0
        self.pv_w = 0.0
        self.load_w = 0.0
        self.net_w = 0.0

    @property
    def soc(self) -> float:
        return self.stored_wh / self.capacity_wh

    @property
    def voltage(self) -> float:
        rest = self.nominal_v * (0.96 + 0.12 * self.soc)
        return rest + 0.01 * self.nominal_v * self.net_w / max(self.pv_peak_w, 1.0)

    @property
    def current(self) -> float:
        return self.net_w / self.voltage

    def at(self, elapsed: float) -> DayBattery:
        """Advance to ``elapsed`` real seconds (never backwards) and return self."""
        hour = self.day.hour(elapsed)
        available_w = self.pv_peak_w * sun_at(hour)
        self.load_w = self.base_load_w + (self.evening_load_w if is_evening(hour) else 0.0)
        self.on_generator = self.generator_w > 0 and available_w > 0
        house_w = 0.0 if self.on_generator else self.load_w
        if self.stored_wh >= self.capacity_wh:
            # Full (float): the chargers make only what the house takes.
            self.pv_w = min(available_w, house_w)
            self.net_w = self.pv_w - house_w
        else:
            self.pv_w = available_w
            self.net_w = self.pv_w - house_w + (self.generator_w if self.on_generator else 0.0)
        if self._last is not None and elapsed > self._last:
            hours = self.day.hours(elapsed - self._last)
            self.produced_wh += self.pv_w * hours
            energy = self.stored_wh + self.net_w * hours
            self.stored_wh = min(self.capacity_wh, max(0.0, energy))
        if self.stored_wh <= 0.0:
            self.net_w = max(self.net_w, 0.0)
        self._last = max(elapsed, self._last or elapsed)
        return self
