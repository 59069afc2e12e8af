"""MasterBus frames <-> typed messages.

`decode_frame` turns a CAN id and payload into one of the message dataclasses
below, or raises `FrameError` when the id or the DLC cannot belong to its
class. Frames of a valid shape whose meaning is unknown decode to
`UnknownMessage`, so a sniffer never loses a frame. Every message encodes back
to its frame with `to_frame()`; the simulator uses that to answer requests.

Payload layouts (hex bytes, "sid" = little-endian u16 string id, "f32" =
little-endian float32):

=========================  =======  ========  ==================================
message                    class    metadata  payload
=========================  =======  ========  ==================================
Heartbeat                  05       no        (empty)
Announcement               04       no        IDAL, IDB (u24 LE), counter, unit, 00, flags
FirmwareRequest/Reply      07/06    no        82 part [minor major]
StringIdRequest/Reply      07/06    no        09 kind [sid]
StringChunkRequest/Reply   07/06    no        30 sid seq [up to 4 chars, NUL ends]
MenuCountRequest/Reply     07/06    no        08 menu [count u16]
AccessLevelRequest/Reply   07/06    no        08 19 [level 00 [f32 code]] / 08 19 level 00
PropertyRejected           06       yes       the first two request bytes echoed
GroupName/FieldCount/      19/09    no        28|07|03 group(u16) [index] [..]
GroupField Request/Reply
MetadataRequest/Reply      18/08    yes       attr field(u16) [option] [value]
ValueRequest / ValueReply  18/08    no        field tab [f32]
ValueWrite                 18       no        field tab f32 (or the commit token)
Btm3Request/Write/Value    1B/0B    yes       field(u16) [f32]
NoValue                    10       no        field tab
=========================  =======  ========  ==================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field as dataclass_field
from enum import IntEnum
import struct

from .errors import FrameError
from .ids import MessageClass, decode_id, encode_id, split_address
from .values import COMMIT_TOKEN, decode_float, encode_float

_U16 = struct.Struct("<H")


class PropertyOp(IntEnum):
    """First payload byte of a property request (class 0x07)."""

    MENU_COUNT = 0x08
    STRING_ID = 0x09
    STRING_CHUNK = 0x30
    FIRMWARE = 0x82


class IdentityString(IntEnum):
    """Selector of a `StringIdRequest`."""

    ARTICLE = 1
    SERIAL = 2
    NAME = 3
    REVISION = 4


class Menu(IntEnum):
    """Selector of a `MenuCountRequest`."""

    MONITORING = 0x02
    CONFIGURATION = 0x03
    SERVICE = 0x04
    ALL_TABS = 0x3F


# The selector of the access-level property (`08 19`): not a menu.
ACCESS_LEVEL = 0x19


class AccessLevel(IntEnum):
    """A device's access levels (property `08 19`), lowest first."""

    END_USER = 0
    INSTALLER = 1
    DISTRIBUTOR = 2
    SERVICE = 3


class SchemaTab(IntEnum):
    """Schema requests use one class per tab; replies come back 0x10 lower."""

    MONITORING = MessageClass.SCHEMA_REQUEST
    ALARM = MessageClass.ALARM_SCHEMA_REQUEST
    HISTORY = MessageClass.HISTORY_SCHEMA_REQUEST


class SchemaOp(IntEnum):
    """First payload byte of a schema request."""

    FIELD_ID = 0x03
    FIELD_COUNT = 0x07
    GROUP_NAME = 0x28


class Attribute(IntEnum):
    """Per-field metadata attributes (first byte of a metadata request)."""

    VISUALISATION = 0x02
    MINIMUM = 0x06
    MAXIMUM = 0x07  # also the option count of a drop-down
    STEP = 0x08
    DEFAULT = 0x09
    WRITABLE = 0x0B
    READ_ONLY_HINT = 0x0C
    EVENTABLE = 0x0D
    OPTION_LABEL = 0x26
    NAME = 0x28
    LONG_TEXT = 0x29
    VERY_LONG_TEXT = 0x2A
    UNIT = 0x2C


