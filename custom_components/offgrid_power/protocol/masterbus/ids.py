"""The 29-bit MasterBus CAN identifier.

Layout (most significant first)::

    bits 28..24  class       5 bits, the role of the message (`MessageClass`)
    bit  23      metadata    the "shadow" flag: metadata, NAKs and Btm3 values
    bits 22..18  IDAL        5 bits, correlates with the device family
    bits 17..0   IDB         18 bits, unique per unit

A device *address* here is the 23-bit value ``IDAL << 18 | IDB``, written as six
hex digits (``0x6F1297``) like the other public tools do.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from .errors import FrameError

MAX_CAN_ID = 0x1FFFFFFF
MAX_ADDRESS = 0x7FFFFF
METADATA_FLAG = 1 << 23


class MessageClass(IntEnum):
    """Known message classes; a reply class is its request class minus 0x10."""

    ANNOUNCEMENT = 0x04
    HEARTBEAT = 0x05
    PROPERTY_REPLY = 0x06
    PROPERTY_REQUEST = 0x07
    VALUE_REPLY = 0x08
    SCHEMA_REPLY = 0x09
    ALARM_SCHEMA_REPLY = 0x0A
    HISTORY_SCHEMA_REPLY = 0x0B  # on the metadata address: a Btm3 value
    BTM3_METADATA_REPLY = 0x0C
    NO_VALUE = 0x10
    SCHEMA_NOT_AVAILABLE = 0x11
    VALUE_REQUEST = 0x18
    SCHEMA_REQUEST = 0x19
    ALARM_SCHEMA_REQUEST = 0x1A
    HISTORY_SCHEMA_REQUEST = 0x1B  # on the metadata address: a Btm3 read/write
    BTM3_METADATA_REQUEST = 0x1C


@dataclass(frozen=True, slots=True)
class CanId:
    """A decoded 29-bit identifier; `message_class` may be an unknown class."""

    message_class: int
    metadata: bool
    idal: int
    idb: int

    @property
    def address(self) -> int:
        """The 23-bit device address without the metadata flag."""
        return self.idal << 18 | self.idb

    def encode(self) -> int:
        """The 29-bit integer for this identifier."""
        return encode_id(self.message_class, self.address, metadata=self.metadata)


def decode_id(can_id: int) -> CanId:
    """Split a 29-bit identifier; raise `FrameError` if it does not fit in 29 bits."""
    if not 0 <= can_id <= MAX_CAN_ID:
        raise FrameError(f"CAN id {can_id:#x} is not a 29-bit identifier")
    return CanId(
        message_class=can_id >> 24,
        metadata=bool(can_id & METADATA_FLAG),
        idal=(can_id >> 18) & 0x1F,
        idb=can_id & 0x3FFFF,
    )


def encode_id(message_class: int, address: int, *, metadata: bool = False) -> int:
    """Build a 29-bit identifier from a class and a 23-bit device address."""
    if not 0 <= message_class <= 0x1F:
        raise FrameError(f"message class {message_class:#x} does not fit in 5 bits")
    if not 0 <= address <= MAX_ADDRESS:
        raise FrameError(f"device address {address:#x} does not fit in 23 bits")
    return message_class << 24 | (METADATA_FLAG if metadata else 0) | address


def split_address(address: int) -> tuple[int, int]:
    """The (IDAL, IDB) parts of a 23-bit device address."""
    return address >> 18, address & 0x3FFFF


def format_address(address: int) -> str:
    """The conventional text form, e.g. ``0x6F1297``."""
    return f"0x{address:06X}"
