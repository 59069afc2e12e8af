"""Every decoded frame of the protocol reference (§6.2, §6.3) through the codec."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from custom_components.offgrid_power.protocol.masterbus.codec import (
    Announcement,
    Attribute,
    Btm3Request,
    Btm3Write,
    FieldCountReply,
    FieldCountRequest,
    GroupFieldReply,
    GroupFieldRequest,
    Heartbeat,
    MenuCountReply,
    MenuCountRequest,
    MetadataReply,
    MetadataRequest,
    PropertyRejected,
    StringChunkReply,
    StringChunkRequest,
    StringIdReply,
    StringIdRequest,
    ValueReply,
    ValueRequest,
    ValueWrite,
    decode_frame,
)
from custom_components.offgrid_power.protocol.masterbus.errors import FrameError
from custom_components.offgrid_power.protocol.masterbus.values import decode_date, decode_duration

MSH, INT, VIEW = 0x6F1297, 0x3AF412, 0x50840A


def frame(can_id: int, data: str) -> object:
    return decode_frame(can_id, bytes.fromhex(data))


@pytest.mark.parametrize(
    ("can_id", "data", "expected"),
    [
        (0x0550840A, "", Heartbeat(VIEW)),
        (0x053AF412, "", Heartbeat(INT)),
        (0x046F1297, "1b97120 30c020000".replace(" ", ""), Announcement(MSH, 0x0C, 2, 0)),
        (0x043AF412, "0e12f40234010008", Announcement(INT, 0x34, 1, 0x08)),
        (0x0450840A, "140a84000b010000", Announcement(VIEW, 0x0B, 1, 0)),
    ],
)
def test_bus_management(can_id: int, data: str, expected: object) -> None:
    assert frame(can_id, data) == expected


def test_announcement_payload_repeats_the_address() -> None:
    announcement = Announcement(MSH, 0x0C, 2, 0)
    assert announcement.to_frame().data.hex() == "1b9712030c020000"


def test_identity_and_strings() -> None:
    assert frame(0x076F1297, "0903") == StringIdRequest(MSH, 3)
    assert frame(0x066F1297, "0903d600") == StringIdReply(MSH, 3, 0xD6)
    assert frame(0x076F1297, "30d60000") == StringChunkRequest(MSH, 0xD6, 0)
    chunks = ["MSH ", "Hovs", "eBat", "Shun"]
    for seq, text in enumerate(chunks):
        reply = frame(0x066F1297, f"30d600{seq:02x}" + text.encode().hex())
        assert reply == StringChunkReply(MSH, 0xD6, seq, text, final=False)
    assert frame(0x066F1297, "30d6000400") == StringChunkReply(MSH, 0xD6, 4, "", final=True)
    with pytest.raises(FrameError):
        frame(0x063AF412, "0903610100")  # a string-id reply has exactly 4 bytes
    assert frame(0x063AF412, "09036101") == StringIdReply(INT, 3, 0x161)
    last = frame(0x063AF412, "30610103" + b"bi".hex() + "00")
    assert last == StringChunkReply(INT, 0x161, 3, "bi", final=True)


def test_menu_counts_and_rejection() -> None:
    assert frame(0x073AF412, "083f") == MenuCountRequest(INT, 0x3F)
    assert frame(0x063AF412, "083f0800") == MenuCountReply(INT, 0x3F, 8)
    assert frame(0x06EF1297, "083f") == PropertyRejected(MSH, 0x08, 0x3F)


def test_schema() -> None:
    assert frame(0x196F1297, "070000") == FieldCountRequest(MSH, 0)
    assert frame(0x096F1297, "0700000300000041") == FieldCountReply(MSH, 0, 8)
    assert frame(0x196F1297, "03000000") == GroupFieldRequest(MSH, 0, 0)
    assert frame(0x096F1297, "030000000000") == GroupFieldReply(MSH, 0, 0, 0)
    assert frame(0x096F1297, "030000060900") == GroupFieldReply(MSH, 0, 6, 9)
    assert frame(0x093AF412, "030200010900") == GroupFieldReply(INT, 2, 1, 9)


@pytest.mark.parametrize(
    ("can_id", "request_hex", "reply_hex", "attribute", "field", "value"),
    [
        (0x18EF1297, "280100", "280100002300", Attribute.NAME, 1, 0x23),
        (0x18EF1297, "2c0100", "2c0100031400", Attribute.UNIT, 1, 0x14),
        (0x18EF1297, "020100", "020100030100", Attribute.VISUALISATION, 1, 1),
        (0x18EF1297, "080100", "080100030ad7233c", Attribute.STEP, 1, pytest.approx(0.01)),
        (0x18EF1297, "060200", "0602000000 80bbc4".replace(" ", ""), Attribute.MINIMUM, 2, -1500.0),
        (0x18EF1297, "070200", "070200000080bb44", Attribute.MAXIMUM, 2, 1500.0),
        (0x18BAF412, "0b0e00", "0b0e00060100", Attribute.WRITABLE, 14, 1),
    ],
)
def test_metadata(
    can_id: int, request_hex: str, reply_hex: str, attribute: int, field: int, value: object
) -> None:
    address = can_id & 0x7FFFFF
    request = frame(can_id, request_hex)
    assert request == MetadataRequest(address, attribute, field)
    reply = frame(can_id - 0x10000000, reply_hex)
    assert isinstance(reply, MetadataReply)
    assert (reply.attribute, reply.field, reply.value) == (attribute, field, value)


def test_option_label() -> None:
    assert frame(0x18BAF412, "2613000e") == MetadataRequest(INT, Attribute.OPTION_LABEL, 0x13, 14)
    reply = frame(0x08BAF412, "2613000ee000")
    assert reply == MetadataReply(INT, Attribute.OPTION_LABEL, 0x13, 0xE0, option=14)


@pytest.mark.parametrize(
    ("can_id", "field", "data", "value"),
    [
        (0x086F1297, 0x00, "0000c032c742", 99.599),
        (0x086F1297, 0x01, "01000f2d4a41", 12.636),
        (0x086F1297, 0x02, "02009191 3ac1".replace(" ", ""), -11.661),
        (0x086F1297, 0x03, "03000002dd40", 6.906),
        (0x086F1297, 0x04, "040000630d49", 579120.0),
        (0x086F1297, 0x05, "0500ae53ca41", 25.29),
        (0x086F1297, 0x09, "090080278347", 67151.0),
        (0x086F1297, 0x0A, "0a00205f4d49", 841202.0),
        (0x083AF412, 0x06, "06001e854b41", 12.72),
        (0x083AF412, 0x07, "07009f821cc1", -9.78),
        (0x083AF412, 0x0A, "0a000000f042", 120.0),
        (0x083AF412, 0x0B, "0b000000003f", 0.5),
        (0x083AF412, 0x10, "100000004040", 3.0),
        (0x083AF412, 0x13, "130000006041", 14.0),
        (0x083AF412, 0x14, "14000000803f", 1.0),
    ],
)
def test_values(can_id: int, field: int, data: str, value: float) -> None:
    address = can_id & 0x7FFFFF
    assert frame(can_id + 0x10000000, f"{field:02x}00") == ValueRequest(address, field)
    reply = frame(can_id, data)
    assert isinstance(reply, ValueReply)
    assert reply.field == field
    assert reply.value == pytest.approx(value, abs=0.005)
    assert reply.to_frame().data.hex() == data


def test_durations_and_dates() -> None:
    assert decode_duration(579120.0) == timedelta(days=6, hours=16, minutes=52)
    assert decode_duration(67151.0) == timedelta(hours=18, minutes=39, seconds=11)
    assert decode_date(841202.0) == date(2022, 1, 18)


def test_not_available_is_none() -> None:
    reply = frame(0x086F1297, "05000000c07f")
    assert isinstance(reply, ValueReply)
    assert reply.value is None


def test_device_reference_write_and_echo() -> None:
    write = frame(0x183AF412, "3900140a8400")
    assert write == ValueWrite(INT, 0x39, bytes.fromhex("140a8400"))
    echo = frame(0x083AF412, "3900140a8400")
    assert echo == ValueReply(INT, 0x39, bytes.fromhex("140a8400"))


@pytest.mark.parametrize(
    ("can_id", "data", "field", "value", "commit"),
    [
        (0x183AE394, "2b0000000000", 0x2B, 0.0, False),
        (0x183AE394, "2b000000803f", 0x2B, 1.0, False),
        (0x181B7CE1, "15000000803f", 0x15, 1.0, False),
        (0x181B7CE1, "1600149f3c02", 0x16, None, True),
        (0x181B7CE1, "170000002041", 0x17, 10.0, False),
        (0x18329B8C, "27000000803f", 0x27, 1.0, False),
        (0x18329B8C, "2800149f3c02", 0x28, None, True),
        (0x18387028, "01000000803f", 0x01, 1.0, False),
    ],
)
def test_writes_and_commit_token(
    can_id: int, data: str, field: int, value: float | None, commit: bool
) -> None:
    write = frame(can_id, data)
    assert isinstance(write, ValueWrite)
    assert (write.field, write.value, write.is_commit) == (field, value, commit)


def test_other_sources_reads_and_btm3() -> None:
    assert frame(0x18188EA2, "1700") == ValueRequest(0x188EA2, 0x17)
    assert frame(0x0553A493, "") == Heartbeat(0x53A493)
    assert frame(0x1B9B7CE1, "0b00") == Btm3Request(0x1B7CE1, 11)
    assert frame(0x1B9B7CE1, "0b000000803f") == Btm3Write(0x1B7CE1, 11, bytes.fromhex("0000803f"))
