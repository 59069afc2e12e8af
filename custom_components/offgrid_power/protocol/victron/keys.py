"""Turning what a user pastes into a 16-byte AES key."""

from __future__ import annotations

import string

from .errors import IncompleteKeyError, InvalidKeyError

KEY_LENGTH = 16
_HEX_DIGITS = frozenset(string.hexdigits)
# Separators people paste from the app, notes or other tools.
_SEPARATORS = str.maketrans("", "", " \t\r\n-:_")


def normalize_key(text: str) -> bytes:
    """Return the 16 key bytes written in ``text``.

    Spaces, dashes, colons, underscores, letter case and a ``0x`` prefix are
    forgiven. Raises ``IncompleteKeyError`` for 31 digits and
    ``InvalidKeyError`` for anything else that is not 32 hex digits.
    """
    digits = compact_hex(text).lower().removeprefix("0x")
    if not _HEX_DIGITS.issuperset(digits):
        raise InvalidKeyError("the key may only contain hex digits (0-9, a-f)")
    if len(digits) == 2 * KEY_LENGTH - 1:
        raise IncompleteKeyError(
            "the key has 31 hex digits instead of 32; VictronConnect hid one: "
            "use the app's copy button or reset the Bluetooth PIN"
        )
    if len(digits) != 2 * KEY_LENGTH:
        raise InvalidKeyError(f"the key must have 32 hex digits, not {len(digits)}")
    return bytes.fromhex(digits)


NETWORK_ID_LENGTH = 2


def normalize_network_id(text: str) -> bytes:
    """Return the 2 bytes of a VE.Smart network id written as 4 hex digits.

    Formatting is forgiven as for keys. Raises ``InvalidKeyError`` otherwise.
    """
    digits = compact_hex(text).lower().removeprefix("0x")
    if len(digits) != 2 * NETWORK_ID_LENGTH or not _HEX_DIGITS.issuperset(digits):
        raise InvalidKeyError("the network id must be 4 hex digits")
    return bytes.fromhex(digits)


def compact_hex(text: str) -> str:
    """``text`` without the separators people put between hex digits."""
    return text.translate(_SEPARATORS)


def check_key(key: bytes) -> bytes:
    """Return ``key`` if it has the AES-128 length, else raise ``InvalidKeyError``."""
    if len(key) != KEY_LENGTH:
        raise InvalidKeyError(f"the key must be {KEY_LENGTH} bytes, not {len(key)}")
    return key
