"""What `PowmrClient` needs from a Modbus link, and which link serves which transport."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from .pymodbus_link import PymodbusLink
from .rtu_stream import RtuStreamLink, needs_serialx, serialx_opener
from .rtu_udp import RtuUdpLink
from .transport import TransportConfig, TransportKind


class ModbusLink(Protocol):
    """One request at a time to one unit; failures raise the library's errors.

    No answer: `PowmrTimeoutError`; a malformed answer: `PowmrFrameError`; a
    refusal: `PowmrExceptionResponse`; a lost link: `PowmrConnectionError`.
    """

    @property
    def connected(self) -> bool: ...

    async def connect(self) -> None: ...

    def close(self) -> None: ...

    async def read_holding_registers(self, unit_id: int, address: int, count: int) -> list[int]:
        """Wire words (before any byte swap)."""
        ...

    async def write_register(self, unit_id: int, address: int, value: int) -> None:
        """FC06."""
        ...

    async def write_registers(self, unit_id: int, address: int, values: Sequence[int]) -> None:
        """FC16."""
        ...


def build_link(config: TransportConfig, baudrate: int) -> ModbusLink:
    """pymodbus for serial ports and TCP; the library's own RTU framing for UDP and
    for ESPHome serial proxies (serialx ports)."""
    if config.kind is TransportKind.RTU_OVER_UDP:
        return RtuUdpLink(config)
    if config.kind is TransportKind.SERIAL and needs_serialx(config.address):
        return RtuStreamLink(config, serialx_opener(config.address, baudrate))
    return PymodbusLink(config, baudrate)
