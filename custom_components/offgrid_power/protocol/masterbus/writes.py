"""The checks before a write and the read-back after it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import math

from .errors import WriteError
from .events import SessionConfig
from .models import Device, FieldInfo, Visualisation


def check_write(
    device: Device, field: int, value: float, info: FieldInfo | None, *, commit: bool
) -> None:
    """Refuse a write the device's own schema forbids; raise WriteError.

    Read-only fields, numbers outside the field's range, and a commit token
    aimed at field + 1 when that is a named field of its own.
    """
    if info is not None and not info.writable:
        raise WriteError(f"field {field} of {device.label} is read-only")
    if info is not None and info.visualisation == Visualisation.FLOAT:
        low = -math.inf if info.minimum is None else info.minimum
        high = math.inf if info.maximum is None else info.maximum
        if not low <= value <= high:
            raise WriteError(f"{value} is outside {low}..{high} for {info.name}")
    neighbour = device.schema.field(field + 1)
    if commit and neighbour is not None and neighbour.name:
        raise WriteError(f"commit field {field + 1} is occupied by {neighbour.name!r}")


async def confirm_write(
    read: Callable[[], Awaitable[float | None]],
    wanted: float,
    info: FieldInfo | None,
    config: SessionConfig,
) -> float | None:
    """Read back until the device reports the written value (within half a step)."""
    tolerance = max((info.step or 0) / 2 if info else 0, 1e-4 * max(1.0, abs(wanted)))
    got: float | None = None
    for _ in range(config.write_confirm_attempts):
        await asyncio.sleep(config.write_confirm_interval)
        got = await read()
        if got is not None and abs(got - wanted) <= tolerance:
            return got
    raise WriteError(f"wrote {wanted} but the device still reports {got}")