FLOAT_ATTRIBUTES = frozenset(
    {Attribute.MINIMUM, Attribute.MAXIMUM, Attribute.STEP, Attribute.DEFAULT}
)
STRING_ATTRIBUTES = frozenset(
    {
        Attribute.OPTION_LABEL,
        Attribute.NAME,
        Attribute.LONG_TEXT,
        Attribute.VERY_LONG_TEXT,
        Attribute.UNIT,
    }
)


class Channel(IntEnum):
    """Btm1 is the classic 8-bit field set, Btm3 the newer 16-bit one."""

    BTM1 = 1
    BTM3 = 3


@dataclass(frozen=True, slots=True)
class Frame:
    """A raw extended CAN frame."""

    can_id: int
    data: bytes

    def __str__(self) -> str:
        return f"{self.can_id:08X}#{self.data.hex().upper()}"


def _frame(message_class: int, address: int, data: bytes, *, metadata: bool = False) -> Frame:
    return Frame(encode_id(message_class, address, metadata=metadata), data)


def _u16(value: int) -> bytes:
    return _U16.pack(value)


# --- bus management -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """A master asks every device to announce itself."""

    address: int

    def to_frame(self) -> Frame:
        return _frame(MessageClass.HEARTBEAT, self.address, b"")


@dataclass(frozen=True, slots=True)
class Announcement:
    """A device says it is present; `change_counter` moves on state/config changes."""

    address: int
    change_counter: int
    unit_code: int = 0
    flags: int = 0

    def to_frame(self) -> Frame:
        idal, idb = split_address(self.address)
        body = bytes([idal]) + idb.to_bytes(3, "little")
        body += bytes([self.change_counter, self.unit_code, 0, self.flags])
        return _frame(MessageClass.ANNOUNCEMENT, self.address, body)


# --- properties (class 0x07 -> 0x06) --------------------------------------


@dataclass(frozen=True, slots=True)
class FirmwareRequest:
    address: int
    part: int

    def to_frame(self) -> Frame:
        return _frame(
            MessageClass.PROPERTY_REQUEST, self.address, bytes([PropertyOp.FIRMWARE, self.part])
        )


@dataclass(frozen=True, slots=True)
class FirmwareReply:
    """Firmware major = sum of `major` over both parts, minor likewise."""

    address: int
    part: int
    minor: int
    major: int

    def to_frame(self) -> Frame:
        body = bytes([PropertyOp.FIRMWARE, self.part, self.minor, self.major])
        return _frame(MessageClass.PROPERTY_REPLY, self.address, body)


@dataclass(frozen=True, slots=True)
class StringIdRequest:
    address: int
    kind: int

    def to_frame(self) -> Frame:
        return _frame(
            MessageClass.PROPERTY_REQUEST, self.address, bytes([PropertyOp.STRING_ID, self.kind])
        )


@dataclass(frozen=True, slots=True)
class StringIdReply:
    address: int
    kind: int
    string_id: int

    def to_frame(self) -> Frame:
        body = bytes([PropertyOp.STRING_ID, self.kind]) + _u16(self.string_id)
        return _frame(MessageClass.PROPERTY_REPLY, self.address, body)


@dataclass(frozen=True, slots=True)
class StringChunkRequest:
    address: int
    string_id: int
    sequence: int

    def to_frame(self) -> Frame:
        body = bytes([PropertyOp.STRING_CHUNK]) + _u16(self.string_id) + bytes([self.sequence])
        return _frame(MessageClass.PROPERTY_REQUEST, self.address, body)


@dataclass(frozen=True, slots=True)
class StringChunkReply:
    """Up to 4 characters of a string; `final` when a NUL or a short frame ends it."""

    address: int
    string_id: int
    sequence: int
    text: str
    final: bool

    def to_frame(self) -> Frame:
        body = bytes([PropertyOp.STRING_CHUNK]) + _u16(self.string_id) + bytes([self.sequence])
        body += self.text.encode("latin-1")
        if self.final and len(self.text) < 4:
            body += b"\x00"
        return _frame(MessageClass.PROPERTY_REPLY, self.address, body)


