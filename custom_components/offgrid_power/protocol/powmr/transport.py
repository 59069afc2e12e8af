"""Where a unit is and how to reach it: transport settings and each family's serial defaults."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..redact import safe_address
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


@dataclass(frozen=True, slots=True, repr=False)
class TransportConfig:
    """Where the unit is. `address` is a serial path (or pyserial URL) or a host name.

    `baudrate` and `unit_id` default to the family's values when None, which
    lets family detection try each family with its own settings. `reply_port`
    is the local UDP port RTU-over-UDP answers come back to (None: the same
    number as `port`, as the ESP32 bridge does by default; 0: any free port,
    which only suits gateways that answer the sender).
    """

    kind: TransportKind
    address: str
    port: int = 502
    baudrate: int | None = None
    unit_id: int | None = None
    timeout: float = 2.0
    reply_port: int | None = None

    def link(self, family: PowmrFamily) -> FamilyLink:
        default = FAMILY_LINKS[family]
        return FamilyLink(self.baudrate or default.baudrate, self.unit_id or default.unit_id)

    @property
    def local_port(self) -> int:
        """The UDP port RTU-over-UDP listens on for answers."""
        return self.port if self.reply_port is None else self.reply_port

    def __repr__(self) -> str:
        # The address may carry a key (a serial proxy's noise_psk): shown masked.
        return f"TransportConfig({self.describe()})"

    def describe(self) -> str:
        """Kind and address for logs and errors, credentials masked (see `safe_address`)."""
        address = safe_address(self.address)
        if self.kind is TransportKind.SERIAL:
            return f"{self.kind}:{address}"
        if self.kind is TransportKind.RTU_OVER_UDP:
            return f"{self.kind}:{address}:{self.port} (answers to port {self.local_port})"
        return f"{self.kind}:{address}:{self.port}"
