"""Modbus RTU frames: CRC-16/MODBUS, requests, and checking answers against them.

pymodbus frames the serial and TCP links. These helpers serve the RTU-over-UDP
link (which pymodbus cannot do with the ESP32 bridge), the CLI (which accepts
sniffed frames) and the simulator's fault injection.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .errors import PowmrExceptionResponse, PowmrFrameError

READ_HOLDING_REGISTERS = 0x03
WRITE_SINGLE_REGISTER = 0x06
WRITE_MULTIPLE_REGISTERS = 0x10
_EXCEPTION_FLAG = 0x80
_EXCEPTION_ANSWER_LENGTH = 5
_WRITE_ANSWER_LENGTH = 8


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


def _checked_body(frame: bytes) -> bytes:
    """The frame without its CRC; raise when the CRC does not match."""
    body, crc = frame[:-2], int.from_bytes(frame[-2:], "little")
    if crc16(body) != crc:
        raise PowmrFrameError(f"bad CRC: got {crc:#06x}, expected {crc16(body):#06x}")
    return body


@dataclass(frozen=True, slots=True)
class ReadResponse:
    """A parsed FC03 response: the register bytes exactly as they were on the wire."""

    unit_id: int
    payload: bytes


def parse_read_response(frame: bytes) -> ReadResponse:
    """Check CRC and length of an RTU read response; raise on anything malformed."""
    if len(frame) < 5:
        raise PowmrFrameError(f"frame too short: {len(frame)} bytes")
    body = _checked_body(frame)
    unit_id, function = body[0], body[1]
    if function == READ_HOLDING_REGISTERS | _EXCEPTION_FLAG:
        raise PowmrExceptionResponse(READ_HOLDING_REGISTERS, body[2])
    if function != READ_HOLDING_REGISTERS:
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


def bytes_from_words(words: Sequence[int]) -> bytes:
    return b"".join(word.to_bytes(2, "big") for word in words)


@dataclass(frozen=True, slots=True)
class RtuRequest:
    """One request, and what an answer to it must look like.

    `data` is everything between the function code and the CRC; `count` is
    the number of registers a read asks for.
    """

    unit_id: int
    function: int
    data: bytes
    count: int = 0

    @classmethod
    def read_holding(cls, unit_id: int, address: int, count: int) -> RtuRequest:
        return cls(unit_id, READ_HOLDING_REGISTERS, bytes_from_words((address, count)), count)

    @classmethod
    def write_single(cls, unit_id: int, address: int, value: int) -> RtuRequest:
        return cls(unit_id, WRITE_SINGLE_REGISTER, bytes_from_words((address, value)))

    @classmethod
    def write_multiple(cls, unit_id: int, address: int, values: Sequence[int]) -> RtuRequest:
        header = bytes_from_words((address, len(values))) + bytes([2 * len(values)])
        return cls(unit_id, WRITE_MULTIPLE_REGISTERS, header + bytes_from_words(values))

    @property
    def frame(self) -> bytes:
        return with_crc(bytes([self.unit_id, self.function]) + self.data)

    def answer_length(self, head: bytes) -> int | None:
        """The length of the answer that starts with `head`; None until that can be told.

        Bytes that cannot start an answer to this request count as a complete
        (bad) frame at once, so the caller need not wait for the time-out.
        """
        if not head:
            return None
        if head[0] != self.unit_id:
            return len(head)
        if len(head) < 2:
            return None
        if head[1] == self.function | _EXCEPTION_FLAG:
            return _EXCEPTION_ANSWER_LENGTH
        if head[1] != self.function:
            return len(head)
        if self.function == READ_HOLDING_REGISTERS:
            return 5 + 2 * self.count
        return _WRITE_ANSWER_LENGTH

    def parse_answer(self, frame: bytes) -> bytes:
        """Check an answer against this request; return the register bytes of a read.

        Raises `PowmrExceptionResponse` for an exception answer and
        `PowmrFrameError` for anything that is not a valid answer to this request.
        """
        if len(frame) < _EXCEPTION_ANSWER_LENGTH:
            raise PowmrFrameError(f"answer too short: {len(frame)} bytes")
        body = _checked_body(frame)
        if body[0] != self.unit_id:
            raise PowmrFrameError(f"answer from unit {body[0]}, asked unit {self.unit_id}")
        if body[1] == self.function | _EXCEPTION_FLAG:
            raise PowmrExceptionResponse(self.function, body[2])
        if body[1] != self.function:
            raise PowmrFrameError(f"answer to function {body[1]:#04x}, asked {self.function:#04x}")
        if self.function == READ_HOLDING_REGISTERS:
            if body[2] != 2 * self.count or len(body) != 3 + 2 * self.count:
                raise PowmrFrameError(f"{body[2]} register bytes, asked {2 * self.count}")
            return body[3:]
        # A write answer echoes the address and the value (FC06) or register count (FC16).
        if body[2:6] != self.data[:4]:
            raise PowmrFrameError("write answer does not echo the request")
        return b""
