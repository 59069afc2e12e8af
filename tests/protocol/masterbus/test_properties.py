"""Property tests: the id codec, the frame decoder and the bridge records."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.offgrid_power.protocol.masterbus.bridge import (
    BridgeRecord,
    decode_datagram,
    encode_datagram,
)
from custom_components.offgrid_power.protocol.masterbus.codec import decode_frame
from custom_components.offgrid_power.protocol.masterbus.errors import FrameError
from custom_components.offgrid_power.protocol.masterbus.ids import (
    MAX_CAN_ID,
    decode_id,
    encode_id,
    split_address,
)

can_ids = st.integers(min_value=0, max_value=MAX_CAN_ID)
payloads = st.binary(max_size=8)


@given(can_ids)
def test_id_round_trip(can_id: int) -> None:
    parts = decode_id(can_id)
    assert parts.encode() == can_id
    assert split_address(parts.address) == (parts.idal, parts.idb)
    assert encode_id(parts.message_class, parts.address, metadata=parts.metadata) == can_id


@given(st.one_of(st.integers(max_value=-1), st.integers(min_value=MAX_CAN_ID + 1)))
def test_ids_wider_than_29_bits_are_frame_errors(can_id: int) -> None:
    with pytest.raises(FrameError):
        decode_id(can_id)


@given(can_ids, st.binary(max_size=12))
def test_any_frame_decodes_or_raises_frame_error(can_id: int, data: bytes) -> None:
    try:
        message = decode_frame(can_id, data)
    except FrameError:
        return
    assert message.address == can_id & 0x7FFFFF
    # Re-encoding a decoded message gives a frame that decodes to the same message.
    again = message.to_frame()
    assert again.can_id == can_id
    assert decode_frame(again.can_id, again.data) == message


@given(can_ids, payloads, st.booleans(), st.booleans())
def test_bridge_records_round_trip(can_id: int, data: bytes, remote: bool, error: bool) -> None:
    record = BridgeRecord(can_id, data, extended=True, remote=remote, error=error)
    assert len(record.encode()) == 14
    assert decode_datagram(encode_datagram([record])) == [record]


@given(st.lists(st.tuples(can_ids, payloads), min_size=1, max_size=100))
def test_bridge_datagrams_carry_many_records(frames: list[tuple[int, bytes]]) -> None:
    records = [BridgeRecord(can_id, data) for can_id, data in frames]
    assert decode_datagram(encode_datagram(records)) == records


@given(st.binary(max_size=200))
def test_bridge_garbage_is_rejected_with_frame_error(datagram: bytes) -> None:
    try:
        records = decode_datagram(datagram)
    except FrameError:
        return
    # Padding bytes beyond the DLC are not data: re-encoding zeroes them.
    assert decode_datagram(encode_datagram(records)) == records


def test_bridge_record_layout() -> None:
    record = BridgeRecord(0x186F1297, bytes.fromhex("0100"))
    assert record.encode().hex() == "b182186f1297" + "0100" + "00" * 6
    standard = BridgeRecord(0x123, b"\x01", extended=False)
    assert standard.encode()[1] == 0x01
    with pytest.raises(FrameError):
        BridgeRecord(0x800, extended=False).encode()
    with pytest.raises(FrameError):
        decode_datagram(bytes.fromhex("b189186f1297") + bytes(8))  # DLC 9
    with pytest.raises(FrameError):
        decode_datagram(bytes.fromhex("b1920000000100") + bytes(7))  # reserved flag bit


@settings(max_examples=2000)
@given(st.integers(min_value=0, max_value=0x1F), st.booleans(), st.binary(max_size=8))
def test_every_class_and_flag_survives_re_encoding(
    message_class: int, flag: bool, data: bytes
) -> None:
    can_id = encode_id(message_class, 0x6F1297, metadata=flag)
    try:
        message = decode_frame(can_id, data)
    except FrameError:
        return
    assert message.to_frame().can_id == can_id
