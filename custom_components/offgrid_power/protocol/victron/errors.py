"""The single error family raised by the Victron decoders.

Callers catch ``VictronParseError`` and branch on the subclass when they need
to tell the user why. No message ever contains key material: keys are secrets
and messages end up in logs and config-flow errors.
"""

from __future__ import annotations


class VictronParseError(ValueError):
    """An advertisement or a key could not be turned into a record."""


class TruncatedError(VictronParseError):
    """The bytes end before the header or the record's fields do."""


class UnsupportedRecordError(VictronParseError):
    """Not an advertisement this library decodes (other kind, unknown record type)."""


class WrongKeyError(VictronParseError):
    """The key does not belong to the advertising device."""


class KeyRequiredError(WrongKeyError):
    """The record is encrypted and no key was given."""


class ImplausibleRecordError(WrongKeyError):
    """The key-check byte matched but the decrypted fields make no sense.

    The check byte is only one byte of the key, so one wrong key in 256 passes
    it; the garbage it decrypts is what gives such a key away.
    """


class InvalidKeyError(VictronParseError):
    """The key text or bytes are not a 128-bit key."""


class IncompleteKeyError(InvalidKeyError):
    """31 hex digits: VictronConnect sometimes hides the first character.

    Copying with the app's copy button, or resetting the Bluetooth PIN to get a
    fresh key, fixes it; padding does not.
    """


class CounterUnknownError(VictronParseError):
    """A VE.Smart network message arrived before its sender's overflow counter."""
