"""Serial, RTU-over-TCP and Modbus TCP links through pymodbus.

All pymodbus version differences live here: the unit keyword was renamed from
`slave=` to `device_id=` in 3.10, so it is chosen by introspection rather than
by version string (forks and backports keep working), and `connect` skips the
fixed 0.1 s pause that `client.connect()` takes in 3.8 to 3.13 (HA 2025.4 ships 3.8,
2026.x 3.13). pymodbus errors become the library's own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from contextlib import suppress
import inspect
from typing import TYPE_CHECKING, Any

from pymodbus import FramerType
from pymodbus.client import AsyncModbusSerialClient, AsyncModbusTcpClient
from pymodbus.client.base import ModbusBaseClient
from pymodbus.exceptions import ConnectionException, ModbusException, ModbusIOException

from ..redact import mask_address_in
from .errors import (
    PowmrConnectionError,
    PowmrExceptionResponse,
    PowmrFrameError,
    PowmrTimeoutError,
)
from .transport import TransportConfig, TransportKind

if TYPE_CHECKING:
    from pymodbus.pdu import ModbusPDU


def build_modbus_client(config: TransportConfig, baudrate: int) -> ModbusBaseClient:
    """A pymodbus client that does not retry or reconnect by itself: PowmrClient decides that."""
    common: dict[str, Any] = {"timeout": config.timeout, "retries": 0, "reconnect_delay": 0}
    if config.kind is TransportKind.SERIAL:
        return AsyncModbusSerialClient(
            config.address,
            framer=FramerType.RTU,
            baudrate=baudrate,
            bytesize=8,
            parity="N",
            stopbits=1,
            **common,
        )
    if config.kind is TransportKind.RTU_OVER_UDP:
        raise ValueError("RTU over UDP is served by rtu_udp.RtuUdpLink")
    framer = FramerType.RTU if config.kind is TransportKind.RTU_OVER_TCP else FramerType.SOCKET
    return AsyncModbusTcpClient(config.address, port=config.port, framer=framer, **common)


def _unit_keyword() -> str:
    parameters = inspect.signature(AsyncModbusTcpClient.read_holding_registers).parameters
    return "device_id" if "device_id" in parameters else "slave"


UNIT_KEYWORD = _unit_keyword()


def unit_kwargs(unit_id: int) -> dict[str, Any]:
    """The keyword argument that addresses a unit in this pymodbus version."""
    return {UNIT_KEYWORD: unit_id}


async def _connect(client: ModbusBaseClient) -> bool:
    """What `client.connect()` does, without the 0.1 s sleep of pymodbus 3.8 to 3.13 (3.16 has none).

    That sleep only let a serial port finish opening (scheduled with `call_soon`);
    yielding once does the same, and a fixed sleep would hang under a frozen test clock.
    """
    client.ctx.reset_delay()
    connected = await client.ctx.connect()
    await asyncio.sleep(0)
    return connected


class PymodbusLink:
    """A `ModbusLink` over a pymodbus async client."""

    def __init__(self, config: TransportConfig, baudrate: int) -> None:
        self.config = config
        self.client = build_modbus_client(config, baudrate)

    @property
    def connected(self) -> bool:
        return bool(self.client.connected)

    async def connect(self) -> None:
        try:
            connected = await _connect(self.client)
        except (OSError, ModbusException) as err:
            connected, reason = False, mask_address_in(str(err), self.config.address)
        else:
            reason = "refused"
        if not connected:
            raise PowmrConnectionError(f"cannot connect to {self.config.describe()}: {reason}")

    def close(self) -> None:
        with suppress(Exception):
            self.client.close()

    async def read_holding_registers(self, unit_id: int, address: int, count: int) -> list[int]:
        response = await self._call(
            self.client.read_holding_registers(address, count=count, **unit_kwargs(unit_id)),
            f"read {address}x{count}",
        )
        registers = list(response.registers)
        if len(registers) != count:
            raise PowmrFrameError(f"asked for {count} registers, got {len(registers)}")
        return registers

    async def write_register(self, unit_id: int, address: int, value: int) -> None:
        await self._call(
            self.client.write_register(address, value, **unit_kwargs(unit_id)),
            f"write {address}",
        )

    async def write_registers(self, unit_id: int, address: int, values: Sequence[int]) -> None:
        await self._call(
            self.client.write_registers(address, list(values), **unit_kwargs(unit_id)),
            f"write {address}x{len(values)}",
        )

    @staticmethod
    async def _call(request: Awaitable[ModbusPDU], what: str) -> ModbusPDU:
        try:
            response = await request
        except (ModbusIOException, TimeoutError) as err:
            raise PowmrTimeoutError(f"no answer to {what}") from err
        except ConnectionException as err:
            raise PowmrConnectionError(str(err)) from err
        except ModbusException as err:
            raise PowmrFrameError(str(err)) from err
        if response.isError():
            raise PowmrExceptionResponse(
                response.function_code & 0x7F, getattr(response, "exception_code", 0)
            )
        return response