@dataclass(frozen=True, slots=True)
class MenuCountRequest:
    address: int
    menu: int

    def to_frame(self) -> Frame:
        return _frame(
            MessageClass.PROPERTY_REQUEST, self.address, bytes([PropertyOp.MENU_COUNT, self.menu])
        )


@dataclass(frozen=True, slots=True)
class MenuCountReply:
    address: int
    menu: int
    count: int

    def to_frame(self) -> Frame:
        body = bytes([PropertyOp.MENU_COUNT, self.menu]) + _u16(self.count)
        return _frame(MessageClass.PROPERTY_REPLY, self.address, body)


@dataclass(frozen=True, slots=True)
class AccessLevelRequest:
    """Read the access level (no `level`), log in (`level` and `code`) or log out (level 0).

    The code is a secret: it stays out of the repr, and `RecentFrames` keeps
    only the length of a login frame.
    """

    address: int
    level: int | None = None
    code: float | None = dataclass_field(default=None, repr=False)

    def to_frame(self) -> Frame:
        body = bytes([PropertyOp.MENU_COUNT, ACCESS_LEVEL])
        if self.level is not None:
            body += bytes([self.level, 0])
            if self.code is not None:
                body += encode_float(self.code)
        return _frame(MessageClass.PROPERTY_REQUEST, self.address, body)


@dataclass(frozen=True, slots=True)
class AccessLevelReply:
    """The device's access level after the request was applied."""

    address: int
    level: int

    def to_frame(self) -> Frame:
        body = bytes([PropertyOp.MENU_COUNT, ACCESS_LEVEL, self.level, 0])
        return _frame(MessageClass.PROPERTY_REPLY, self.address, body)


@dataclass(frozen=True, slots=True)
class PropertyRejected:
    """A device does not support a property request: its first two bytes echoed."""

    address: int
    op: int
    selector: int

    def to_frame(self) -> Frame:
        return _frame(
            MessageClass.PROPERTY_REPLY,
            self.address,
            bytes([self.op, self.selector]),
            metadata=True,
        )


# --- schema (class 0x19/0x1A/0x1B -> 0x09/0x0A/0x0B) ------------------------


def _schema_head(op: SchemaOp, group: int) -> bytes:
    return bytes([op]) + _u16(group)


@dataclass(frozen=True, slots=True)
class GroupNameRequest:
    address: int
    group: int
    tab: SchemaTab = SchemaTab.MONITORING

    def to_frame(self) -> Frame:
        return _frame(self.tab, self.address, _schema_head(SchemaOp.GROUP_NAME, self.group))


@dataclass(frozen=True, slots=True)
class GroupNameReply:
    address: int
    group: int
    string_id: int
    tab: SchemaTab = SchemaTab.MONITORING

    def to_frame(self) -> Frame:
        body = _schema_head(SchemaOp.GROUP_NAME, self.group) + b"\x00" + _u16(self.string_id)
        return _frame(self.tab - 0x10, self.address, body)


@dataclass(frozen=True, slots=True)
class FieldCountRequest:
    address: int
    group: int
    tab: SchemaTab = SchemaTab.MONITORING

    def to_frame(self) -> Frame:
        return _frame(self.tab, self.address, _schema_head(SchemaOp.FIELD_COUNT, self.group))


@dataclass(frozen=True, slots=True)
class FieldCountReply:
    """The number of fields of a group (sent as a float by the device)."""

    address: int
    group: int
    count: int
    tab: SchemaTab = SchemaTab.MONITORING

    def to_frame(self) -> Frame:
        body = _schema_head(SchemaOp.FIELD_COUNT, self.group) + b"\x00" + encode_float(self.count)
        return _frame(self.tab - 0x10, self.address, body)


@dataclass(frozen=True, slots=True)
class GroupFieldRequest:
    address: int
    group: int
    index: int
    tab: SchemaTab = SchemaTab.MONITORING

    def to_frame(self) -> Frame:
        body = _schema_head(SchemaOp.FIELD_ID, self.group) + bytes([self.index])
        return _frame(self.tab, self.address, body)


