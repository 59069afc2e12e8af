"""What a session is configured with, and the events it tells its listeners."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .models import Device


@dataclass(frozen=True, slots=True)
class SessionConfig:
    """Tunables; the defaults follow what real masters do on the bus."""

    master_address: int = 0x000001
    listen_only: bool = False
    heartbeat_interval: float = 30.0
    request_timeout: float = 0.3
    retries: int = 2
    min_frame_gap: float = 0.001
    offline_after: float = 95.0  # three missed heartbeat rounds
    discover: bool = True
    write_confirm_attempts: int = 10
    write_confirm_interval: float = 0.05
    # Least time between two writes to one device (as PowMr's write cooldown).
    write_interval: float = 0.25
    # The user's installer access code, for menus a device opens only to
    # installers (see `menus`); a secret, so never in the repr.
    access_code: float | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class DeviceUpdated:
    """A device appeared, was discovered, or went online/offline."""

    device: Device


@dataclass(frozen=True, slots=True)
class ValueUpdated:
    """A value was heard on the bus (a reply to us or to another master)."""

    address: int
    field: int
    value: float | None
    btm3: bool = False


@dataclass(frozen=True, slots=True)
class ConnectionLost:
    """The bus failed; the caller should reconnect with a new bus."""

    error: Exception


SessionEvent = DeviceUpdated | ValueUpdated | ConnectionLost
Listener = Callable[[SessionEvent], None]
