"""The one gate every PowMr value passes before anything downstream sees it.

Both sources (Modbus words and the dongle's JSON) build their snapshot through
`screen`, so neither can hand on a reading no inverter can produce: a
non-finite number, a number outside the physics of a home inverter (SoC
101 %, 6553.5 Hz from an all-ones word, an efficiency of a million percent).
Such a value becomes None (unavailable), never 0 or a clamp, and its key is
reported so the coordinator can count it in diagnostics. The ranges are
deliberately wide: they reject garbage, not an unusual installation.
"""

from __future__ import annotations

from collections.abc import Mapping
import math
from types import MappingProxyType

type Number = float | int

_MAINS_VOLTS = (0.0, 300.0)
_MAINS_HZ = (0.0, 70.0)
# Largest units are ~12 kW; twice that leaves room for surges and parallel sets.
_WATTS = (-25_000.0, 25_000.0)
_UNSIGNED_WATTS = (0.0, 25_000.0)
_BATTERY_VOLTS = (0.0, 80.0)
_BATTERY_AMPS = (-500.0, 500.0)
_UNSIGNED_BATTERY_AMPS = (0.0, 500.0)
_AC_AMPS = (-200.0, 200.0)
_PERCENT = (0.0, 100.0)
_CELSIUS = (-40.0, 150.0)
_WATT_HOURS = (0.0, 1_000_000.0)

PLAUSIBLE: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        "grid_voltage": _MAINS_VOLTS,
        "output_voltage": _MAINS_VOLTS,
        "inverter_voltage": _MAINS_VOLTS,
        "grid_frequency": _MAINS_HZ,
        "output_frequency": _MAINS_HZ,
        "inverter_frequency": _MAINS_HZ,
        "rated_output_frequency": _MAINS_HZ,
        "pv_voltage": (0.0, 600.0),
        "pv_current": (0.0, 200.0),
        "pv_power": _UNSIGNED_WATTS,
        "pv_charging_power": _UNSIGNED_WATTS,
        "grid_power": _WATTS,
        "inverter_power": _WATTS,
        "inverter_charging_power": _WATTS,
        "output_active_power": _WATTS,
        "output_apparent_power": _UNSIGNED_WATTS,
        "battery_power": _WATTS,
        "charge_power": _UNSIGNED_WATTS,
        "discharge_power": _UNSIGNED_WATTS,
        "battery_voltage": _BATTERY_VOLTS,
        "battery_voltage_corrected": _BATTERY_VOLTS,
        "battery_charge_current": _UNSIGNED_BATTERY_AMPS,
        "battery_discharge_current": _UNSIGNED_BATTERY_AMPS,
        "battery_current": _BATTERY_AMPS,
        "battery_current_avg": _BATTERY_AMPS,
        "inverter_charging_current": _BATTERY_AMPS,
        "pv_charging_current": _BATTERY_AMPS,
        "inverter_current": _AC_AMPS,
        "output_current": _AC_AMPS,
        "battery_soc": _PERCENT,
        "soc_estimate": _PERCENT,
        # Overload runs above 100 % for a while before the unit trips.
        "load_percent": (0.0, 250.0),
        "efficiency": _PERCENT,
        "power_factor": (-1.0, 1.0),
        "temperature": _CELSIUS,
        "temperature_aux": _CELSIUS,
        "stored_energy": _WATT_HOURS,
        "output_energy": _WATT_HOURS,
        "pv_energy_today": _WATT_HOURS,
        "series_resistance": (0.0, 10.0),
        "series_resistance_sample": (-10.0, 10.0),
        "autonomy_minutes": (0.0, 525_600.0),
        "read_time_ms": (0.0, 600_000.0),
    }
)


def is_plausible(key: str, number: Number) -> bool:
    """Finite, and inside the key's physical range when it has one."""
    if not math.isfinite(number):
        return False
    low, high = PLAUSIBLE.get(key, (-math.inf, math.inf))
    return low <= number <= high


def screen[V](values: Mapping[str, V]) -> tuple[dict[str, V | None], tuple[str, ...]]:
    """The values with every implausible number replaced by None, and those numbers' keys."""
    screened: dict[str, V | None] = {}
    rejected: list[str] = []
    for key, value in values.items():
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and not is_plausible(key, value)
        ):
            screened[key] = None
            rejected.append(key)
        else:
            screened[key] = value
    return screened, tuple(rejected)