@dataclass(frozen=True, slots=True)
class GroupFieldReply:
    address: int
    group: int
    index: int
    field: int
    tab: SchemaTab = SchemaTab.MONITORING

    def to_frame(self) -> Frame:
        body = _schema_head(SchemaOp.FIELD_ID, self.group) + bytes([self.index]) + _u16(self.field)
        return _frame(self.tab - 0x10, self.address, body)


# --- field metadata (class 0x18/0x1C -> 0x08/0x0C on the metadata address) --


_METADATA_CLASSES = {
    Channel.BTM1: (MessageClass.VALUE_REQUEST, MessageClass.VALUE_REPLY),
    Channel.BTM3: (MessageClass.BTM3_METADATA_REQUEST, MessageClass.BTM3_METADATA_REPLY),
}


@dataclass(frozen=True, slots=True)
class MetadataRequest:
    """Ask one attribute of a field; `option` only for `Attribute.OPTION_LABEL`."""

    address: int
    attribute: int
    field: int
    option: int | None = None
    channel: Channel = Channel.BTM1
    # Btm1 metadata always uses the metadata address; Btm3 metadata has been
    # seen there and (per one implementation) on the plain address.
    metadata_address: bool = True

    def to_frame(self) -> Frame:
        body = bytes([self.attribute]) + _u16(self.field)
        if self.option is not None:
            body += bytes([self.option])
        request_class = _METADATA_CLASSES[self.channel][0]
        return _frame(request_class, self.address, body, metadata=self.metadata_address)


@dataclass(frozen=True, slots=True)
class MetadataReply:
    """One attribute value: float, string id or small integer by `attribute`."""

    address: int
    attribute: int
    field: int
    value: float | int | None
    option: int = 0
    channel: Channel = Channel.BTM1
    # Btm1 metadata always uses the metadata address; Btm3 metadata has been
    # seen there and (per one implementation) on the plain address.
    metadata_address: bool = True

    def to_frame(self) -> Frame:
        body = bytes([self.attribute]) + _u16(self.field) + bytes([self.option])
        if self.attribute in FLOAT_ATTRIBUTES:
            body += encode_float(self.value)
        elif self.attribute in STRING_ATTRIBUTES:
            body += _u16(int(self.value or 0))
        else:
            body += bytes([int(self.value or 0), 0])
        reply_class = _METADATA_CLASSES[self.channel][1]
        return _frame(reply_class, self.address, body, metadata=self.metadata_address)


# --- values (Btm1: class 0x18 -> 0x08, Btm3: 0x1B -> 0x0B, metadata address) --


@dataclass(frozen=True, slots=True)
class ValueRequest:
    address: int
    field: int

    def to_frame(self) -> Frame:
        return _frame(MessageClass.VALUE_REQUEST, self.address, bytes([self.field, 0]))


@dataclass(frozen=True, slots=True)
class ValueReply:
    """A device reports a value; `raw` keeps the 4 bytes (some fields are not floats)."""

    address: int
    field: int
    raw: bytes
    tab: int = 0

    @property
    def value(self) -> float | None:
        return decode_float(self.raw)

    def to_frame(self) -> Frame:
        return _frame(
            MessageClass.VALUE_REPLY, self.address, bytes([self.field, self.tab]) + self.raw
        )


@dataclass(frozen=True, slots=True)
class ValueWrite:
    """A master writes a value, or the commit token that activates field - 1."""

    address: int
    field: int
    raw: bytes
    tab: int = 0

    @property
    def value(self) -> float | None:
        return None if self.is_commit else decode_float(self.raw)

    @property
    def is_commit(self) -> bool:
        return self.raw == COMMIT_TOKEN

    def to_frame(self) -> Frame:
        return _frame(
            MessageClass.VALUE_REQUEST, self.address, bytes([self.field, self.tab]) + self.raw
        )


@dataclass(frozen=True, slots=True)
class NoValue:
    """A device has no value for the requested field/tab."""

    address: int
    field: int
    tab: int = 0

    def to_frame(self) -> Frame:
        return _frame(MessageClass.NO_VALUE, self.address, bytes([self.field, self.tab]))


@dataclass(frozen=True, slots=True)
class Btm3Request:
    address: int
    field: int

    def to_frame(self) -> Frame:
        return _frame(
            MessageClass.HISTORY_SCHEMA_REQUEST, self.address, _u16(self.field), metadata=True
        )


