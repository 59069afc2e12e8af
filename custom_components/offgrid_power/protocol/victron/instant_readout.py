"""Victron "Instant Readout": header, AES-128-CTR decryption and record decoding.

Input is Home Assistant's ``manufacturer_data[0x02E1]``, the company id
already stripped::

    [0] 0x10  [1] ignored  [2:4] product id LE  [4] record type
    [5:7] nonce LE  [7] key[0] check byte  [8:] encrypted payload

Record type 0xFF marks an unencrypted extended record whose type is
``0xFF00 | data[7]``; byte 7 is then part of the type, not a key byte.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from cryptography.hazmat.primitives.ciphers import Cipher, CipherContext, algorithms, modes

from .errors import (
    ImplausibleRecordError,
    KeyRequiredError,
    TruncatedError,
    UnsupportedRecordError,
    WrongKeyError,
)
from .fields import FieldValue, RecordLayout
from .keys import check_key
from .products import SMART_BATTERY_SENSE_IDS, product_name
from .records import LAYOUTS, RECORD_NAMES

PRODUCT_ADVERTISEMENT = 0x10
VICTRON_COMPANY_ID = 0x02E1
_EXTENDED_RECORD = 0xFF
_HEADER_LENGTH = 8
_DISCOVERY_LENGTH = 5  # enough for product id and record type


@dataclass(frozen=True, slots=True)
class AdvertisementHeader:
    """What an advertisement tells without a key."""

    product_id: int
    record_type: int
    nonce: int | None
    key_check: int | None
    """The advertising device's key[0]; None for unencrypted or too-short data."""

    @property
    def product_name(self) -> str:
        return product_name(self.product_id)

    @property
    def record_name(self) -> str:
        return RECORD_NAMES.get(self.record_type, f"unknown_0x{self.record_type:02x}")

    @property
    def device_kind(self) -> str:
        """The record name, except Smart Battery Sense, which borrows the battery-monitor record."""
        if self.product_id in SMART_BATTERY_SENSE_IDS:
            return "smart_battery_sense"
        return self.record_name

    @property
    def supported(self) -> bool:
        return self.record_type in LAYOUTS

    @property
    def encrypted(self) -> bool:
        return self.record_type <= _EXTENDED_RECORD


@dataclass(frozen=True, slots=True)
class VictronRecord:
    """A decoded advertisement.

    ``values`` holds every field of the layout that exists in this record
    (aux-dependent fields only for the selected aux mode); None means the
    device reported "not available". ``raw`` holds the same fields' raw bits,
    for diagnostics. ``implausible`` names the fields no working device would
    send (see ``implausible_fields``).
    """

    header: AdvertisementHeader
    layout: RecordLayout
    values: Mapping[str, FieldValue]
    raw: Mapping[str, int]
    implausible: tuple[str, ...] = ()

    @property
    def record_type(self) -> int:
        return self.header.record_type

    @property
    def product_id(self) -> int:
        return self.header.product_id

    @property
    def product_name(self) -> str:
        return self.header.product_name


def reading_nonce(data: bytes) -> bytes:
    """The nonce bytes of an advertisement: a device counts its readings with them,
    so the same nonce twice is the same reading again (e.g. through another proxy)."""
    return data[5:7]


def peek_header(data: bytes) -> AdvertisementHeader:
    """Identify device and record type without a key, e.g. for discovery.

    Accepts as few as five bytes; nonce and key check are None until byte 7.
    """
    if len(data) < _DISCOVERY_LENGTH:
        raise TruncatedError(f"advertisement has {len(data)} bytes, too short for a header")
    if data[0] != PRODUCT_ADVERTISEMENT:
        raise UnsupportedRecordError(
            f"not an Instant Readout advertisement (first byte 0x{data[0]:02x}, expected 0x10)"
        )
    complete = len(data) >= _HEADER_LENGTH
    record_type = data[4]
    if record_type == _EXTENDED_RECORD:
        if not complete:
            raise TruncatedError("extended record type needs byte 7")
        record_type = _EXTENDED_RECORD << 8 | data[7]
    encrypted = record_type <= _EXTENDED_RECORD
    return AdvertisementHeader(
        product_id=int.from_bytes(data[2:4], "little"),
        record_type=record_type,
        nonce=int.from_bytes(data[5:7], "little") if complete else None,
        key_check=data[7] if complete and encrypted else None,
    )


