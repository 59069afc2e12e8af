"""One instant of an off-grid system, as the insights see it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class SystemSample:
    """The system's values at ``at``; None where a source is unavailable or implausible.

    Battery power is positive while charging. ``source_energy`` and
    ``load_energy`` are lifetime kWh totals (never decreasing), so a day's
    yield is a difference of two of them.
    """

    at: datetime
    battery_voltage: float | None = None
    battery_soc: float | None = None
    battery_power: float | None = None
    solar_power: Mapping[str, float | None] = field(default_factory=dict)
    load_power: float | None = None
    charger_full: bool | None = None
    source_energy: Mapping[str, float] = field(default_factory=dict)
    load_energy: float | None = None

    @property
    def total_solar_power(self) -> float | None:
        """The sum of every source; unknown if any source is."""
        if not self.solar_power:
            return None
        total = 0.0
        for power in self.solar_power.values():
            if power is None:
                return None
            total += power
        return total

    @property
    def balance(self) -> float | None:
        """Solar minus load: positive is a surplus, negative a deficit."""
        solar = self.total_solar_power
        if solar is None or self.load_power is None:
            return None
        return solar - self.load_power
