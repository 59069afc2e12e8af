"""Energy counters that the Energy dashboard can trust.

Two kinds feed every ``kWh`` sensor of this integration:

* :class:`EnergyCounter` integrates a power reading. It never bridges a gap
  longer than ``max_step``, never integrates across an invalid sample, and
  only ever grows.
* :class:`NativeCounterAccumulator` turns a device counter that resets (a
  charger's "yield today") into a lifetime total. A reset adds what the
  device counted since, and a single implausible reading cannot move it.

Both are plain Python and serialise to a dict, so a ``RestoreSensor`` brings
them back after a restart. Neither is restored mid-chain for integration:
the time Home Assistant was down is a gap like any other.

Times given to ``add`` are seconds on Home Assistant's monotonic clock
(:func:`counter_time`): NTP after boot or a drifting RTC moves the wall clock,
not this one, so a wall-clock jump neither credits energy nor breaks a chain.
Still, a time that is not a finite number breaks the chain and a gap is
bridged only up to ``max_step`` and at a physical power. The wall clock is
read in one place only, the native counter's restart bridge (monotonic time
starts over with the host): it spans at most ``MAX_RESTART_GAP_S`` and never a
backwards jump.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
import math
from typing import Any, Protocol, Self

from homeassistant.components.sensor import SensorExtraStoredData
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util


class IntegrationMethod(StrEnum):
    """How the power between two samples is estimated."""

    TRAPEZOIDAL = "trapezoidal"
    # For step-shaped loads that switch between samples.
    LEFT = "left"


class Counter(Protocol):
    """What a kWh sensor needs from its counter."""

    total_kwh: float

    def add(self, value: float | None, at: float) -> bool:
        """Feed one value taken at ``at`` (seconds); return True if the total grew."""

    def interrupt(self) -> None:
        """Note that an update failed."""

    def as_dict(self) -> dict[str, Any]:
        """Return what survives a restart."""

    def restore(self, data: dict[str, Any]) -> None:
        """Continue from stored state."""


# No off-grid installation this integration serves comes near 1 MW; a power
# above it is a decoding artefact (float32 volts x amps can reach 1e77).
MAX_POWER_W = 1_000_000.0
# A device counter's growth while Home Assistant was down is credited only for
# a downtime this short; a longer (or backwards) wall-clock gap is not bridged.
MAX_RESTART_GAP_S = 24 * 3600.0


def _usable(value: float | None, limit: float = math.inf) -> bool:
    number = _float_or_none(value)
    return number is not None and math.isfinite(number) and 0 <= number <= limit


def counter_time(hass: HomeAssistant) -> float:
    """The time every counter's ``add`` takes: Home Assistant's monotonic clock.

    The event loop's clock, which wall-clock corrections cannot move (and the
    test harness's frozen clock moves, so the tests stay deterministic).
    """
    return hass.loop.time()


def _wall_clock() -> float:
    """Home Assistant's wall clock (looked up per call, so tests can move it)."""
    return dt_util.utcnow().timestamp()


def _finite(at: float) -> bool:
    number = _float_or_none(at)
    return number is not None and math.isfinite(number)


@dataclass(slots=True)
class EnergyCounter:
    """Integrates a non-negative power in W into a total in kWh."""

    max_step: float
    method: IntegrationMethod = IntegrationMethod.TRAPEZOIDAL
    max_power_w: float = MAX_POWER_W
    total_kwh: float = 0.0
    _anchor_time: float | None = None
    _anchor_power: float | None = None

    def add(self, power_w: float | None, at: float) -> bool:
        """Add a power sample taken at ``at`` (seconds); return True if the total grew.

        An unusable sample (missing, not finite, negative, above the physical
        limit, or at a time that is not a number) breaks the chain, so the
        next good sample only starts a new one.
        """
        if not _usable(power_w, self.max_power_w) or not _finite(at):
            self.interrupt()
            return False
        assert power_w is not None
        power_w, at = float(power_w), float(at)
        last_time, last_power = self._anchor_time, self._anchor_power
        self._anchor_time, self._anchor_power = at, power_w
        if last_time is None or last_power is None:
            return False
        elapsed = at - last_time
        if elapsed <= 0 or elapsed > self.max_step:
            return False
        if self.method is IntegrationMethod.TRAPEZOIDAL:
            mean_power = (last_power + power_w) / 2
        else:
            mean_power = last_power
        added = mean_power * elapsed / 3_600_000
        if not math.isfinite(self.total_kwh + added):
            return False
        self.total_kwh += added
        return added > 0

    def interrupt(self) -> None:
        """Forget the last sample, e.g. after a failed poll."""
        self._anchor_time = self._anchor_power = None

    def as_dict(self) -> dict[str, Any]:
        """Return what survives a restart."""
        return {"total_kwh": self.total_kwh}

    def restore(self, data: dict[str, Any]) -> None:
        """Continue from a stored total; a broken value leaves the counter as it is."""
        total = _float_or_none(data.get("total_kwh"))
        if _usable(total):
            assert total is not None
            self.total_kwh = max(self.total_kwh, total)


