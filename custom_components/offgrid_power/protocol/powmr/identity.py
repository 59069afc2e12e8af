"""The SMG-II serial number: 12 registers of ASCII at 186-197.

Source: the vendor's "Modbus_RTU RS232 communication protocol" PDF (Nov 2021
v1.0, in syssi/esphome-smg-ii ``docs/``), reference §3: "186-197 Serial number,
ASCII (12 regs), read as one block" (a read may not start or end inside it).
Two characters per register, high byte first; unused characters are NUL or
spaces. It never changes, so it is read once, not every poll.
"""

from __future__ import annotations

from collections.abc import Sequence

SERIAL_NUMBER_START = 186
SERIAL_NUMBER_WORDS = 12


def decode_serial_number(words: Sequence[int]) -> str | None:
    """The serial number the words spell; None when they are not printable ASCII or empty."""
    if len(words) != SERIAL_NUMBER_WORDS or any(not 0 <= word <= 0xFFFF for word in words):
        return None
    text = b"".join(word.to_bytes(2, "big") for word in words).rstrip(b"\0 ").lstrip(b" ")
    if not text or any(not 0x20 <= byte < 0x7F for byte in text):
        return None
    return text.decode("ascii")
