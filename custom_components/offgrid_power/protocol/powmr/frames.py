"""Modbus RTU frame helpers: CRC-16/MODBUS and read-response parsing.

The client leaves framing to pymodbus; these helpers serve the CLI (which
accepts sniffed frames) and the simulator's fault injection.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import PowmrExceptionResponse, PowmrFrameError

_READ_HOLDING_REGISTERS = 0x03


def crc16(data: bytes) -> int:
    """CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF); sent low byte first."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def with_crc(body: bytes) -> bytes:
    """Append the CRC in wire order (little-endian)."""
    return body + crc16(body).to_bytes(2, "little")


@dataclass(frozen=True, slots=True)
class ReadResponse:
    """A parsed FC03 response: the register bytes exactly as they were on the wire."""

    unit_id: int
    payload: bytes


def parse_read_response(frame: bytes) -> ReadResponse:
    """Check CRC and length of an RTU read response; raise on anything malformed."""
    if len(frame) < 5:
        raise PowmrFrameError(f"frame too short: {len(frame)} bytes")
    body, crc = frame[:-2], int.from_bytes(frame[-2:], "little")
    if crc16(body) != crc:
        raise PowmrFrameError(f"bad CRC: got {crc:#06x}, expected {crc16(body):#06x}")
    unit_id, function = body[0], body[1]
    if function == _READ_HOLDING_REGISTERS | 0x80:
        raise PowmrExceptionResponse(_READ_HOLDING_REGISTERS, body[2])
    if function != _READ_HOLDING_REGISTERS:
        raise PowmrFrameError(f"not a read response: function {function:#04x}")
    byte_count = body[2]
    payload = body[3:]
    if byte_count != len(payload) or byte_count % 2:
        raise PowmrFrameError(f"byte count {byte_count} does not match {len(payload)} data bytes")
    return ReadResponse(unit_id, payload)


def words_from_bytes(payload: bytes) -> list[int]:
    """Big-endian 16-bit words, as Modbus puts them on the wire."""
    if len(payload) % 2:
        raise PowmrFrameError(f"odd number of register bytes: {len(payload)}")
    return [int.from_bytes(payload[i : i + 2], "big") for i in range(0, len(payload), 2)]


def bytes_from_words(words: list[int]) -> bytes:
    return b"".join(word.to_bytes(2, "big") for word in words)
