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
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import math
from typing import Any, Protocol, Self

from homeassistant.components.sensor import SensorExtraStoredData


class IntegrationMethod(StrEnum):
    """How the power between two samples is estimated."""

    TRAPEZOIDAL = "trapezoidal"
    # For step-shaped loads that switch between samples.
    LEFT = "left"


class Restorable(Protocol):
    """State a sensor stores beside its own and brings back after a restart."""

    def as_dict(self) -> dict[str, Any]:
        """Return what survives a restart."""

    def restore(self, data: dict[str, Any]) -> None:
        """Continue from stored state."""


class Counter(Restorable, Protocol):
    """What a kWh sensor needs from its counter."""

    total_kwh: float

    def add(self, value: float | None, at: float) -> bool:
        """Feed one value taken at ``at`` (seconds); return True if the total grew."""

    def interrupt(self) -> None:
        """Note that an update failed."""


def _usable(value: float | None) -> bool:
    return value is not None and math.isfinite(value) and value >= 0


@dataclass(slots=True)
class EnergyCounter:
    """Integrates a non-negative power in W into a total in kWh."""

    max_step: float
    method: IntegrationMethod = IntegrationMethod.TRAPEZOIDAL
    total_kwh: float = 0.0
    _anchor_time: float | None = None
    _anchor_power: float | None = None

    def add(self, power_w: float | None, at: float) -> bool:
        """Add a power sample taken at ``at`` (seconds); return True if the total grew.

        An unusable sample (missing, not finite, negative) breaks the chain,
        so the next good sample only starts a new one.
        """
        if not _usable(power_w):
            self.interrupt()
            return False
        assert power_w is not None
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
    _last_value: float | None = None
    _last_time: float | None = None
    _pending_value: float | None = None
    _pending_time: float | None = None

    def add(self, value_kwh: float | None, at: float) -> bool:
        """Add a reading of the device counter; return True if the total grew."""
        if not _usable(value_kwh):
            return False
        assert value_kwh is not None
        if self._last_value is None or self._last_time is None:
            self._accept(value_kwh, at, 0.0)
            return False
        bound = self._plausible_growth(at - self._last_time)
        delta = value_kwh - self._last_value
        if 0 <= delta <= bound:
            return self._accept(value_kwh, at, delta)
        if delta < 0 and value_kwh <= bound:
            # The device started a new day (or a new counter) since the last reading.
            return self._accept(value_kwh, at, value_kwh)
        return self._hold_back(value_kwh, at)

    def interrupt(self) -> None:
        """Nothing to forget: the device counts on while we do not listen."""

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
        self._pending_value = self._pending_time = None
        self.total_kwh += added
        return added > 0

    def _plausible_growth(self, elapsed: float) -> float:
        # At least a second, so a repeated timestamp still admits rounding steps.
        return self.max_power_kw * max(elapsed, 1.0) / 3600

    def as_dict(self) -> dict[str, Any]:
        """Return what survives a restart, including the last device reading."""
        return {
            "total_kwh": self.total_kwh,
            "last_value": self._last_value,
            "last_time": self._last_time,
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Continue from stored state; broken fields are ignored."""
        total = _float_or_none(data.get("total_kwh"))
        if _usable(total):
            assert total is not None
            self.total_kwh = max(self.total_kwh, total)
        last_value = _float_or_none(data.get("last_value"))
        last_time = _float_or_none(data.get("last_time"))
        if _usable(last_value) and last_time is not None and math.isfinite(last_time):
            self._last_value, self._last_time = last_value, last_time


def _float_or_none(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


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
