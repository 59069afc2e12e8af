"""What PowMr entities read: one poll's snapshot, derived values and link health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from custom_components.offgrid_power.power_flow import PowerFlow
from custom_components.offgrid_power.protocol.powmr import (
    DerivedValues,
    PowmrReadings,
    PowmrSnapshot,
    grid_import_power,
    number,
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

    @property
    def readings(self) -> PowmrReadings:
        return self.snapshot.readings

    def has(self, key: str) -> bool:
        """Whether the device has the value an entity of this key shows, at all.

        A Modbus snapshot carries every key of the family's map (None until a
        read plan covers it); the dongle's JSON only carries part of it. A
        value neither carries may be one the coordinator derives.
        """
        snapshot = self.snapshot
        if key in snapshot.keys:
            return self.modbus or snapshot[key] is not None
        return key in DerivedValues.__slots__ and getattr(self.derived, key) is not None

    @property
    def power_flow(self) -> PowerFlow:
        """Battery, solar and AC in/out in the project's sign convention."""
        readings = self.readings
        return PowerFlow(
            battery_voltage=number(readings.battery_voltage),
            battery_power=self.derived.battery_power,
            solar_power=number(readings.pv_power),
            ac_in_power=self.grid_import_power,
            ac_out_power=number(readings.output_active_power),
        )

    @property
    def grid_import_power(self) -> float | None:
        """Power drawn from the grid: measured on SMG-II, estimated on Family A."""
        return grid_import_power(self.snapshot, self.derived)
