"""The checks before a write and the read-back after it.

A device takes whatever float32 arrives (NaN, -1e30, option 7 of a 3-option
drop-down), so nothing is sent that the field's metadata does not allow, and
a field the device never described is not written at all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import math

from .errors import WriteError
from .events import SessionConfig
from .models import Device, FieldInfo, Visualisation
from .values import decode_date, decode_duration

# float32's largest finite value: anything beyond cannot travel.
FLOAT32_MAX = 3.4028234663852886e38

# Kinds a value can be written to; text, lists and events are not values.
_WRITABLE_KINDS = frozenset(
    {
        Visualisation.FLOAT,
        Visualisation.GRAY_FLOAT,
        Visualisation.DROPDOWN,
        Visualisation.CHECKBOX,
        Visualisation.DURATION,
        Visualisation.DATE,
        Visualisation.SWITCH_VARIANT,
    }
)


def finite_value(value: object) -> float:
    """The value as a finite float32-sized number, or `WriteError`."""
    if not isinstance(value, int | float):
        raise WriteError(f"{value!r} is not a number")
    try:
        number = float(value)
    except OverflowError as err:
        raise WriteError(f"{value!r} does not fit in a float32") from err
    if not math.isfinite(number) or abs(number) > FLOAT32_MAX:
        raise WriteError(f"{value!r} is not a finite float32")
    return number


def check_value(info: FieldInfo | None, field: int, value: object) -> float:
    """The float to send to ``field``; raise `WriteError` unless its metadata allows it."""
    number = finite_value(value)
    if info is None:
        raise WriteError(f"field {field} is not in the device's schema")
    if not info.writable:
        raise WriteError(f"field {field} ({info.name}) is read-only")
    kind = info.visualisation
    if kind not in _WRITABLE_KINDS:
        raise WriteError(f"field {field} ({info.name}) is a {kind.name.lower()}, not a value")
    if kind is Visualisation.DROPDOWN:
        if number != int(number) or not 0 <= number < len(info.options):
            raise WriteError(f"{number:g} is not an option of {info.name} ({len(info.options)})")
    elif kind in {Visualisation.CHECKBOX, Visualisation.SWITCH_VARIANT}:
        if number not in (0.0, 1.0):
            raise WriteError(f"{info.name} takes 0 or 1, not {number:g}")
    elif kind is Visualisation.DATE and decode_date(number) is None:
        raise WriteError(f"{number:g} is not a packed date")
    elif kind is Visualisation.DURATION and decode_duration(number) is None:
        raise WriteError(f"{number:g} s is not a duration")
    low = -math.inf if info.minimum is None else info.minimum
    high = math.inf if info.maximum is None else info.maximum
    if not low <= number <= high:
        raise WriteError(f"{number:g} is outside {low:g}..{high:g} for {info.name}")
    return number


def read_back_tolerance(info: FieldInfo | None, wanted: float) -> float:
    """How far a read-back may differ from the value written (half a step, float32 noise)."""
    step = info.step if info is not None and info.step is not None else 0.0
    half_step = step / 2 if math.isfinite(step) and step > 0 else 0.0
    return max(half_step, 1e-4 * max(1.0, abs(wanted)))


def confirms(got: float | None, wanted: float, tolerance: float) -> bool:
    """Whether a read-back shows the written value: finite, and within the tolerance."""
    return got is not None and math.isfinite(got) and abs(got - wanted) <= tolerance


def check_write(
    device: Device, field: int, value: object, info: FieldInfo | None, *, commit: bool
) -> float:
    """The float to send; raise WriteError when the device's own schema forbids the write.

    Everything `check_value` refuses, and a commit token aimed at field + 1
    when that is a named field of its own.
    """
    try:
        number = check_value(info, field, value)
    except WriteError as err:
        raise WriteError(f"{device.label}: {err}") from err
    neighbour = device.schema.field(field + 1)
    if commit and neighbour is not None and neighbour.name:
        raise WriteError(f"commit field {field + 1} is occupied by {neighbour.name!r}")
    return number


async def confirm_write(
    read: Callable[[], Awaitable[float | None]],
    wanted: float,
    info: FieldInfo | None,
    config: SessionConfig,
) -> float | None:
    """Read back until the device reports the written value (within half a step)."""
    tolerance = read_back_tolerance(info, wanted)
    got: float | None = None
    for _ in range(config.write_confirm_attempts):
        await asyncio.sleep(config.write_confirm_interval)
        got = await read()
        if confirms(got, wanted, tolerance):
            return got
    raise WriteError(f"wrote {wanted} but the device still reports {got}")
