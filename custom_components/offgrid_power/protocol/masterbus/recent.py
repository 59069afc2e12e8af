"""The last raw frames of each device, so a diagnostics download is enough to debug one.

Frames are kept as candump-style text (``18A1B2C3#0102``), a few per device
address, and the number of addresses is bounded too: a flood of foreign
addresses must not grow memory. Frames that did not decode are kept apart.

The text identifies no installation: the unit-unique 18 bits of the id are
masked (class, metadata flag and family bits stay), and property replies,
which carry the serial number four characters at a time, keep only their length,
as does an access-level login (the only 8-byte property request: it carries
the access code).
"""

from __future__ import annotations

from collections import OrderedDict, deque

from .codec import Frame
from .ids import MessageClass

_UNIT_BITS = (1 << 18) - 1

FRAMES_PER_DEVICE = 16
MAX_DEVICES = 64


class RecentFrames:
    """Bounded per-address history of received (``rx``) and sent (``tx``) frames."""

    def __init__(self, per_device: int = FRAMES_PER_DEVICE, devices: int = MAX_DEVICES) -> None:
        self._per_device = per_device
        self._devices = devices
        self._by_address: OrderedDict[int, deque[str]] = OrderedDict()
        self.malformed: deque[str] = deque(maxlen=per_device)

    def record(self, address: int, frame: Frame, direction: str = "rx") -> None:
        frames = self._by_address.get(address)
        if frames is None:
            if len(self._by_address) >= self._devices:
                self._by_address.popitem(last=False)  # the address heard from least recently
            frames = self._by_address[address] = deque(maxlen=self._per_device)
        else:
            self._by_address.move_to_end(address)
        frames.append(f"{direction} {_anonymous(frame)}")

    def record_malformed(self, frame: Frame) -> None:
        self.malformed.append(f"rx {_anonymous(frame)}")

    def of(self, address: int) -> list[str]:
        """The device's last frames, oldest first."""
        return list(self._by_address.get(address, ()))


def _anonymous(frame: Frame) -> str:
    """candump text with the unit bits masked and string payloads reduced to their length."""
    head = f"{frame.can_id & ~_UNIT_BITS:08X}"[:-5] + "*****"
    message_class = frame.can_id >> 24
    if message_class == MessageClass.PROPERTY_REPLY or (
        message_class == MessageClass.PROPERTY_REQUEST and len(frame.data) == 8
    ):
        return f"{head}#<{len(frame.data)} bytes>"
    return f"{head}#{frame.data.hex().upper()}"
