"""A simulated SMG-II unit (PowMr HVM5.5K-48V and rebrands), after the vendor PDF (reference §3).

Big-endian words, signed where the map says so; a read must cover multi-word
items whole (exception 02 otherwise); writes go through FC16 only (FC06 gets
exception 01) and are validated like the real unit's range check (03).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from custom_components.offgrid_power.protocol.powmr.errors import PowmrSettingError
from custom_components.offgrid_power.protocol.powmr.registers import SMG_II, PowmrFamily
from custom_components.offgrid_power.protocol.powmr.settings import decode_setting, encode_setting

from .model import (
    ILLEGAL_ADDRESS,
    ILLEGAL_FUNCTION,
    ILLEGAL_VALUE,
    WRONG_MODE,
    Controls,
    InverterModel,
    ModbusRefusal,
    s16,
)

_WRITE_MULTIPLE = 16
SERIAL_NUMBER = "SIM5500SMG01"
# Raw register values of a 48 V unit as it might ship (volts and amps in 0.1 steps).
DEFAULT_SETTINGS = {
    300: 0,
    301: 2,
    302: 0,
    303: 3,
    305: 1,
    306: 1,
    307: 0,
    308: 1,
    309: 1,
    310: 0,
    313: 0,
    320: 2300,
    321: 5000,
    322: 2,
    323: 600,
    324: 564,
    325: 552,
    326: 540,
    327: 460,
    329: 420,
    331: 2,
    332: 600,
    333: 300,
    334: 576,
    335: 60,
    336: 120,
    337: 30,
    341: 20,
    342: 80,
    343: 10,
    406: 0,
    420: 1,
}
# Readable spans; addresses inside without a meaning read as 0.
_READABLE = (
    range(100, 110),
    range(186, 198),
    range(201, 235),
    range(300, 344),
    range(406, 407),
    range(420, 421),
    range(643, 644),
)
# Multi-word items a read may not cut through (fault, warning, serial number).
_ITEMS = (range(100, 102), range(108, 110), range(186, 198))
_SETTINGS_BY_ADDRESS = {setting.address: setting for setting in SMG_II.settings}
RATED_POWER_W = 5500
# Write-only: 1 leaves fault mode, and only in fault mode.
EXIT_FAULT = 426
FAULT_MODE = 6


class SmgModel(InverterModel):
    """A 230 V / 48 V SMG-II unit."""

    family = PowmrFamily.SMG_II

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("nominal_voltage", 48.0)
        kwargs.setdefault("capacity_wh", 5120.0)
        super().__init__(*args, **kwargs)
        self.settings = dict(DEFAULT_SETTINGS)
        # The fault bits (100-101) of a fault that stopped the unit; 0 while it runs.
        self.fault_bits = 0

    def controls(self) -> Controls:
        settings = self.settings
        priority = settings[301]
        return Controls(
            # 3 (SUB) and 4 (SUF) put solar first too.
            output_priority=priority if priority <= 2 else 1,
            charger_priority=settings[331],
            back_to_utility_v=settings[327] / 10.0,
            back_to_battery_v=settings[326] / 10.0,
            utility_charge_a=settings[333] / 10.0,
        )

    def read(self, address: int, count: int) -> list[int]:
        addresses = range(address, address + count)
        if not any(address in span and addresses[-1] in span for span in _READABLE):
            raise ModbusRefusal(ILLEGAL_ADDRESS)
        for item in _ITEMS:
            if (address in item and address != item.start) or (
                addresses[-1] in item and addresses[-1] != item[-1]
            ):
                raise ModbusRefusal(ILLEGAL_ADDRESS)
        words = self.registers()
        return [words.get(a, 0) for a in addresses]

    def write(self, function: int, address: int, values: Sequence[int]) -> None:
        if function != _WRITE_MULTIPLE:
            raise ModbusRefusal(ILLEGAL_FUNCTION)
        if address == EXIT_FAULT and len(values) == 1:
            self._exit_fault(values[0])
            return
        for offset, raw in enumerate(values):
            setting = _SETTINGS_BY_ADDRESS.get(address + offset)
            if setting is None:
                raise ModbusRefusal(ILLEGAL_FUNCTION)  # read-only
            try:
                encode_setting(setting, decode_setting(setting, raw), self.nominal_voltage)
            except PowmrSettingError as err:
                raise ModbusRefusal(ILLEGAL_VALUE) from err
        self.advance()
        for offset, raw in enumerate(values):
            self.settings[address + offset] = raw

    def _exit_fault(self, raw: int) -> None:
        if raw != 1:
            raise ModbusRefusal(ILLEGAL_VALUE)
        if not self.fault_bits:
            raise ModbusRefusal(WRONG_MODE)
        self.fault_bits = 0

    def registers(self) -> dict[int, int]:
        """Every readable word at this moment."""
        self.advance()
        volts = self.battery_voltage
        battery_a = self.battery_w / volts  # + charging
        grid = self.weather.grid_available
        apparent = self.load_w / 0.9
        pv_v = 0.0 if self.pv_w < 1.0 else 300.0 + 60.0 * min(1.0, self.pv_w / 1000.0)
        pv_charge_w = min(self.pv_w * 0.96, max(0.0, self.battery_w))
        inverter_w = -self.utility_charge_w if self.on_line else self.load_w / 0.92
        serial = SERIAL_NUMBER.encode().ljust(24, b"\0")
        words = {186 + i: int.from_bytes(serial[2 * i : 2 * i + 2], "big") for i in range(12)}
        words.update(self.settings)
        words.update(
            {
                100: self.fault_bits >> 16,
                101: self.fault_bits & 0xFFFF,
                201: FAULT_MODE if self.fault_bits else 2 if self.on_line else 3,
                202: 2300 if grid else 0,
                203: 5000 if grid else 0,
                204: s16(self.load_w + self.utility_charge_w if self.on_line else 0.0),
                205: 2300,
                206: s16(abs(inverter_w) / 23.0),
                207: 5000,
                208: s16(inverter_w),
                209: s16(self.utility_charge_w),
                210: 2300,
                211: s16(apparent / 23.0),
                212: 5000,
                213: s16(self.load_w),
                214: s16(apparent),
                215: s16(volts * 10),
                216: s16(battery_a * 10),
                217: s16(self.battery_w),
                219: s16(pv_v * 10),
                220: s16(self.pv_w / pv_v * 10 if pv_v else 0.0),
                223: s16(self.pv_w),
                224: s16(pv_charge_w),
                225: min(100, round(100 * apparent / RATED_POWER_W)),
                226: s16(30 + self.pv_w / 200),
                227: s16(32 + self.load_w / 100),
                229: round(self.soc * 100),
                232: s16(battery_a * 10),
                233: s16(self.utility_charge_w / volts * 10),
                234: s16(pv_charge_w / volts * 10),
                643: RATED_POWER_W,
            }
        )
        return words
