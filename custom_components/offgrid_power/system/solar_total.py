"""The system's solar kWh: the growth of every source's lifetime total, summed.

A plain sum of the sources' totals would drop when a source is removed in the
options, and a `total_increasing` sensor that drops starts a new meter cycle
in the statistics (its whole value counted again). Summing the growth keeps
it monotonic whatever the choice of sources.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import math
from typing import Any


@dataclass(slots=True)
class SolarTotal:
    """Adds up how much each source's lifetime total grew."""

    total_kwh: float = 0.0
    _last: dict[str, float] = field(default_factory=dict)

    def update(self, totals: Mapping[str, float]) -> None:
        """Take the sources' current totals; a new source only starts being followed."""
        for source, value in totals.items():
            last = self._last.get(source)
            if last is not None and value > last:
                self.total_kwh += value - last
        # A source no longer chosen is forgotten: chosen again, it starts afresh.
        self._last = dict(totals)

    def as_dict(self) -> dict[str, Any]:
        """Return what survives a restart (and an options change)."""
        return {"total_kwh": self.total_kwh, "last": dict(self._last)}

    def restore(self, data: Mapping[str, Any]) -> None:
        """Continue from stored state; broken fields are ignored."""
        total = data.get("total_kwh")
        if isinstance(total, int | float) and math.isfinite(total) and total >= 0:
            self.total_kwh = max(self.total_kwh, float(total))
        last = data.get("last")
        if isinstance(last, Mapping):
            self._last = {
                str(source): float(value)
                for source, value in last.items()
                if isinstance(value, int | float) and math.isfinite(value)
            }
