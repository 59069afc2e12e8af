"""What every family reports in common, in one sign convention.

Battery power and current are positive while the battery charges and
negative while it discharges, in every family; AC in is power drawn from the
grid or a generator (negative: fed back), AC out is power to the loads. None
means the device did not report the value; it is never replaced by 0.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class PowerFlow:
    """Battery, solar and AC in/out of one device, in W, V and A."""

    battery_voltage: float | None = None
    battery_current: float | None = None
    battery_power: float | None = None
    solar_power: float | None = None
    ac_in_power: float | None = None
    ac_out_power: float | None = None


def forward(power: float | None) -> float | None:
    """The part of a signed power that flows the positive way (into the battery, from the grid)."""
    return None if power is None else max(power, 0.0)


def backward(power: float | None) -> float | None:
    """The part of a signed power that flows the negative way (out of the battery, to the grid)."""
    return None if power is None else max(-power, 0.0)
