"""The datastore behind the pymodbus servers: answers like a PowMr unit would.

pymodbus calls `async_getValues`/`async_setValues` for every request. This
class refuses reads the model profile refuses, hands the rest to the model
(which lays out and validates the family's registers), and applies wire
time, turnaround and injected faults. A silent
refusal raises `NoSuchIdException`, which the server (started with
`ignore_missing_devices=True`) turns into no answer at all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from contextlib import suppress

from pymodbus.constants import ExcCodes
from pymodbus.datastore import ModbusServerContext
from pymodbus.exceptions import NoSuchIdException

from custom_components.offgrid_power.protocol.powmr.read_plan import read_wire_seconds

from .faults import Fault, FaultInjector
from .model import InverterModel, ModbusRefusal
from .profiles import ModelProfile, Refusal

_READ_HOLDING = 3
_STALL_POLL_S = 0.01


class SimulatedUnit(ModbusServerContext):
    """A server context for one unit id, backed by `InverterModel`."""

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
        # No super().__init__(): it would build pymodbus' own (deprecated) register store.
        # `old_simulator = True` makes the server use this object as it is.
        self.old_simulator = True
        self.simdevices = []
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

    def device_ids(self) -> list[int]:
        return [self.unit_id]

    async def async_getValues(
        self, device_id: int, func_code: int, address: int, count: int = 1
    ) -> list[int] | ExcCodes:
        if func_code == _READ_HOLDING:
            # Write requests call this only to echo the value they just set.
            await self._before_answer(device_id, count)
            if not self.profile.accepts(address, count):
                return self._refuse()
        try:
            return self.model.read(address, count)
        except ModbusRefusal as refusal:
            return ExcCodes(refusal.code)

    async def async_setValues(
        self, device_id: int, func_code: int, address: int, values: Sequence[int] | Sequence[bool]
    ) -> ExcCodes | None:
        await self._before_answer(device_id, len(values))
        try:
            self.model.write(func_code, address, [int(value) for value in values])
        except ModbusRefusal as refusal:
            return ExcCodes(refusal.code)
        return None

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

    def _refuse(self) -> ExcCodes:
        if self.refusal is Refusal.SILENT:
            raise NoSuchIdException("refused read")
        return ExcCodes.ILLEGAL_ADDRESS

    async def _before_answer(self, device_id: int, count: int) -> None:
        if device_id != self.unit_id:
            raise NoSuchIdException(f"unit {device_id} is not here")
        self.requests += 1
        task = asyncio.current_task()
        if task is not None:
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)
        delay = self.faults.delay  # taking the last counted fault clears it
        fault = self.faults.take(Fault.DROP, Fault.DELAY, Fault.STALL)
        if fault is Fault.DROP:
            raise NoSuchIdException("dropped by fault injection")
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
