"""pymodbus servers that answer as a `SimulatedUnit`, on every pymodbus release HA ships.

Home Assistant 2025.4 pins pymodbus 3.8.3, 2026.x 3.13 and later, and the server
side changed in between (3.10 renamed slaves to devices throughout):

- >= 3.10 asks one server context `async_getValues(device_id, func_code, address,
  count)` and `async_setValues(...)`, answers an `ExcCodes` it gets back as an
  exception, and stays silent on `NoSuchIdException` with `ignore_missing_devices`.
- 3.8 looks a context up per device id (`context[device_id]`) and its request
  classes build the answer from `async_getValues(func_code, address, count)`, so
  no exception but ILLEGAL_ADDRESS can come from a datastore; it stays silent on
  `NoSuchSlaveException` with `ignore_missing_slaves`, and its connections never
  get the server's `trace_packet` hook.

`unit_server` builds either: on 3.8 it registers request classes that ask the
unit the way later releases do. Servers, framers and the wire are the same.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from pymodbus import FramerType, constants, exceptions
from pymodbus.datastore import ModbusServerContext
from pymodbus.pdu import ExceptionResponse, ModbusPDU
from pymodbus.pdu.register_message import (
    ReadHoldingRegistersRequest,
    ReadHoldingRegistersResponse,
    WriteMultipleRegistersRequest,
    WriteMultipleRegistersResponse,
    WriteSingleRegisterRequest,
    WriteSingleRegisterResponse,
)
from pymodbus.server import ModbusSerialServer, ModbusTcpServer, ModbusUdpServer
from pymodbus.server.base import ModbusBaseServer

from .modbus_unit import NoAnswer, SimulatedUnit
from .model import ModbusRefusal

# Looked up by name: each release has only one of the two exceptions, 3.8 no ExcCodes.
PRE_3_10 = not hasattr(exceptions, "NoSuchIdException")
_MISSING_DEVICE: type[Exception] = next(
    getattr(exceptions, name)
    for name in ("NoSuchIdException", "NoSuchSlaveException")
    if hasattr(exceptions, name)
)
_EXC_CODES: Any = getattr(constants, "ExcCodes", None)


class _HookedConnections(ModbusBaseServer):
    """Hands the server's `trace_packet` hook to each connection, which pymodbus 3.8 leaves out."""

    def callback_new_connection(self) -> Any:
        connection = super().callback_new_connection()  # type: ignore[no-untyped-call]
        if self.trace_packet is not None:
            connection.trace_packet = self.trace_packet
        return connection


class TcpServer(_HookedConnections, ModbusTcpServer):
    """Modbus TCP or RTU over TCP."""


class UdpServer(_HookedConnections, ModbusUdpServer):
    """RTU over UDP."""


class SerialServer(_HookedConnections, ModbusSerialServer):
    """RTU on a serial port."""


def unit_server[S: ModbusBaseServer](
    server_class: type[S], unit: SimulatedUnit, framer: FramerType, **params: Any
) -> S:
    """A `server_class` server (`params`: address, port...) answering as `unit`, faults included."""
    arguments: dict[str, Any]
    if PRE_3_10:
        arguments = {
            "context": _Pre310Context(unit),
            "ignore_missing_slaves": True,
            "custom_pdu": [_ReadHolding, _WriteSingle, _WriteMultiple],
        }
    else:
        arguments = {"context": _UnitContext(unit), "ignore_missing_devices": True}
    hook = unit.packet_hook(has_crc=framer is FramerType.RTU)
    return server_class(**arguments, framer=framer, trace_packet=hook, **params)


async def _ask[T](request: Awaitable[T]) -> T:
    """The unit's answer; its silence as the exception that keeps the server silent."""
    try:
        return await request
    except NoAnswer as silence:
        raise _MISSING_DEVICE(str(silence)) from silence


class _UnitContext(ModbusServerContext):
    """pymodbus >= 3.10: one context, asked with the device id of each request."""

    # Declared here: pymodbus 3.8's context has none, 3.10-3.15 read it.
    simdevices: list[Any]

    def __init__(self, unit: SimulatedUnit) -> None:
        # No super().__init__(): it would build pymodbus' own (deprecated) register store.
        # No `simdevices` (3.10-3.15) and `old_simulator` (3.16 on) make the server use
        # this object as it is.
        self.simdevices = []
        self.old_simulator = True
        self.unit = unit

    def device_ids(self) -> list[int]:
        return [self.unit.unit_id]

    async def async_getValues(
        self, device_id: int, func_code: int, address: int, count: int = 1
    ) -> Any:
        try:
            return await _ask(self.unit.read(device_id, func_code, address, count))
        except ModbusRefusal as refusal:
            return _EXC_CODES(refusal.code)

    async def async_setValues(
        self, device_id: int, func_code: int, address: int, values: Any
    ) -> Any:
        try:
            await _ask(self.unit.write(device_id, func_code, address, values))
        except ModbusRefusal as refusal:
            return _EXC_CODES(refusal.code)
        return None


class _Pre310Context:
    """pymodbus 3.8: the context of each device id is the unit, which checks the id itself."""

    def __init__(self, unit: SimulatedUnit) -> None:
        self.unit = unit

    def slaves(self) -> list[int]:
        return [self.unit.unit_id]

    def __getitem__(self, device_id: int) -> SimulatedUnit:
        return self.unit


# pymodbus 3.8 request classes that ask the unit as later releases do; `context` is
# `_Pre310Context[device_id]`. Its server sets the answer's ids.


class _ReadHolding(ReadHoldingRegistersRequest):
    async def update_datastore(self, context: Any) -> ModbusPDU:
        try:
            registers = await _ask(
                context.read(self.dev_id, self.function_code, self.address, self.count)
            )
        except ModbusRefusal as refusal:
            return ExceptionResponse(self.function_code, refusal.code)
        return ReadHoldingRegistersResponse(registers=registers)


class _WriteSingle(WriteSingleRegisterRequest):
    async def update_datastore(self, context: Any) -> ModbusPDU:
        try:
            await _ask(context.write(self.dev_id, self.function_code, self.address, self.registers))
            echo = await _ask(context.read(self.dev_id, self.function_code, self.address, 1))
        except ModbusRefusal as refusal:
            return ExceptionResponse(self.function_code, refusal.code)
        return WriteSingleRegisterResponse(address=self.address, registers=echo)


class _WriteMultiple(WriteMultipleRegistersRequest):
    async def update_datastore(self, context: Any) -> ModbusPDU:
        try:
            await _ask(context.write(self.dev_id, self.function_code, self.address, self.registers))
        except ModbusRefusal as refusal:
            return ExceptionResponse(self.function_code, refusal.code)
        return WriteMultipleRegistersResponse(address=self.address, count=self.count)