@dataclass(slots=True)
class NativeCounterAccumulator:
    """Follows a device's resetting energy counter and keeps a lifetime total.

    ``max_power_kw`` bounds how fast the device counter can plausibly grow;
    a reading outside that bound is held back until the next reading
    confirms it, and only the growth after the confirmation counts.
    """

    max_power_kw: float
    total_kwh: float = 0.0
    wall_clock: Callable[[], float] = field(default=_wall_clock, repr=False, compare=False)
    _last_value: float | None = None
    _last_time: float | None = None
    _last_wall: float | None = None
    _pending_value: float | None = None
    _pending_time: float | None = None

    def add(self, value_kwh: float | None, at: float) -> bool:
        """Add a reading of the device counter; return True if the total grew."""
        if not _usable(value_kwh) or not _finite(at):
            return False
        assert value_kwh is not None
        value_kwh, at = float(value_kwh), float(at)
        elapsed = self._elapsed(at)
        if self._last_value is None or elapsed is None:
            self._accept(value_kwh, at, 0.0)
            return False
        bound = self._plausible_growth(elapsed)
        delta = value_kwh - self._last_value
        if 0 <= delta <= bound:
            return self._accept(value_kwh, at, delta)
        if delta < 0 and value_kwh <= bound:
            # The device started a new day (or a new counter) since the last reading.
            return self._accept(value_kwh, at, value_kwh)
        return self._hold_back(value_kwh, at)

    def interrupt(self) -> None:
        """Nothing to forget: the device counts on while we do not listen."""

    def _elapsed(self, at: float) -> float | None:
        """Seconds since the last accepted reading; None when they cannot be known.

        Live, that is monotonic time. Right after a restore the only clock
        that spans the restart is the wall clock, trusted for a short gap only.
        """
        if self._last_time is not None:
            elapsed = at - self._last_time
            return elapsed if math.isfinite(elapsed) else None
        if self._last_wall is None:
            return None
        gap = self.wall_clock() - self._last_wall
        return gap if 0 <= gap <= MAX_RESTART_GAP_S else None

    def _hold_back(self, value_kwh: float, at: float) -> bool:
        pending, pending_time = self._pending_value, self._pending_time
        if pending is not None and pending_time is not None:
            delta = value_kwh - pending
            if 0 <= delta <= self._plausible_growth(at - pending_time):
                return self._accept(value_kwh, at, delta)
        self._pending_value, self._pending_time = value_kwh, at
        return False

    def _accept(self, value_kwh: float, at: float, added: float) -> bool:
        self._last_value, self._last_time = value_kwh, at
        self._last_wall = self.wall_clock()
        self._pending_value = self._pending_time = None
        if not math.isfinite(self.total_kwh + added):
            return False
        self.total_kwh += added
        return added > 0

    def _plausible_growth(self, elapsed: float) -> float:
        if not math.isfinite(elapsed):
            return 0.0
        # At least a second, so a repeated timestamp still admits rounding steps.
        return self.max_power_kw * max(elapsed, 1.0) / 3600

    def as_dict(self) -> dict[str, Any]:
        """Return what survives a restart: the last device reading and its wall-clock time."""
        return {
            "total_kwh": self.total_kwh,
            "last_value": self._last_value,
            "last_time": self._last_wall,
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Continue from stored state; broken fields are ignored."""
        total = _float_or_none(data.get("total_kwh"))
        if _usable(total):
            assert total is not None
            self.total_kwh = max(self.total_kwh, total)
        last_value = _float_or_none(data.get("last_value"))
        last_wall = _float_or_none(data.get("last_time"))
        if _usable(last_value) and last_wall is not None and math.isfinite(last_wall):
            # Monotonic time restarts with the host: only the wall clock links the two runs.
            self._last_value, self._last_wall, self._last_time = last_value, last_wall, None


def _float_or_none(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return float(value)
    except OverflowError:
        # An integer beyond any float is no reading, nor any stored total.
        return None


@dataclass
class CounterExtraStoredData(SensorExtraStoredData):
    """The sensor's own restore data plus the counter's state."""

    counter: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """Return a dict representation of the stored data."""
        return {**super().as_dict(), "counter": self.counter}

    @classmethod
    def from_dict(cls, restored: dict[str, Any]) -> Self | None:
        """Rebuild the stored data; None when it is not ours."""
        sensor_data = SensorExtraStoredData.from_dict(restored)
        counter = restored.get("counter")
        if sensor_data is None or not isinstance(counter, dict):
            return None
        return cls(sensor_data.native_value, sensor_data.native_unit_of_measurement, counter)
