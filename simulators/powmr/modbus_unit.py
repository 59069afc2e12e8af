"""A PowMr unit as the Modbus server sees it: answers like a PowMr unit would.

The server (`pymodbus_server.py`) asks `read`/`write` for every request. This
class refuses reads the model profile refuses, hands the rest to the model
(which lays out and validates the family's registers), and applies wire
time, turnaround and injected faults. A refusal raises `ModbusRefusal` (an
exception answer); a silent one raises `NoAnswer`, which the server turns into
no answer at all. Nothing here depends on the pymodbus release.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from contextlib import suppress

from custom_components.offgrid_power.protocol.powmr.read_plan import read_wire_seconds

from .faults import Fault, FaultInjector
from .model import ILLEGAL_ADDRESS, InverterModel, ModbusRefusal
from .profiles import ModelProfile, Refusal

_READ_HOLDING = 3
_STALL_POLL_S = 0.01


class NoAnswer(Exception):
    """The unit stays silent: another unit id, a dropped request or a silent refusal."""


class SimulatedUnit:
    """One unit id on the bus, backed by `InverterModel`."""

    def __init__(
        self,
        model: InverterModel,
        profile: ModelProfile,
        *,
        refusal: Refusal = Refusal.SILENT,
        unit_id: int = 5,
        wire_baudrate: int | None = None,
        turnaround: float = 0.0,
    ) -> None:
        self.model = model
        self.profile = profile
        self.refusal = refusal
        self.unit_id = unit_id
        self.wire_baudrate = wire_baudrate
        self.turnaround = turnaround
        self.faults = FaultInjector()
        self.requests = 0
        self._closing = asyncio.Event()
        self._pending: set[asyncio.Task[object]] = set()

    async def read(self, device_id: int, func_code: int, address: int, count: int) -> list[int]:
        """The registers a request asks for; raises `ModbusRefusal` or `NoAnswer`."""
        if func_code == _READ_HOLDING:
            # Write requests read only to echo the value they just set.
            await self._before_answer(device_id, count)
            if not self.profile.accepts(address, count):
                self._refuse()
        return self.model.read(address, count)

    async def write(
        self, device_id: int, func_code: int, address: int, values: Sequence[int] | Sequence[bool]
    ) -> None:
        """Apply a write request; raises `ModbusRefusal` or `NoAnswer`."""
        await self._before_answer(device_id, len(values))
        self.model.write(func_code, address, [int(value) for value in values])

    def packet_hook(self, *, has_crc: bool) -> Callable[[bool, bytes], bytes]:
        """pymodbus `trace_packet` hook that corrupts outgoing answers when a fault says so.

        Modbus TCP frames carry no CRC; a TCP-to-RTU gateway that sees a CRC error
        on its serial side answers nothing, so that is what a CRC fault does there.
        """

        def hook(sending: bool, data: bytes) -> bytes:
            if not sending:
                return data
            fault = self.faults.take(Fault.CRC, Fault.GARBAGE)
            if fault is Fault.CRC and not has_crc:
                return b""
            return self.faults.corrupt(data, fault)

        return hook

    async def close(self) -> None:
        """Wake every request that is waiting (delay, stall, wire time) and let it finish."""
        self._closing.set()
        if self._pending:
            await asyncio.wait(self._pending, timeout=1.0)

    def _refuse(self) -> None:
        if self.refusal is Refusal.SILENT:
            raise NoAnswer("refused read")
        raise ModbusRefusal(ILLEGAL_ADDRESS)

    async def _before_answer(self, device_id: int, count: int) -> None:
        if device_id != self.unit_id:
            raise NoAnswer(f"unit {device_id} is not here")
        self.requests += 1
        task = asyncio.current_task()
        if task is not None:
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)
        delay = self.faults.delay  # taking the last counted fault clears it
        fault = self.faults.take(Fault.DROP, Fault.DELAY, Fault.STALL)
        if fault is Fault.DROP:
            raise NoAnswer("dropped by fault injection")
        if fault is Fault.DELAY:
            await self._sleep(delay)
        if fault is Fault.STALL:
            while self.faults.fault is Fault.STALL and not self._closing.is_set():
                await self._sleep(_STALL_POLL_S)
        # Writes are timed like a read of as many registers: close enough for a simulator.
        wire = read_wire_seconds(count, self.wire_baudrate) if self.wire_baudrate else 0.0
        if wire or self.turnaround:
            await self._sleep(self.turnaround + wire)

    async def _sleep(self, seconds: float) -> None:
        with suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)
