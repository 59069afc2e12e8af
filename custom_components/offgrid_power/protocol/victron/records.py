"""Field tables of every Instant Readout record this library decodes.

Offsets are payload bits, i.e. the PDF's absolute bit numbers minus the 32
header bits. Where the PDF is wrong (Smart BatteryProtect offsets, the 22-bit
current's NA) the tables follow Victron's own decoder and real captures.
Plausible ranges are deliberately wide: they exist to reject decrypted noise
from a wrong key, not to judge a real installation.
"""

from __future__ import annotations

from collections.abc import Mapping

from .enums import (
    AC_IN_ACTIVE,
    ALARM_NOTIFICATION,
    ALARM_REASON,
    AUX_INPUT,
    BALANCER_STATUS,
    BMS_ERROR,
    BMS_FLAGS,
    BMS_IO_STATE,
    BMS_WARNING_STATE,
    CHARGER_ERROR,
    DC_OUTPUT_STATUS,
    DEVICE_STATE,
    MONITOR_MODE,
    OFF_REASON,
    SMART_LITHIUM_ERROR,
)
from .fields import FieldSpec, RecordLayout, bitmask, enum, numeric

VOLT = "V"
AMPERE = "A"
WATT = "W"
VOLT_AMPERE = "VA"
KILOWATT_HOUR = "kWh"
AMPERE_HOUR = "Ah"
PERCENT = "%"
MINUTE = "min"
CELSIUS = "°C"
IRRADIANCE = "W/m²"
DBM = "dBm"

DC_VOLTS = (0.0, 100.0)
AC_VOLTS = (0.0, 300.0)
PERCENTAGE = (0.0, 100.0)
STARTER_VOLTS = (-5.0, 100.0)
AUX_CELSIUS = (-60.0, 150.0)
# Discharged amp-hours since full are bounded by the bank's capacity.
CONSUMED_AH = (-20000.0, 0.0)

# 7-bit temperatures carry °C + 40.
_CELSIUS_OFFSET = -40
_KELVIN_TO_CELSIUS = -273.15


def _device_state(offset: int = 0) -> FieldSpec:
    return enum("device_state", offset, 8, DEVICE_STATE)


def _charger_error(offset: int = 8, key: str = "charger_error") -> FieldSpec:
    return enum(key, offset, 8, CHARGER_ERROR)


def _volts(key: str, offset: int, width: int = 16, *, signed: bool = True) -> FieldSpec:
    return numeric(key, offset, width, 0.01, VOLT, signed=signed, plausible=DC_VOLTS)


def _temperature(key: str, offset: int) -> FieldSpec:
    return numeric(key, offset, 7, 1, CELSIUS, bias=_CELSIUS_OFFSET)


def _yield_today(offset: int, width: int = 16) -> FieldSpec:
    return numeric("yield_today", offset, width, 0.01, KILOWATT_HOUR)


def _aux_fields(
    offset: int, selector: str, modes: tuple[int, ...], *, starter_na: int = 0x7FFF
) -> tuple[FieldSpec, ...]:
    """The aux value at ``offset``, named and scaled by the aux-input mode selecting it.

    ``starter_na`` is the signed starter voltage's NA: the battery monitor uses
    the signed sentinel, the DC energy meter's table gives 0xFFFF for every mode.
    """
    by_mode = {
        0: numeric(
            "starter_voltage",
            offset,
            16,
            0.01,
            VOLT,
            signed=True,
            na=starter_na,
            when=(selector, 0),
        ),
        1: numeric("midpoint_voltage", offset, 16, 0.01, VOLT, when=(selector, 1)),
        # 0.01 K; a monitor without a sensor sends 0xFFFF, which must not read as 382 °C.
        2: numeric(
            "temperature",
            offset,
            16,
            0.01,
            CELSIUS,
            bias=_KELVIN_TO_CELSIUS,
            plausible=AUX_CELSIUS,
            when=(selector, 2),
        ),
    }
    return tuple(by_mode[mode] for mode in modes)


def _sun_minutes(raw: int) -> float:
    """SolarSense's piecewise time since last sun: fine steps first, coarser later."""
    if raw < 30:
        return raw * 2
    if raw < 96:
        return 60 + 10 * (raw - 30)
    return 720 + 30 * (raw - 96)


SOLAR_CHARGER = RecordLayout(
    0x01,
    "solar_charger",
    (
        _device_state(),
        _charger_error(),
        _volts("battery_voltage", 16),
        numeric("battery_current", 32, 16, 0.1, AMPERE, signed=True),
        _yield_today(48),
        numeric("pv_power", 64, 16, 1, WATT),
        numeric("load_current", 80, 9, 0.1, AMPERE),
    ),
)