def parse(
    data: bytes, key: bytes | None, *, previous: VictronRecord | None = None
) -> VictronRecord:
    """Decode one advertisement with the device's 16-byte key.

    Raises a ``VictronParseError`` subclass: ``TruncatedError``,
    ``UnsupportedRecordError``, ``WrongKeyError`` (``KeyRequiredError`` when
    an encrypted record comes without key) or ``InvalidKeyError``. Fields
    with odd values still decode; see ``implausible_fields``.

    ``previous``, the same device's last record, makes a stream cheaper to
    decode: a field whose raw bits did not change keeps its value from there
    (a reading usually changes only a few fields).
    """
    header = peek_header(data)
    if len(data) < _HEADER_LENGTH:
        raise TruncatedError(f"advertisement has {len(data)} bytes, header needs 8")
    layout = LAYOUTS.get(header.record_type)
    if layout is None:
        raise UnsupportedRecordError(f"record type {header.record_name} is not supported")
    payload = _decrypt(data, key, layout.name) if layout.encrypted else data[_HEADER_LENGTH:]
    raw = layout.extract(payload)
    if previous is not None and previous.layout is layout:
        values, odd = layout.decode_since(raw, previous.raw, previous.values, previous.implausible)
    else:
        values, odd = layout.decode(raw), layout.implausible(raw)
    return VictronRecord(header, layout, MappingProxyType(values), MappingProxyType(raw), odd)


def implausible_fields(record: VictronRecord) -> tuple[str, ...]:
    """Keys of fields no working device would send: enum codes and flags we
    do not know, numbers outside physical ranges."""
    return record.implausible


def verify_key(data: bytes, key: bytes) -> VictronRecord:
    """Parse for a config flow: a key-byte match alone is not enough.

    Raises ``ImplausibleRecordError`` (a ``WrongKeyError``) when the key
    byte matches but the decrypted payload does not decode plausibly.
    """
    record = parse(data, key)
    if record.layout.encrypted and (odd := implausible_fields(record)):
        raise ImplausibleRecordError(
            f"the key decrypts {record.layout.name} data to implausible values ({', '.join(odd)})"
        )
    return record


def _decrypt(data: bytes, key: bytes | None, record_name: str) -> bytes:
    if key is None:
        raise KeyRequiredError(f"{record_name} records are encrypted; a key is needed")
    check_key(key)
    if data[7] != key[0]:
        raise WrongKeyError(
            "the key does not match this device; its key starts with "
            f"'{data[7]:02x}' (it may have changed with the Bluetooth PIN)"
        )
    return _apply_keystream(key, data[5:7], data[_HEADER_LENGTH:])


def build_advertisement(
    record_type: int, payload: bytes, key: bytes | None, *, product_id: int, nonce: int
) -> bytes:
    """The advertisement a device would send, for simulators and tests.

    Extended (> 0xFF) record types are sent in clear and need no key.
    """
    nonce_bytes = nonce.to_bytes(2, "little")
    prefix = bytes([PRODUCT_ADVERTISEMENT, 0]) + product_id.to_bytes(2, "little")
    if record_type > _EXTENDED_RECORD:
        return prefix + bytes([_EXTENDED_RECORD, *nonce_bytes, record_type & 0xFF]) + payload
    if key is None:
        raise KeyRequiredError(f"record type 0x{record_type:02x} is encrypted; a key is needed")
    check_key(key)
    header = prefix + bytes([record_type, *nonce_bytes, key[0]])
    return header + _apply_keystream(key, nonce_bytes, payload)


_BLOCK = 16


def _apply_keystream(key: bytes, nonce: bytes, data: bytes) -> bytes:
    """AES-128-CTR both ways, counter block ``nonce | 14 zero bytes``.

    CTR's keystream is the block cipher applied to successive counter blocks.
    Building it from a block encryptor kept per key, rather than a new CTR
    context per advertisement, is what makes decoding cheap: every
    advertisement has a fresh nonce, but a device keeps its key. Records fit
    one block; a longer one would count up in the last bytes, as standard CTR
    (and Victron's "MSB counter starting at 0") does.
    """
    if len(data) <= _BLOCK:
        blocks = nonce.ljust(_BLOCK, b"\0")
    else:
        blocks = b"".join(
            nonce + index.to_bytes(_BLOCK - len(nonce), "big")
            for index in range((len(data) + _BLOCK - 1) // _BLOCK)
        )
    keystream = _block_encryptor(key).update(blocks)
    size = len(data)
    mixed = int.from_bytes(data, "little") ^ int.from_bytes(keystream[:size], "little")
    return mixed.to_bytes(size, "little")


@lru_cache(maxsize=64)
def _block_encryptor(key: bytes) -> CipherContext:
    """AES-128 on single blocks (ECB used only as the primitive under CTR, never on data).

    Fed whole blocks only and never finalized, the context keeps no state
    between calls.
    """
    return Cipher(algorithms.AES(key), modes.ECB()).encryptor()
