"""The HID reports of Mastervolt's MasterBus USB interface (article 77030200).

The interface is a USB HID device, vendor 0x1A64, product 0x0000, with
64-byte input and output reports and no report ids. Both directions carry
the same layout (sources: tvangaalen/MasterVolt-YMS ``mastervolt/masterbus/usb.py``,
which drives the real interface, and negrusti/masterbus-usb-gateway, a
firmware that emulates it well enough for Mastervolt's MasterAdjust)::

    offset        size  field
    0             1     number of records that count (0..4)
    1 + 14 * i    14    record i (i = 0..3)
    57            7     sideband bytes of the interface (ignored; sent as 0)

A record is one CAN frame, its 29-bit id in the MCP2515/SJA1000 register
layout::

    0   1   id bits 28..21 (class, metadata flag, IDAL bits 4..3)
    1   1   bits 7..5: id bits 20..18; bits 1..0: id bits 17..16;
            bits 4..2 are flags (the interface sets bit 3, "extended"), ignored
    2   1   id bits 15..8
    3   1   id bits 7..0
    4   1   DLC (0..8)
    5   8   data; the first DLC bytes count
    13  1   sideband (a sequence number from the interface), ignored

Records past the count may hold leftovers and are ignored. The host sends one
record per report with the flag bits and sideband bytes zero, as the YMS tool
does on real hardware. On Linux a report travels through ``/dev/hidrawN``:
a read returns one input report; a write takes the report number first, 0
for a device without numbered reports, then the 64 bytes (`output_report`).
"""

from __future__ import annotations

from collections.abc import Sequence

from .codec import Frame
from .errors import FrameError
from .ids import MAX_CAN_ID

VENDOR_ID = 0x1A64
PRODUCT_ID = 0x0000
REPORT_SIZE = 64
RECORD_SIZE = 14
MAX_RECORDS = 4
# hidraw: the first byte of a write is the report number, 0 without numbered reports.
REPORT_NUMBER = 0
_MAX_DLC = 8
_ID_SIZE = 4


def pack_id(can_id: int) -> bytes:
    """The 4 id bytes of a record for a 29-bit id."""
    if not 0 <= can_id <= MAX_CAN_ID:
        raise FrameError(f"CAN id {can_id:#x} is not a 29-bit identifier")
    return bytes(
        (
            can_id >> 21,
            (can_id >> 18 & 0x07) << 5 | (can_id >> 16 & 0x03),
            can_id >> 8 & 0xFF,
            can_id & 0xFF,
        )
    )


def unpack_id(packed: bytes) -> int:
    """The 29-bit id from a record's first 4 bytes (the flag bits 4..2 ignored)."""
    if len(packed) != _ID_SIZE:
        raise FrameError(f"a packed id is 4 bytes, not {len(packed)}")
    high, low, eid8, eid0 = packed
    return high << 21 | (low >> 5) << 18 | (low & 0x03) << 16 | eid8 << 8 | eid0


def encode_record(frame: Frame) -> bytes:
    """The 14-byte record of a frame."""
    if len(frame.data) > _MAX_DLC:
        raise FrameError(f"{len(frame.data)} data bytes do not fit a CAN frame")
    sideband = b"\0"
    return pack_id(frame.can_id) + bytes([len(frame.data)]) + frame.data.ljust(8, b"\0") + sideband


def decode_record(record: bytes) -> Frame:
    """The frame in a 14-byte record; raise `FrameError` if it is not one."""
    if len(record) != RECORD_SIZE:
        raise FrameError(f"a USB record is {RECORD_SIZE} bytes, not {len(record)}")
    dlc = record[_ID_SIZE]
    if dlc > _MAX_DLC:
        raise FrameError(f"a USB record with DLC {dlc}")
    start = _ID_SIZE + 1
    return Frame(unpack_id(record[:_ID_SIZE]), bytes(record[start : start + dlc]))


def encode_report(frames: Sequence[Frame]) -> bytes:
    """The 64-byte report carrying 1..4 frames."""
    if not 1 <= len(frames) <= MAX_RECORDS:
        raise FrameError(f"a USB report carries 1..{MAX_RECORDS} frames, not {len(frames)}")
    body = b"".join(encode_record(frame) for frame in frames)
    return (bytes([len(frames)]) + body).ljust(REPORT_SIZE, b"\0")


def decode_report(report: bytes) -> list[Frame]:
    """The frames of a 64-byte input report; raise `FrameError` for anything else.

    One bad record spoils the report: none of its frames is trusted.
    """
    if len(report) != REPORT_SIZE:
        raise FrameError(f"a USB report of {len(report)} bytes, not {REPORT_SIZE}")
    count = report[0]
    if count > MAX_RECORDS:
        raise FrameError(f"a USB report claiming {count} records")
    return [
        decode_record(report[1 + i * RECORD_SIZE : 1 + (i + 1) * RECORD_SIZE]) for i in range(count)
    ]


def output_report(frame: Frame) -> bytes:
    """What to write to the hidraw node to send one frame: report number, then the report."""
    return bytes([REPORT_NUMBER]) + encode_report([frame])
