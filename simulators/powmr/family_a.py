"""A simulated Family A unit: the physics in 4501-4561 (byte-swapped) and settings in 5002-5033."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from custom_components.offgrid_power.protocol.powmr.errors import PowmrSettingError
from custom_components.offgrid_power.protocol.powmr.registers import (
    FAMILY_A,
    FlagBit,
    PowmrFamily,
    swap_bytes,
)
from custom_components.offgrid_power.protocol.powmr.settings import decode_setting, encode_setting

from .model import ILLEGAL_ADDRESS, ILLEGAL_VALUE, Controls, InverterModel, ModbusRefusal

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
_READ_BLOCK = range(4501, 4562)
_SETTINGS_SPAN = range(5001, 5041)


class FamilyAModel(InverterModel):
    """A 230 V / 24 V Family A unit (POW-HVM2.4H-like)."""

    family = PowmrFamily.FAMILY_A

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.settings = dict(DEFAULT_SETTINGS)

    def controls(self) -> Controls:
        settings = self.settings
        return Controls(
            output_priority=settings[5018],
            charger_priority=settings[5017],
            back_to_utility_v=settings[5025] / 10.0,
            back_to_battery_v=settings[5026] / 10.0,
            utility_charge_a=settings[5024],
        )

    def read(self, address: int, count: int) -> list[int]:
        addresses = range(address, address + count)
        if addresses[0] in _READ_BLOCK and addresses[-1] in _READ_BLOCK:
            logical = self.registers()
            return [swap_bytes(logical[a]) for a in addresses]
        if addresses[0] in _SETTINGS_SPAN and addresses[-1] in _SETTINGS_SPAN:
            return [self.settings.get(a, 0) for a in addresses]
        raise ModbusRefusal(ILLEGAL_ADDRESS)

    def write(self, function: int, address: int, values: Sequence[int]) -> None:
        for offset, raw in enumerate(values):
            if not self._write_one(address + offset, raw):
                raise ModbusRefusal(ILLEGAL_VALUE)

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

    def _write_one(self, address: int, raw: int) -> bool:
        """Apply a 50xx write; False when the unit would refuse it."""
        setting = _SETTINGS_BY_ADDRESS.get(address)
        if setting is None:
            return False
        try:
            encode_setting(setting, decode_setting(setting, raw), self.nominal_voltage)
        except PowmrSettingError:
            return False
        self.advance()
        self.settings[address] = raw
        return True
