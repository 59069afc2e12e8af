"""VE.Smart Networking advertisements: AES-128-CCM with the network key.

Same company id as Instant Readout, told apart by the first byte (company id
stripped, as Home Assistant delivers it)::

    0x01 overflow counter:  [1] group  [2:6] serial LE  [6:10] sequence  [10:12] counter  [-4:] tag
    0x02 network data:      [1] group  [2:6] serial LE  [6:10] sequence  [10:-4] ciphertext  [-4:] tag

The 13-byte CCM nonce is ``kind | sequence | counter | serial | network id``
in packet byte order. A data packet uses the counter last announced by its
sender, so a receiver must see that sender's 0x01 packet first. The
cleartext is a message class byte and then ``register u16 LE | length u8 |
value LE`` entries, registers being VE.Direct register ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import string

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESCCM

from .enums import DEVICE_STATE
from .errors import (
    CounterUnknownError,
    InvalidKeyError,
    TruncatedError,
    UnsupportedRecordError,
    WrongKeyError,
)
from .fields import FieldSpec, FieldValue, enum, numeric
from .keys import check_key

OVERFLOW_COUNTER = 0x01
NETWORK_DATA = 0x02
_TAG_LENGTH = 4
_OVERFLOW_PACKET_LENGTH = 16
_DATA_HEADER_LENGTH = 10
_DECODED_CLASSES = frozenset({0x08, 0x0F})
_SERIAL_DIGITS = string.digits + string.ascii_uppercase


REGISTERS: Mapping[int, FieldSpec] = {
    0x0100: numeric("product_id", 0, 32, na=None),
    0x0102: numeric("firmware_version", 0, 32, na=None),
    0x2000: numeric("charge_algorithm_version", 0, 8, na=None),
    0x2001: numeric("charge_voltage_setpoint", 0, 16, 0.01, "V"),
    0x2007: numeric("charge_state_elapsed", 0, 32, 1, "ms"),
    0x2008: numeric("absorption_time", 0, 16, 0.01, "h"),
    0x200B: numeric("battery_idle_voltage", 0, 16, 0.01, "V"),
    0x200C: enum("device_state", 0, 8, DEVICE_STATE),
    0x2027: numeric("network_total_pv_power", 0, 32, 0.01, "W"),
    0xED8C: numeric("battery_current", 0, 32, 0.001, "A", signed=True),
    0xEDBC: numeric("panel_power", 0, 32, 0.01, "W"),
    0xEDEF: numeric("battery_voltage_setting", 0, 8, 1, "V"),
}
"""Known registers; the field width is the value size the register is defined with."""


@dataclass(frozen=True, slots=True)
class RegisterValue:
    register: int
    key: str
    raw: int
    value: FieldValue
    unit: str | None


@dataclass(frozen=True, slots=True)
class OverflowCounter:
    """An authenticated 0x01 packet: the counter the sender's data packets use."""

    serial: int
    sequence: int
    counter: int


@dataclass(frozen=True, slots=True)
class NetworkMessage:
    """A decrypted 0x02 packet. Registers are empty for message classes we do not decode."""

    serial: int
    sequence: int
    message_class: int | None
    registers: tuple[RegisterValue, ...]
    cleartext: bytes

    @property
    def values(self) -> dict[str, FieldValue]:
        return {entry.key: entry.value for entry in self.registers}


def is_network_packet(data: bytes) -> bool:
    """Whether manufacturer data is a VE.Smart Networking packet (Instant Readout starts with 0x10)."""
    return bool(data) and data[0] in (OVERFLOW_COUNTER, NETWORK_DATA)


def human_serial(serial: int) -> str:
    """The "HQyywwXXXXX" serial VictronConnect shows; year and week are not on air."""
    digits = ""
    for _ in range(5):
        serial, digit = divmod(serial, 36)
        digits = _SERIAL_DIGITS[digit] + digits
    return f"HQyyww{digits}"


