"""The MasterBus USB interface's HID reports: reference frames, round trips, bad reports."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from custom_components.offgrid_power.protocol.masterbus.codec import (
    Frame,
    ValueRequest,
    decode_frame,
)
from custom_components.offgrid_power.protocol.masterbus.errors import FrameError
from custom_components.offgrid_power.protocol.masterbus.ids import decode_id
from custom_components.offgrid_power.protocol.masterbus.usb_reports import (
    MAX_RECORDS,
    REPORT_SIZE,
    decode_report,
    encode_report,
    output_report,
    pack_id,
    unpack_id,
)

FUZZ = settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
CAN_IDS = st.integers(min_value=0, max_value=0x1FFFFFFF)
FRAMES = st.builds(Frame, CAN_IDS, st.binary(max_size=8))


def test_reference_request_packs_like_the_interface() -> None:
    """A MasterShunt read (186F1297 ``01 00``, reference §6) as the YMS tool builds it.

    SIDH = class 0x18 << 3 | address bits 23..21; SIDL = address bits 20..18 in
    bits 7..5 and bits 17..16 in bits 1..0; then the low 16 bits.
    """
    report = output_report(Frame(0x186F1297, bytes([0x01, 0x00])))
    assert len(report) == 1 + REPORT_SIZE
    assert report[:8].hex(" ") == "00 01 c3 63 12 97 02 01"
    assert report[8:] == bytes(len(report) - 8)
    assert decode_frame(0x186F1297, b"\x01\x00") == ValueRequest(0x6F1297, 1)


def test_id_layout_maps_onto_class_flag_idal_idb() -> None:
    """Byte 0 holds class and metadata flag (bits 28..23) and the top of IDAL."""
    packed = pack_id(0x1B9B7CE1)  # class 0x1B on the metadata address of 0x1B7CE1
    assert packed[0] >> 3 == 0x1B
    assert packed[0] >> 2 & 1 == 1  # the metadata flag, bit 23
    parts = decode_id(unpack_id(packed))
    assert (parts.message_class, parts.metadata, parts.idal, parts.idb) == (
        0x1B,
        True,
        0x06,
        0x37CE1,
    )


def test_flag_bits_and_sideband_bytes_are_ignored() -> None:
    """The interface sets the extended bit, numbers frames and fills a tail."""
    clean = bytearray(encode_report([Frame(0x086F1297, bytes.fromhex("01000f2d4a41"))]))
    clean[2] |= 0x1C  # flag bits 4..2 of the id's second byte
    clean[14] = 0x7A  # the record's sideband byte
    clean[57:64] = bytes((0x00, 0x12, 0x80, 0x07, 0xFF, 0xFF, 0xFF))
    clean[15:29] = bytes(range(14))  # leftovers in a slot past the count
    assert decode_report(bytes(clean)) == [Frame(0x086F1297, bytes.fromhex("01000f2d4a41"))]


@FUZZ
@given(st.lists(FRAMES, min_size=1, max_size=MAX_RECORDS))
def test_reports_round_trip(frames: list[Frame]) -> None:
    report = encode_report(frames)
    assert len(report) == REPORT_SIZE
    assert decode_report(report) == frames


@FUZZ
@given(st.binary(max_size=2 * REPORT_SIZE))
def test_any_bytes_decode_or_raise_frame_error(report: bytes) -> None:
    try:
        frames = decode_report(report)
    except FrameError:
        return
    assert len(report) == REPORT_SIZE
    assert len(frames) <= MAX_RECORDS
    assert all(0 <= f.can_id <= 0x1FFFFFFF and len(f.data) <= 8 for f in frames)


@FUZZ
@given(st.integers(min_value=MAX_RECORDS + 1, max_value=255), st.binary(min_size=63, max_size=63))
def test_a_count_above_four_is_refused(count: int, rest: bytes) -> None:
    with pytest.raises(FrameError, match="records"):
        decode_report(bytes([count]) + rest)


@FUZZ
@given(st.integers(min_value=9, max_value=255), st.integers(min_value=0, max_value=MAX_RECORDS - 1))
def test_a_dlc_above_eight_spoils_the_report(dlc: int, slot: int) -> None:
    report = bytearray(encode_report([Frame(0x05000001, b"")] * MAX_RECORDS))
    report[1 + slot * 14 + 4] = dlc
    with pytest.raises(FrameError, match="DLC"):
        decode_report(bytes(report))


@pytest.mark.parametrize("size", [0, 1, 14, REPORT_SIZE - 1, REPORT_SIZE + 1])
def test_reports_of_another_size_are_refused(size: int) -> None:
    with pytest.raises(FrameError, match="bytes"):
        decode_report(bytes([1]).ljust(size, b"\0")[:size])


@pytest.mark.parametrize(
    "frames",
    [
        [],
        [Frame(0x05000001, b"")] * (MAX_RECORDS + 1),
        [Frame(0x20000000, b"")],
        [Frame(-1, b"")],
        [Frame(0x05000001, bytes(9))],
    ],
)
def test_unsendable_frames_are_refused(frames: list[Frame]) -> None:
    with pytest.raises(FrameError):
        encode_report(frames)


def test_a_packed_id_is_four_bytes() -> None:
    with pytest.raises(FrameError):
        unpack_id(b"\x01\x02\x03")
