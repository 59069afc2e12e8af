"""A Family A inverter as numbers: sun, load, battery, and the registers that show them.

Time runs `time_scale` times faster than the event loop clock, so a demo can
show a whole day in minutes. The model keeps logical (big-endian) words; the
Modbus layer byte-swaps the 45xx block on the way out, like the real units.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import math
import random

from custom_components.offgrid_power.protocol.powmr.errors import PowmrSettingError
from custom_components.offgrid_power.protocol.powmr.registers import FAMILY_A, FlagBit
from custom_components.offgrid_power.protocol.powmr.settings import decode_setting, encode_setting

NOMINAL_BATTERY_V = 24.0
SECONDS_PER_DAY = 86400.0
# Settings as a fresh 230 V / 24 V unit ships them (raw register values).
DEFAULT_SETTINGS = {
    5002: 1,
    5004: 1,
    5005: 0,
    5006: 0,
    5007: 1,
    5008: 1,
    5009: 1,
    5010: 1,
    5017: 2,
    5018: 2,
    5019: 1,
    5020: 2,
    5021: 0,
    5022: 60,
    5023: 230,
    5024: 20,
    5025: 230,
    5026: 270,
    5027: 284,
    5028: 276,
    5029: 210,
    5030: 288,
    5031: 60,
    5032: 120,
    5033: 30,
}
# 45xx registers that echo a 50xx setting.
_MIRRORS = {
    4536: 5017,
    4537: 5018,
    4538: 5019,
    4540: 5021,
    4541: 5022,
    4542: 5023,
    4543: 5024,
    4544: 5025,
    4545: 5026,
    4546: 5027,
    4547: 5028,
    4548: 5029,
    4549: 5030,
    4550: 5031,
    4551: 5032,
    4552: 5033,
}
_SETTINGS_BY_ADDRESS = {setting.address: setting for setting in FAMILY_A.settings}
_FLAGS_BY_KEY = {flag.key: flag for flag in FAMILY_A.flags}
_CONSTANTS = {
    4516: 0x6128,
    4518: 0xA2C1,
    4520: 2,
    4521: 2400,
    4522: 2400,
    4523: 230,
    4524: 10,
    4525: 240,
    4526: 230,
    4527: 500,
    4528: 10,
    4539: 2,
}


@dataclass(slots=True)
class Weather:
    """Knobs a test or demo can turn at runtime."""

    pv_peak_w: float = 1800.0
    base_load_w: float = 350.0
    grid_available: bool = True
    cloudiness: float = 0.1


class InverterModel:
    """State of the simulated unit, advanced lazily whenever registers are read."""

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        time_scale: float = 1.0,
        start_hour: float = 12.0,
        capacity_wh: float = 2560.0,
        initial_soc: float = 0.7,
        seed: int | None = None,
    ) -> None:
        self._clock = clock
        self.time_scale = time_scale
        self.capacity_wh = capacity_wh
        self.weather = Weather()
        self.settings = dict(DEFAULT_SETTINGS)
        self.stored_wh = capacity_wh * initial_soc
        self._random = random.Random(seed)
        self._t0 = clock()
        self._start_s = start_hour * 3600.0
        self._last = self._t0
        self.pv_w = 0.0
        self.load_w = 0.0
        self.battery_w = 0.0
        self.on_line = False
        self.utility_charge_w = 0.0

    def sim_seconds(self) -> float:
        """Seconds since midnight of the first simulated day."""
        return self._start_s + (self._clock() - self._t0) * self.time_scale

    def hour(self) -> float:
        return (self.sim_seconds() % SECONDS_PER_DAY) / 3600.0

    @property
    def soc(self) -> float:
        return self.stored_wh / self.capacity_wh

    @property
    def battery_voltage(self) -> float:
        # LiFePO4-like curve for a 24 V pack plus the drop across the internal resistance.
        rest = 23.0 + 4.6 * self.soc + (0.4 if self.soc > 0.97 else 0.0)
        return rest + 0.008 * self.battery_w / rest

    def advance(self) -> None:
        now = self._clock()
        dt_h = (now - self._last) * self.time_scale / 3600.0
        self._last = now
        hour = self.hour()
        sun = max(0.0, math.sin(math.pi * (hour - 6.0) / 12.0))
        clouds = 1.0 - self.weather.cloudiness * self._random.random()
        self.pv_w = self.weather.pv_peak_w * sun * clouds
        evening = 250.0 if 18.0 <= hour < 23.0 else 0.0
        self.load_w = self.weather.base_load_w + evening + 20.0 * self._random.random()
        self._dispatch()
        self.stored_wh = min(self.capacity_wh, max(0.0, self.stored_wh + self.battery_w * dt_h))

    def _dispatch(self) -> None:
        """Decide where the load comes from, following the output/charger priority settings."""
        grid = self.weather.grid_available
        output_priority = self.settings[5018]
        low = self.battery_voltage <= self.settings[5025] / 10.0 or self.soc < 0.05
        recovered = self.battery_voltage >= self.settings[5026] / 10.0 or self.soc > 0.5
        if output_priority == 0 or (grid and self.on_line and not recovered):
            self.on_line = grid
        elif output_priority == 1:
            self.on_line = grid and self.pv_w < self.load_w
        else:
            self.on_line = grid and low
        charging_from_grid = self.on_line and self.settings[5017] in (0, 2) and self.soc < 0.9
        self.utility_charge_w = (
            self.settings[5024] * self.battery_voltage if charging_from_grid else 0.0
        )
        inverter_draw = 0.0 if self.on_line else self.load_w / 0.92
        self.battery_w = self.pv_w * 0.96 + self.utility_charge_w - inverter_draw
        if self.soc >= 1.0:
            self.battery_w = min(0.0, self.battery_w)

    def registers(self) -> dict[int, int]:
        """Logical (unswapped) words of 4501-4561 at this moment."""
        self.advance()
        volts = self.battery_voltage
        charge_a = round(max(0.0, self.battery_w) / volts)
        discharge_a = round(max(0.0, -self.battery_w) / volts)
        grid = self.weather.grid_available
        pv_dark = self.pv_w < 1.0
        apparent = self.load_w / 0.9
        words = dict.fromkeys(range(4501, 4562), 0)
        words.update(_CONSTANTS)
        words.update({mirror: self.settings[source] for mirror, source in _MIRRORS.items()})
        words.update(
            {
                4501: 4 if self.on_line else 3,
                4502: 2300 if grid else 30,
                4503: 500 if grid else 0,
                4504: 20 if pv_dark else round(900 + 300 * min(1.0, self.pv_w / 500.0)),
                4505: round(self.pv_w),
                4506: round(volts * 10),
                4507: round(self.soc * 100),
                4508: charge_a,
                4509: discharge_a,
                4510: 2300,
                4511: 500,
                4512: round(apparent),
                4513: round(self.load_w),
                4514: min(100, round(100 * apparent / 2400)),
                4515: min(100, round(100 * apparent / 2400)),
                4535: self._settings_flags(),
                4553: self._status_flags(),
                4554: self._status_flags_2(),
                4555: 2 if charge_a else (1 if self.on_line else 0),
                4557: round(32 + self.load_w / 100),
            }
        )
        return words

    def _flags_word(self, keys: dict[str, bool]) -> int:
        word = 0
        for key, on in keys.items():
            flag: FlagBit = _FLAGS_BY_KEY[key]
            if on:
                word |= flag.logical_mask
        return word

    def _settings_flags(self) -> int:
        switches = {s.key: bool(self.settings[s.address]) for s in FAMILY_A.settings if s.is_switch}
        return self._flags_word(switches)

    def _status_flags(self) -> int:
        return self._flags_word(
            {"on_battery": not self.on_line, "grid_active": self.on_line, "load_enabled": True}
        )

    def _status_flags_2(self) -> int:
        return self._flags_word({"on_battery_2": not self.on_line, "grid_active_2": self.on_line})

    def write(self, address: int, raw: int) -> bool:
        """Apply a 50xx write; False when the unit would refuse it."""
        setting = _SETTINGS_BY_ADDRESS.get(address)
        if setting is None:
            return False
        try:
            encode_setting(setting, decode_setting(setting, raw), NOMINAL_BATTERY_V)
        except PowmrSettingError:
            return False
        self.advance()
        self.settings[address] = raw
        return True

    def setting(self, address: int) -> int | None:
        if address in self.settings:
            return self.settings[address]
        return 0 if 5001 <= address <= 5040 else None
