"""Transport settings and the pymodbus client behind them.

All pymodbus version differences live here: the unit keyword was renamed from
`slave=` to `device_id=` in 3.10, so it is chosen by introspection rather than
by version string (forks and backports keep working).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import inspect
from typing import Any

from pymodbus import FramerType
from pymodbus.client import (
    AsyncModbusSerialClient,
    AsyncModbusTcpClient,
    AsyncModbusUdpClient,
)
from pymodbus.client.base import ModbusBaseClient

from .registers import PowmrFamily


class TransportKind(StrEnum):
    SERIAL = "serial"
    RTU_OVER_TCP = "rtu_over_tcp"
    RTU_OVER_UDP = "rtu_over_udp"
    MODBUS_TCP = "modbus_tcp"


@dataclass(frozen=True, slots=True)
class FamilyLink:
    """Serial parameters a family's units ship with."""

    baudrate: int
    unit_id: int


FAMILY_LINKS = {
    PowmrFamily.FAMILY_A: FamilyLink(baudrate=2400, unit_id=5),
    PowmrFamily.SMG_II: FamilyLink(baudrate=9600, unit_id=1),
}


@dataclass(frozen=True, slots=True)
class TransportConfig:
    """Where the unit is. `address` is a serial path (or pyserial URL) or a host name.

    `baudrate` and `unit_id` default to the family's values when None, which
    lets family detection try each family with its own settings.
    """

    kind: TransportKind
    address: str
    port: int = 502
    baudrate: int | None = None
    unit_id: int | None = None
    timeout: float = 2.0

    def link(self, family: PowmrFamily) -> FamilyLink:
        default = FAMILY_LINKS[family]
        return FamilyLink(self.baudrate or default.baudrate, self.unit_id or default.unit_id)

    def describe(self) -> str:
        if self.kind is TransportKind.SERIAL:
            return f"{self.kind}:{self.address}"
        return f"{self.kind}:{self.address}:{self.port}"


def build_modbus_client(config: TransportConfig, baudrate: int) -> ModbusBaseClient:
    """A pymodbus client that does not retry or reconnect by itself: PowmrClient decides that."""
    common: dict[str, Any] = {"timeout": config.timeout, "retries": 0}
    if config.kind is TransportKind.SERIAL:
        return AsyncModbusSerialClient(
            config.address,
            framer=FramerType.RTU,
            baudrate=baudrate,
            bytesize=8,
            parity="N",
            stopbits=1,
            reconnect_delay=0,
            **common,
        )
    if config.kind is TransportKind.RTU_OVER_UDP:
        return AsyncModbusUdpClient(
            config.address, port=config.port, framer=FramerType.RTU, reconnect_delay=0, **common
        )
    framer = FramerType.RTU if config.kind is TransportKind.RTU_OVER_TCP else FramerType.SOCKET
    return AsyncModbusTcpClient(
        config.address, port=config.port, framer=framer, reconnect_delay=0, **common
    )


def _unit_keyword() -> str:
    parameters = inspect.signature(AsyncModbusTcpClient.read_holding_registers).parameters
    return "device_id" if "device_id" in parameters else "slave"


UNIT_KEYWORD = _unit_keyword()


def unit_kwargs(unit_id: int) -> dict[str, Any]:
    """The keyword argument that addresses a unit in this pymodbus version."""
    return {UNIT_KEYWORD: unit_id}