@dataclass(frozen=True, slots=True)
class Btm3Write:
    address: int
    field: int
    raw: bytes

    @property
    def value(self) -> float | None:
        return decode_float(self.raw)

    def to_frame(self) -> Frame:
        body = _u16(self.field) + self.raw
        return _frame(MessageClass.HISTORY_SCHEMA_REQUEST, self.address, body, metadata=True)


@dataclass(frozen=True, slots=True)
class Btm3Value:
    """A Btm3 value: a reply, a write acknowledgement or a spontaneous push."""

    address: int
    field: int
    raw: bytes

    @property
    def value(self) -> float | None:
        return decode_float(self.raw)

    def to_frame(self) -> Frame:
        body = _u16(self.field) + self.raw
        return _frame(MessageClass.HISTORY_SCHEMA_REPLY, self.address, body, metadata=True)


@dataclass(frozen=True, slots=True)
class UnknownMessage:
    """A well-formed frame whose meaning this library does not know."""

    address: int
    message_class: int
    metadata: bool
    data: bytes

    def to_frame(self) -> Frame:
        return _frame(self.message_class, self.address, self.data, metadata=self.metadata)


Message = (
    Heartbeat
    | Announcement
    | FirmwareRequest
    | FirmwareReply
    | StringIdRequest
    | StringIdReply
    | StringChunkRequest
    | StringChunkReply
    | MenuCountRequest
    | MenuCountReply
    | AccessLevelRequest
    | AccessLevelReply
    | PropertyRejected
    | GroupNameRequest
    | GroupNameReply
    | FieldCountRequest
    | FieldCountReply
    | GroupFieldRequest
    | GroupFieldReply
    | MetadataRequest
    | MetadataReply
    | ValueRequest
    | ValueReply
    | ValueWrite
    | NoValue
    | Btm3Request
    | Btm3Write
    | Btm3Value
    | UnknownMessage
)


# --- decoding ---------------------------------------------------------------


def _need(data: bytes, *lengths: int) -> None:
    if len(data) not in lengths:
        allowed = " or ".join(str(length) for length in lengths)
        raise FrameError(f"payload of {len(data)} bytes, expected {allowed}")


def _decode_announcement(address: int, metadata: bool, data: bytes) -> Message:
    _need(data, 8)
    return Announcement(address, data[4], data[5], data[7])


def _decode_heartbeat(address: int, metadata: bool, data: bytes) -> Message:
    _need(data, 0)
    return Heartbeat(address)


def _decode_property_request(address: int, metadata: bool, data: bytes) -> Message:
    op = data[0] if data else None
    if op == PropertyOp.MENU_COUNT and data[1:2] == bytes([ACCESS_LEVEL]):
        _need(data, 2, 4, 8)
        level = data[2] if len(data) > 2 else None
        code = decode_float(data[4:8]) if len(data) == 8 else None
        return AccessLevelRequest(address, level, code)
    if op == PropertyOp.STRING_CHUNK:
        _need(data, 4)
        return StringChunkRequest(address, _U16.unpack_from(data, 1)[0], data[3])
    short_requests: dict[int | None, type[FirmwareRequest | StringIdRequest | MenuCountRequest]] = {
        PropertyOp.FIRMWARE: FirmwareRequest,
        PropertyOp.STRING_ID: StringIdRequest,
        PropertyOp.MENU_COUNT: MenuCountRequest,
    }
    if op in short_requests and len(data) == 2:
        return short_requests[op](address, data[1])
    return UnknownMessage(address, MessageClass.PROPERTY_REQUEST, metadata, data)


