"""The power drawn from the grid: measured on SMG-II, estimated on Family A."""

from __future__ import annotations

from .codec import PowmrSnapshot
from .derived import DerivedValues
from .readings import number


def grid_import_power(snapshot: PowmrSnapshot, derived: DerivedValues) -> float | None:
    """Power drawn from the grid in W, None when it cannot be told.

    Family A has no grid power register. On line mode the grid carries the
    load and the battery charge less what the PV supplies; on battery it
    carries nothing.
    """
    readings = snapshot.readings
    measured = number(readings.grid_power)
    if measured is not None:
        return max(0.0, measured)
    mode = readings.operating_mode
    if mode == "battery":
        return 0.0
    output = number(readings.output_active_power)
    if mode != "line" or output is None:
        return None
    pv = number(readings.pv_power) or 0.0
    charge = derived.charge_power or 0.0
    discharge = derived.discharge_power or 0.0
    return max(0.0, output + charge - pv - discharge)
