"""Value encodings: every MasterBus value travels as a little-endian float32.

NaN means "not available" and becomes ``None``. Booleans and option indexes are
floats too; dates are packed as ``year * 416 + month * 32 + day`` and durations
are seconds.
"""

from __future__ import annotations

from datetime import date, timedelta
import math
import struct

from .errors import FrameError, WriteError

_FLOAT32 = struct.Struct("<f")
NOT_AVAILABLE = b"\x00\x00\xc0\x7f"
# Relay-type writes only take effect after this constant is written to field + 1.
COMMIT_TOKEN = bytes.fromhex("149f3c02")


def decode_float(raw: bytes) -> float | None:
    """A float32 from 4 bytes; NaN and infinities (unknown) become None."""
    if len(raw) != 4:
        raise FrameError(f"a float32 needs 4 bytes, got {len(raw)}")
    value: float = _FLOAT32.unpack(raw)[0]
    return value if math.isfinite(value) else None


def encode_float(value: float | None) -> bytes:
    """4 bytes for a value; None is sent as NaN."""
    if value is None:
        return NOT_AVAILABLE
    try:
        return _FLOAT32.pack(value)
    except OverflowError as err:
        raise WriteError(f"{value} does not fit in a float32") from err


def decode_date(value: float | None) -> date | None:
    """A packed date, or None when it is not available or not a valid day."""
    if value is None:
        return None
    packed = round(value)
    year, rest = divmod(packed, 416)
    month, day = divmod(rest, 32)
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        # Beyond year 9999 (a float32 reaches 3e38): no calendar day.
        return None


def encode_date(day: date) -> float:
    """The packed float for a date."""
    return float(day.year * 416 + day.month * 32 + day.day)


_MAX_SECONDS = timedelta.max.total_seconds()


def decode_duration(value: float | None) -> timedelta | None:
    """Seconds as a timedelta (durations, remaining time and the clock field);
    None beyond what a timedelta holds (~2.7 million years)."""
    if value is None or abs(value) >= _MAX_SECONDS:
        return None
    return timedelta(seconds=value)