def _decode_property_reply(address: int, metadata: bool, data: bytes) -> Message:
    if metadata:
        _need(data, 2)
        return PropertyRejected(address, data[0], data[1])
    op = data[0] if data else None
    if op == PropertyOp.STRING_CHUNK:
        if not 4 <= len(data) <= 8:
            raise FrameError(f"string chunk of {len(data)} bytes")
        chars = data[4:]
        text = chars.split(b"\x00", 1)[0].decode("latin-1")
        final = len(chars) < 4 or b"\x00" in chars
        return StringChunkReply(address, _U16.unpack_from(data, 1)[0], data[3], text, final)
    if op == PropertyOp.FIRMWARE:
        _need(data, 4)
        return FirmwareReply(address, data[1], data[2], data[3])
    if op == PropertyOp.STRING_ID:
        _need(data, 4)
        return StringIdReply(address, data[1], _U16.unpack_from(data, 2)[0])
    if op == PropertyOp.MENU_COUNT and data[1:2] == bytes([ACCESS_LEVEL]):
        _need(data, 4)
        return AccessLevelReply(address, data[2])
    if op == PropertyOp.MENU_COUNT and len(data) == 4:
        return MenuCountReply(address, data[1], _U16.unpack_from(data, 2)[0])
    return UnknownMessage(address, MessageClass.PROPERTY_REPLY, metadata, data)


def _decode_metadata_request(
    address: int, channel: Channel, data: bytes, metadata: bool = True
) -> Message:
    _need(data, 3, 4)
    option = data[3] if len(data) == 4 else None
    field = _U16.unpack_from(data, 1)[0]
    return MetadataRequest(address, data[0], field, option, channel, metadata)


def _decode_metadata_reply(
    address: int, channel: Channel, data: bytes, metadata: bool = True
) -> Message:
    if len(data) < 5:
        raise FrameError(f"metadata reply of {len(data)} bytes")
    attribute, field, option = data[0], _U16.unpack_from(data, 1)[0], data[3]
    value: float | int | None
    if attribute in FLOAT_ATTRIBUTES:
        _need(data, 8)
        value = decode_float(data[4:8])
    elif attribute in STRING_ATTRIBUTES:
        _need(data, 6, 8)
        value = _U16.unpack_from(data, 4)[0]
    else:
        value = data[4]
    return MetadataReply(address, attribute, field, value, option, channel, metadata)


def _decode_value_request(address: int, metadata: bool, data: bytes) -> Message:
    if metadata:
        return _decode_metadata_request(address, Channel.BTM1, data)
    _need(data, 2, 6)
    if len(data) == 2:
        return (
            ValueRequest(address, data[0])
            if data[1] == 0
            else UnknownMessage(address, MessageClass.VALUE_REQUEST, metadata, data)
        )
    return ValueWrite(address, data[0], data[2:6], data[1])


def _decode_value_reply(address: int, metadata: bool, data: bytes) -> Message:
    if metadata:
        return _decode_metadata_reply(address, Channel.BTM1, data)
    _need(data, 6)
    return ValueReply(address, data[0], data[2:6], data[1])


def _decode_schema_request(address: int, metadata: bool, data: bytes, tab: SchemaTab) -> Message:
    op = data[0] if data else None
    if op in (SchemaOp.GROUP_NAME, SchemaOp.FIELD_COUNT) and len(data) == 3:
        kind = GroupNameRequest if op == SchemaOp.GROUP_NAME else FieldCountRequest
        return kind(address, _U16.unpack_from(data, 1)[0], tab)
    if op == SchemaOp.FIELD_ID and len(data) == 4:
        return GroupFieldRequest(address, _U16.unpack_from(data, 1)[0], data[3], tab)
    raise FrameError(f"schema request {data.hex()} has an unknown layout")


def _decode_schema_reply(address: int, metadata: bool, data: bytes, tab: SchemaTab) -> Message:
    op = data[0] if data else None
    group = _U16.unpack_from(data, 1)[0] if len(data) >= 3 else 0
    if op == SchemaOp.GROUP_NAME and len(data) == 6:
        return GroupNameReply(address, group, _U16.unpack_from(data, 4)[0], tab)
    if op == SchemaOp.FIELD_COUNT and len(data) == 8:
        count = decode_float(data[4:8])
        if count is None or not 0 <= count <= 0xFFFF:
            raise FrameError(f"field count {count} is not a count")
        return FieldCountReply(address, group, round(count), tab)
    if op == SchemaOp.FIELD_ID and len(data) == 6:
        return GroupFieldReply(address, group, data[3], _U16.unpack_from(data, 4)[0], tab)
    raise FrameError(f"schema reply {data.hex()} has an unknown layout")


