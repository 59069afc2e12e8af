"""What PowMr entities read: one poll's snapshot, derived values and link health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from custom_components.offgrid_power.power_flow import PowerFlow
from custom_components.offgrid_power.protocol.powmr import (
    DerivedValues,
    PowmrSnapshot,
    grid_import_power,
)


@dataclass(frozen=True, slots=True)
class LinkStats:
    """Link health at the time of the last successful poll."""

    last_success: datetime
    read_time_ms: float
    polls: int
    failed_polls: int
    consecutive_failures_before: int


@dataclass(frozen=True, slots=True)
class PowmrData:
    """What the entities read: the snapshot, derived values and link health."""

    snapshot: PowmrSnapshot
    derived: DerivedValues
    link: LinkStats
    modbus: bool

    def get(self, key: str) -> Any:
        """A snapshot value, or a derived one of that name."""
        value = self.snapshot.get(key)
        if value is None and key in DerivedValues.__slots__:
            value = getattr(self.derived, key)
        return value

    def number(self, key: str) -> float | None:
        """A numeric value, None when absent or not numeric."""
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value)

    def has(self, key: str) -> bool:
        """Whether the device has this value at all.

        A Modbus snapshot holds every key of the family's map (None until a
        read plan covers it); the dongle's JSON only carries part of it.
        """
        if key in self.snapshot.values:
            return self.modbus or self.snapshot.values[key] is not None
        return key in DerivedValues.__slots__ and getattr(self.derived, key) is not None

    @property
    def power_flow(self) -> PowerFlow:
        """Battery, solar and AC in/out in the project's sign convention."""
        return PowerFlow(
            battery_voltage=self.number("battery_voltage"),
            battery_power=self.derived.battery_power,
            solar_power=self.number("pv_power"),
            ac_in_power=self.grid_import_power,
            ac_out_power=self.number("output_active_power"),
        )

    @property
    def grid_import_power(self) -> float | None:
        """Power drawn from the grid: measured on SMG-II, estimated on Family A."""
        return grid_import_power(self.snapshot, self.derived)
