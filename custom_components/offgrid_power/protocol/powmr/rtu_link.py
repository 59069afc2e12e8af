"""What the links that frame RTU themselves share: requests out, answers collected and checked.

pymodbus frames serial and TCP links. Two links cannot use it: RTU over UDP
(the ESP32 bridge answers to a reply port, not to the sender) and ESPHome
serial proxies (serialx ports, which pymodbus cannot open).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
import asyncio
from collections.abc import Sequence

from .errors import PowmrTimeoutError
from .frames import RtuRequest, words_from_bytes


class AnswerCollector:
    """Gathers the bytes of one answer, however the transport splits them.

    Bytes that arrive after the answer is whole are noise and are dropped.
    """

    def __init__(self, request: RtuRequest) -> None:
        self.request = request
        self._received = bytearray()
        self._answer: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()

    def feed(self, data: bytes) -> None:
        if self._answer.done():
            return
        self._received.extend(data)
        length = self.request.answer_length(bytes(self._received))
        if length is not None and len(self._received) >= length:
            self._answer.set_result(bytes(self._received[:length]))

    def fail(self, error: Exception) -> None:
        if not self._answer.done():
            self._answer.set_exception(error)

    async def answer(self, seconds: float, source: str) -> bytes:
        """The checked answer's register bytes (empty for a write), within `seconds`."""
        try:
            async with asyncio.timeout(seconds):
                frame = await self._answer
        except TimeoutError as err:
            raise PowmrTimeoutError(f"no answer from {source} in {seconds} s") from err
        return self.request.parse_answer(frame)


class RtuLink(ABC):
    """A `ModbusLink` whose subclasses only move one request and its answer."""

    @abstractmethod
    async def _exchange(self, request: RtuRequest) -> bytes:
        """Send `request`; return the register bytes of its checked answer."""

    async def read_holding_registers(self, unit_id: int, address: int, count: int) -> list[int]:
        return words_from_bytes(
            await self._exchange(RtuRequest.read_holding(unit_id, address, count))
        )

    async def write_register(self, unit_id: int, address: int, value: int) -> None:
        await self._exchange(RtuRequest.write_single(unit_id, address, value))

    async def write_registers(self, unit_id: int, address: int, values: Sequence[int]) -> None:
        await self._exchange(RtuRequest.write_multiple(unit_id, address, values))
