"""Convert setting values between physical form and register integers, validating first.

Validation happens before anything is sent: a rejected value never reaches the
unit (a bad write has locked at least one unit up for hours, odya#85).
"""

from __future__ import annotations

import math

from .codec import physical_value
from .errors import PowmrSettingError
from .readings import Value
from .registers import Setting

# Tolerance for float steps such as 28.4 V / 0.1 V.
_STEP_TOLERANCE = 1e-6


def encode_setting(setting: Setting, value: object, battery_nominal_voltage: float | None) -> int:
    """The register integer for `value`; raise `PowmrSettingError` when it is not allowed."""
    if setting.options is not None:
        return _encode_option(setting, value)
    if isinstance(value, bool):
        value = int(value)
    if not isinstance(value, int | float):
        raise PowmrSettingError(f"{setting.key}: {value!r} is not a number")
    number = _finite(setting, value)
    if number not in setting.allowed_extra:
        if setting.scales_with_battery and battery_nominal_voltage is None:
            raise PowmrSettingError(
                f"{setting.key}: the nominal battery voltage is unknown, so the range is too"
            )
        minimum, maximum = setting.bounds(battery_nominal_voltage or 24.0)
        if not minimum - _STEP_TOLERANCE <= number <= maximum + _STEP_TOLERANCE:
            raise PowmrSettingError(f"{setting.key}: {number:g} outside {minimum:g}..{maximum:g}")
        steps = (number - minimum) / setting.step
        if abs(steps - round(steps)) > 1e-3:
            raise PowmrSettingError(
                f"{setting.key}: {number:g} is not a multiple of {setting.step:g}"
            )
    return round(number / setting.scale)


def _finite(setting: Setting, value: int | float) -> float:
    """The value as a finite float; an integer too large for a float is out of range too."""
    try:
        number = float(value)
    except OverflowError as err:
        raise PowmrSettingError(f"{setting.key}: {value!r} is out of range") from err
    if not math.isfinite(number):
        raise PowmrSettingError(f"{setting.key}: {value!r} is not a finite number")
    return number


def _encode_option(setting: Setting, value: object) -> int:
    options = setting.options or {}
    if isinstance(value, str):
        for code, label in options.items():
            if label == value:
                return code
        raise PowmrSettingError(f"{setting.key}: {value!r} not one of {sorted(options.values())}")
    if isinstance(value, int) and not isinstance(value, bool) and value in options:
        return value
    raise PowmrSettingError(f"{setting.key}: {value!r} not one of {sorted(options.values())}")


def decode_setting(setting: Setting, raw: int) -> Value:
    """The physical value of a register integer, in the form `write_setting` accepts."""
    return physical_value(raw, setting.scale, setting.options, setting.is_switch)