BATTERY_MONITOR = RecordLayout(
    0x02,
    "battery_monitor",
    (
        numeric("time_to_go", 0, 16, 1, MINUTE),
        _volts("battery_voltage", 16),
        bitmask("alarm_reason", 32, 16, ALARM_REASON),
        *_aux_fields(48, "aux_input", (0, 1, 2)),
        enum("aux_input", 64, 2, AUX_INPUT, na=None),
        # Victron's NA for this 22-bit signed field is 0x1FFFFF; the PDF's 0x3FFFFF is wrong.
        numeric("battery_current", 66, 22, 0.001, AMPERE, signed=True),
        numeric("consumed_ah", 88, 20, -0.1, AMPERE_HOUR, plausible=CONSUMED_AH),
        numeric("state_of_charge", 108, 10, 0.1, PERCENT, plausible=PERCENTAGE),
    ),
)

INVERTER = RecordLayout(
    0x03,
    "inverter",
    (
        _device_state(),
        bitmask("alarm_reason", 8, 16, ALARM_REASON),
        _volts("battery_voltage", 24),
        numeric("ac_apparent_power", 40, 16, 1, VOLT_AMPERE),
        numeric("ac_voltage", 56, 15, 0.01, VOLT, plausible=AC_VOLTS),
        numeric("ac_current", 71, 11, 0.1, AMPERE),
    ),
)

DCDC_CONVERTER = RecordLayout(
    0x04,
    "dcdc_converter",
    (
        _device_state(),
        _charger_error(),
        _volts("input_voltage", 16, signed=False),
        _volts("output_voltage", 32),
        bitmask("off_reason", 48, 32, OFF_REASON),
    ),
)

_CELL_COUNT = 8

SMART_LITHIUM = RecordLayout(
    0x05,
    "smart_lithium",
    (
        bitmask("bms_flags", 0, 32, BMS_FLAGS),
        bitmask("error_flags", 32, 16, SMART_LITHIUM_ERROR),
        *(
            numeric(f"cell_{cell + 1}_voltage", 48 + 7 * cell, 7, 0.01, VOLT, bias=2.60)
            for cell in range(_CELL_COUNT)
        ),
        _volts("battery_voltage", 104, 12, signed=False),
        enum("balancer_status", 116, 4, BALANCER_STATUS),
        _temperature("battery_temperature", 120),
    ),
)

INVERTER_RS = RecordLayout(
    0x06,
    "inverter_rs",
    (
        _device_state(),
        _charger_error(),
        _volts("battery_voltage", 16),
        numeric("battery_current", 32, 16, 0.1, AMPERE, signed=True),
        numeric("pv_power", 48, 16, 1, WATT),
        _yield_today(64),
        numeric("ac_out_power", 80, 16, 1, WATT, signed=True),
    ),
)

# Provisional: Victron marks this layout "TBD, might change".
GX_DEVICE = RecordLayout(
    0x07,
    "gx_device",
    (
        _volts("battery_voltage", 0, signed=False),
        numeric("pv_power", 16, 20, 1, WATT),
        numeric("state_of_charge", 36, 7, 1, PERCENT, plausible=PERCENTAGE),
        numeric("battery_power", 43, 21, 1, WATT, signed=True),
        numeric("dc_power", 64, 21, 1, WATT, signed=True),
    ),
)

AC_CHARGER = RecordLayout(
    0x08,
    "ac_charger",
    (
        _device_state(),
        _charger_error(),
        *(
            spec
            for output, offset in enumerate((16, 40, 64), start=1)
            for spec in (
                _volts(f"output_{output}_voltage", offset, 13, signed=False),
                numeric(f"output_{output}_current", offset + 13, 11, 0.1, AMPERE),
            )
        ),
        _temperature("temperature", 88),
        numeric("ac_current", 95, 9, 0.1, AMPERE),
    ),
)

SMART_BATTERY_PROTECT = RecordLayout(
    0x09,
    "smart_battery_protect",
    (
        _device_state(),
        enum("output_state", 8, 8, DC_OUTPUT_STATUS),
        _charger_error(16, key="error_code"),
        bitmask("alarm_reason", 24, 16, ALARM_REASON),
        bitmask("warning_reason", 40, 16, ALARM_REASON),
        _volts("input_voltage", 56),
        _volts("output_voltage", 72, signed=False),
        bitmask("off_reason", 88, 32, OFF_REASON),
    ),
)

_BMS_IO_BITS: Mapping[str, int] = {
    "allowed_to_charge": 2,
    "allowed_to_discharge": 4,
    "external_relay": 6,
}
_BMS_WARNING_BITS: Mapping[str, int] = {
    "low_cell_voltage": 0,
    "high_current": 2,
    "high_internal_temperature": 4,
    "contactor": 6,
    "bms_cable": 8,
    "load_disconnect": 10,
    "low_soc": 12,
    "high_temperature": 16,
}