def _decode_btm3_request(address: int, data: bytes) -> Message:
    _need(data, 2, 6)
    field = _U16.unpack_from(data, 0)[0]
    return Btm3Request(address, field) if len(data) == 2 else Btm3Write(address, field, data[2:6])


def _decode_btm3_value(address: int, data: bytes) -> Message:
    _need(data, 6)
    return Btm3Value(address, _U16.unpack_from(data, 0)[0], data[2:6])


def _decode_no_value(address: int, metadata: bool, data: bytes) -> Message:
    _need(data, 2)
    return NoValue(address, data[0], data[1])


def _tabbed(
    tab: SchemaTab, decoder: Callable[[int, bool, bytes, SchemaTab], Message]
) -> Callable[[int, bool, bytes], Message]:
    return lambda address, metadata, data: decoder(address, metadata, data, tab)


def _history_request(address: int, metadata: bool, data: bytes) -> Message:
    if metadata:
        return _decode_btm3_request(address, data)
    return _decode_schema_request(address, metadata, data, SchemaTab.HISTORY)


def _history_reply(address: int, metadata: bool, data: bytes) -> Message:
    if metadata:
        return _decode_btm3_value(address, data)
    return _decode_schema_reply(address, metadata, data, SchemaTab.HISTORY)


_DECODERS: dict[int, Callable[[int, bool, bytes], Message]] = {
    MessageClass.ANNOUNCEMENT: _decode_announcement,
    MessageClass.HEARTBEAT: _decode_heartbeat,
    MessageClass.PROPERTY_REQUEST: _decode_property_request,
    MessageClass.PROPERTY_REPLY: _decode_property_reply,
    MessageClass.VALUE_REQUEST: _decode_value_request,
    MessageClass.VALUE_REPLY: _decode_value_reply,
    MessageClass.SCHEMA_REQUEST: _tabbed(SchemaTab.MONITORING, _decode_schema_request),
    MessageClass.SCHEMA_REPLY: _tabbed(SchemaTab.MONITORING, _decode_schema_reply),
    MessageClass.ALARM_SCHEMA_REQUEST: _tabbed(SchemaTab.ALARM, _decode_schema_request),
    MessageClass.ALARM_SCHEMA_REPLY: _tabbed(SchemaTab.ALARM, _decode_schema_reply),
    MessageClass.HISTORY_SCHEMA_REQUEST: _history_request,
    MessageClass.HISTORY_SCHEMA_REPLY: _history_reply,
    MessageClass.BTM3_METADATA_REQUEST: lambda a, m, d: _decode_metadata_request(
        a, Channel.BTM3, d, m
    ),
    MessageClass.BTM3_METADATA_REPLY: lambda a, m, d: _decode_metadata_reply(a, Channel.BTM3, d, m),
    MessageClass.NO_VALUE: _decode_no_value,
}


# Classes whose meaning on the metadata address is known; on the others the
# flag has never been seen, so such frames stay unknown.
_FLAG_AWARE = frozenset(
    {
        MessageClass.PROPERTY_REPLY,
        MessageClass.VALUE_REQUEST,
        MessageClass.VALUE_REPLY,
        MessageClass.HISTORY_SCHEMA_REQUEST,
        MessageClass.HISTORY_SCHEMA_REPLY,
        MessageClass.BTM3_METADATA_REQUEST,
        MessageClass.BTM3_METADATA_REPLY,
    }
)


def decode_frame(can_id: int, data: bytes) -> Message:
    """Decode one extended frame; raise `FrameError` if it cannot be MasterBus."""
    if len(data) > 8:
        raise FrameError(f"a CAN payload has at most 8 bytes, got {len(data)}")
    parts = decode_id(can_id)
    decoder = _DECODERS.get(parts.message_class)
    if decoder is None or (parts.metadata and parts.message_class not in _FLAG_AWARE):
        return UnknownMessage(parts.address, parts.message_class, parts.metadata, bytes(data))
    return decoder(parts.address, parts.metadata, bytes(data))
