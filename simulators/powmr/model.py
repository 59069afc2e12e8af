"""A hybrid inverter as numbers: sun, load, battery, and where the power flows.

Time runs `time_scale` times faster than the event loop clock (a
`SimulatedDay`), so a demo can show a whole day in minutes. This physics is the same for every protocol
family; `family_a.py` and `smg_ii.py` put it into their registers and keep
the settings, which steer it through `Controls`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
import random

from custom_components.offgrid_power.protocol.powmr.registers import PowmrFamily
from simulators.day import SECONDS_PER_DAY, SimulatedDay, is_evening, sun_at

# Modbus exception codes the simulated units answer with.
ILLEGAL_FUNCTION = 1
ILLEGAL_ADDRESS = 2
ILLEGAL_VALUE = 3
# SMG-II: "not modifiable in the current working mode" (vendor PDF, reference §3).
WRONG_MODE = 7


class ModbusRefusal(Exception):
    """The unit answers a request with a Modbus exception."""

    def __init__(self, code: int) -> None:
        super().__init__(f"exception {code}")
        self.code = code


@dataclass(slots=True)
class Weather:
    """Knobs a test or demo can turn at runtime."""

    pv_peak_w: float = 1800.0
    base_load_w: float = 350.0
    grid_available: bool = True
    cloudiness: float = 0.1


@dataclass(frozen=True, slots=True)
class Controls:
    """The settings the physics follows; both families number the priorities alike."""

    output_priority: int  # 0 utility first, 1 solar first, 2 SBU
    charger_priority: int  # 0 utility first, 1 solar first, 2 solar + utility, 3 solar only
    back_to_utility_v: float
    back_to_battery_v: float
    utility_charge_a: float


def s16(value: float) -> int:
    """A signed value as the 16-bit word that carries it."""
    return round(value) & 0xFFFF


class InverterModel(ABC):
    """State of the simulated unit, advanced lazily whenever registers are read."""

    family: PowmrFamily

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        time_scale: float = 1.0,
        start_hour: float = 12.0,
        nominal_voltage: float = 24.0,
        capacity_wh: float = 2560.0,
        initial_soc: float = 0.7,
        seed: int | None = None,
    ) -> None:
        self._clock = clock
        # The unit's day; a test may move its start_hour to jump to another time of day.
        self.day = SimulatedDay(SECONDS_PER_DAY / time_scale, start_hour)
        self.nominal_voltage = nominal_voltage
        self.capacity_wh = capacity_wh
        self.weather = Weather()
        self.stored_wh = capacity_wh * initial_soc
        self._random = random.Random(seed)
        self._t0 = clock()
        self._last = self._t0
        self.pv_w = 0.0
        self.load_w = 0.0
        self.battery_w = 0.0
        self.on_line = False
        self.utility_charge_w = 0.0

    @abstractmethod
    def controls(self) -> Controls:
        """The current settings, as the physics needs them."""

    @abstractmethod
    def read(self, address: int, count: int) -> list[int]:
        """Words as they go on the wire; raise `ModbusRefusal` for what the unit refuses."""

    @abstractmethod
    def write(self, function: int, address: int, values: Sequence[int]) -> None:
        """Apply a write; raise `ModbusRefusal` when the unit would refuse it."""

    def hour(self) -> float:
        return self.day.hour(self._clock() - self._t0)

    @property
    def soc(self) -> float:
        return self.stored_wh / self.capacity_wh

    @property
    def battery_voltage(self) -> float:
        # LiFePO4-like curve (per 24 V) plus the drop across the internal resistance.
        factor = self.nominal_voltage / 24.0
        rest = (23.0 + 4.6 * self.soc + (0.4 if self.soc > 0.97 else 0.0)) * factor
        return rest + 0.008 * factor * self.battery_w / rest

    def advance(self) -> None:
        now = self._clock()
        dt_h = self.day.hours(now - self._last)
        self._last = now
        hour = self.hour()
        clouds = 1.0 - self.weather.cloudiness * self._random.random()
        self.pv_w = self.weather.pv_peak_w * sun_at(hour) * clouds
        evening = 250.0 if is_evening(hour) else 0.0
        self.load_w = self.weather.base_load_w + evening + 20.0 * self._random.random()
        self._dispatch()
        self.stored_wh = min(self.capacity_wh, max(0.0, self.stored_wh + self.battery_w * dt_h))

    def _dispatch(self) -> None:
        """Decide where the load comes from, following the output/charger priority settings."""
        controls = self.controls()
        grid = self.weather.grid_available
        low = self.battery_voltage <= controls.back_to_utility_v or self.soc < 0.05
        recovered = self.battery_voltage >= controls.back_to_battery_v or self.soc > 0.5
        if controls.output_priority == 0 or (grid and self.on_line and not recovered):
            self.on_line = grid
        elif controls.output_priority == 1:
            self.on_line = grid and self.pv_w < self.load_w
        else:
            self.on_line = grid and low
        charging_from_grid = self.on_line and controls.charger_priority in (0, 2) and self.soc < 0.9
        self.utility_charge_w = (
            controls.utility_charge_a * self.battery_voltage if charging_from_grid else 0.0
        )
        inverter_draw = 0.0 if self.on_line else self.load_w / 0.92
        self.battery_w = self.pv_w * 0.96 + self.utility_charge_w - inverter_draw
        if self.soc >= 1.0:
            self.battery_w = min(0.0, self.battery_w)