LYNX_SMART_BMS = RecordLayout(
    0x0A,
    "lynx_smart_bms",
    (
        enum("error", 0, 8, BMS_ERROR, na=None),
        numeric("time_to_go", 8, 16, 1, MINUTE),
        _volts("battery_voltage", 24),
        numeric("battery_current", 40, 16, 0.1, AMPERE, signed=True),
        *(enum(key, 56 + bit, 2, BMS_IO_STATE, na=0) for key, bit in _BMS_IO_BITS.items()),
        *(
            enum(f"{key}_alarm", 72 + bit, 2, BMS_WARNING_STATE, na=0)
            for key, bit in _BMS_WARNING_BITS.items()
        ),
        numeric("state_of_charge", 90, 10, 0.1, PERCENT, plausible=PERCENTAGE),
        numeric("consumed_ah", 100, 20, -0.1, AMPERE_HOUR, plausible=CONSUMED_AH),
        _temperature("battery_temperature", 120),
    ),
)

MULTI_RS = RecordLayout(
    0x0B,
    "multi_rs",
    (
        _device_state(),
        _charger_error(),
        numeric("battery_current", 16, 16, 0.1, AMPERE, signed=True),
        _volts("battery_voltage", 32, 14, signed=False),
        enum("active_ac_in", 46, 2, AC_IN_ACTIVE),
        numeric("ac_in_power", 48, 16, 1, WATT, signed=True),
        numeric("ac_out_power", 64, 16, 1, WATT, signed=True),
        numeric("pv_power", 80, 16, 1, WATT),
        _yield_today(96),
    ),
)

VEBUS = RecordLayout(
    0x0C,
    "vebus",
    (
        _device_state(),
        # No public table for VE.Bus error codes: expose the number (0 = no error).
        numeric("vebus_error", 8, 8),
        numeric("battery_current", 16, 16, 0.1, AMPERE, signed=True),
        _volts("battery_voltage", 32, 14, signed=False),
        enum("active_ac_in", 46, 2, AC_IN_ACTIVE),
        numeric("ac_in_power", 48, 19, 1, WATT, signed=True),
        numeric("ac_out_power", 67, 19, 1, WATT, signed=True),
        enum("alarm", 86, 2, ALARM_NOTIFICATION),
        _temperature("battery_temperature", 88),
        numeric("state_of_charge", 95, 7, 1, PERCENT, plausible=PERCENTAGE),
    ),
)

DC_ENERGY_METER = RecordLayout(
    0x0D,
    "dc_energy_meter",
    (
        enum("monitor_mode", 0, 16, MONITOR_MODE, signed=True, na=None),
        _volts("voltage", 16),
        bitmask("alarm_reason", 32, 16, ALARM_REASON),
        # Mode 1 (mid-point) does not exist on an energy meter; raw 0xFFFF is NA in
        # every mode (not -0.01 V).
        *_aux_fields(48, "aux_input", (0, 2), starter_na=0xFFFF),
        enum("aux_input", 64, 2, AUX_INPUT, na=None),
        numeric("current", 66, 22, 0.001, AMPERE, signed=True),
    ),
)

# Not in Victron's document; reverse-engineered by the ESPHome community.
ORION_XS = RecordLayout(
    0x0F,
    "orion_xs",
    (
        _device_state(),
        _charger_error(),
        _volts("output_voltage", 16, signed=False),
        numeric("output_current", 32, 16, 0.1, AMPERE),
        _volts("input_voltage", 48, signed=False),
        numeric("input_current", 64, 16, 0.1, AMPERE),
        bitmask("off_reason", 80, 32, OFF_REASON),
    ),
)

# Extended record 0xFF01: sent in clear, byte 7 is the second type byte, not a key byte.
SOLAR_SENSE = RecordLayout(
    0xFF01,
    "solar_sense",
    (
        numeric("error_code", 0, 32),
        _charger_error(32),
        numeric("installation_power", 40, 20, 1, WATT),
        _yield_today(60, 20),
        numeric("irradiance", 80, 14, 0.1, IRRADIANCE),
        numeric("cell_temperature", 94, 11, 0.1, CELSIUS, bias=-60),
        numeric("battery_voltage", 106, 8, 0.01, VOLT, bias=1.7),
        numeric("tx_power", 114, 1, 6, DBM, na=None),
        numeric("time_since_last_sun", 115, 7, 1, MINUTE, convert=_sun_minutes),
    ),
    encrypted=False,
)

LAYOUTS: Mapping[int, RecordLayout] = {
    layout.record_type: layout
    for layout in (
        SOLAR_CHARGER,
        BATTERY_MONITOR,
        INVERTER,
        DCDC_CONVERTER,
        SMART_LITHIUM,
        INVERTER_RS,
        GX_DEVICE,
        AC_CHARGER,
        SMART_BATTERY_PROTECT,
        LYNX_SMART_BMS,
        MULTI_RS,
        VEBUS,
        DC_ENERGY_METER,
        ORION_XS,
        SOLAR_SENSE,
    )
}

# Known by name so discovery can say what a device is even when we cannot decode it.
RECORD_NAMES: Mapping[int, str] = {
    0x00: "test",
    0x0E: "smart_bms",
    0xFF00: "unencrypted_test",
    **{record_type: layout.name for record_type, layout in LAYOUTS.items()},
}