@dataclass(slots=True)
class VeSmartNetwork:
    """Receives one VE.Smart network's packets; remembers each sender's counter."""

    # Kept out of repr: a network object in a log or traceback must not show them.
    key: bytes = field(repr=False)
    network_id: bytes = field(repr=False)
    _counters: dict[int, bytes] = field(default_factory=dict, repr=False)
    _cipher: AESCCM = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._cipher = AESCCM(check_key(self.key), tag_length=_TAG_LENGTH)
        if len(self.network_id) != 2:
            raise InvalidKeyError("the network id must be 2 bytes")

    def feed(self, data: bytes) -> OverflowCounter | NetworkMessage:
        """Authenticate and decode one packet.

        Raises ``TruncatedError``, ``UnsupportedRecordError`` (other packet
        kinds or networks), ``WrongKeyError`` (tag mismatch: wrong key or
        network id, or corrupted data) or ``CounterUnknownError``.
        """
        if not is_network_packet(data):
            raise UnsupportedRecordError("not a VE.Smart Networking packet")
        if len(data) < _DATA_HEADER_LENGTH + _TAG_LENGTH:
            raise TruncatedError(f"VE.Smart packet has {len(data)} bytes, too short")
        if data[1] != self.network_id[0]:
            raise UnsupportedRecordError("VE.Smart packet from another network group")
        serial = int.from_bytes(data[2:6], "little")
        sequence = int.from_bytes(data[6:10], "little")
        if data[0] == OVERFLOW_COUNTER:
            if len(data) < _OVERFLOW_PACKET_LENGTH:
                raise TruncatedError("VE.Smart overflow-counter packet is too short")
            counter = data[10:12]
            self._open(data, counter, data[-_TAG_LENGTH:])
            self._counters[serial] = counter
            return OverflowCounter(serial, sequence, int.from_bytes(counter, "little"))
        stored = self._counters.get(serial)
        if stored is None:
            raise CounterUnknownError(f"no overflow counter yet from {human_serial(serial)}")
        cleartext = self._open(data, stored, data[_DATA_HEADER_LENGTH:])
        return _message(serial, sequence, cleartext)

    def _open(self, data: bytes, counter: bytes, sealed: bytes) -> bytes:
        """Verify the tag at the end of ``sealed`` and decrypt what precedes it."""
        nonce = data[0:1] + data[6:10] + counter + data[2:6] + self.network_id
        try:
            return self._cipher.decrypt(nonce, sealed, None)
        except InvalidTag:
            raise WrongKeyError(
                "VE.Smart packet failed authentication: wrong network key or id"
            ) from None


def _message(serial: int, sequence: int, cleartext: bytes) -> NetworkMessage:
    message_class = cleartext[0] if cleartext else None
    registers = _registers(cleartext[1:]) if message_class in _DECODED_CLASSES else ()
    return NetworkMessage(serial, sequence, message_class, registers, cleartext)


def _registers(entries: bytes) -> tuple[RegisterValue, ...]:
    """Decode ``register | length | value`` entries; a cut-off entry ends the list."""
    decoded = []
    position = 0
    while position + 3 <= len(entries):
        register = int.from_bytes(entries[position : position + 2], "little")
        length = entries[position + 2]
        value = entries[position + 3 : position + 3 + length]
        position += 3 + length
        if len(value) < length:
            break
        if length in (1, 2, 4):
            decoded.append(_register_value(register, int.from_bytes(value, "little"), length))
    return tuple(decoded)


def _register_value(register: int, raw: int, length: int) -> RegisterValue:
    spec = REGISTERS.get(register)
    if spec is None or spec.width != 8 * length:
        # Unknown register, or sent with an unexpected size: keep the plain number.
        return RegisterValue(register, f"register_0x{register:04x}", raw, raw, None)
    return RegisterValue(register, spec.key, raw, spec.value(raw), spec.unit)
