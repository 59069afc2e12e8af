"""Runtime-switchable faults of the link between a master and the emulated bus.

They act on what the SLCAN server and the UDP bridge send to their masters (a
line or a datagram), optionally only on the frames a predicate picks (the
value replies, say), so a test hits the frame it means and not a heartbeat.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
import random

import can


class LinkFault(StrEnum):
    NONE = "none"
    DROP = "drop"  # the frame is lost
    CORRUPT = "corrupt"  # an SLCAN line with a non-hex digit in its id
    GARBAGE = "garbage"  # random bytes (non-ASCII too) instead of the frame
    DELAY = "delay"  # the frame comes `delay` seconds late
    DUPLICATE = "duplicate"  # the frame comes twice
    REORDER = "reorder"  # the frame comes after the next one
    STALL = "stall"  # nothing at all until cleared (acknowledgements neither)


@dataclass(slots=True)
class LinkFaults:
    """The active fault and how many more frames it affects (None: until cleared)."""

    fault: LinkFault = LinkFault.NONE
    remaining: int | None = None
    delay: float = 0.0
    only: Callable[[can.Message], bool] | None = None
    hits: int = 0
    _held: bytes | None = None
    _random: random.Random = field(default_factory=lambda: random.Random(13))

    def set(
        self,
        fault: LinkFault | str,
        *,
        count: int | None = None,
        delay: float = 0.0,
        only: Callable[[can.Message], bool] | None = None,
    ) -> None:
        self.fault, self.remaining, self.delay, self.only = LinkFault(fault), count, delay, only

    def clear(self) -> None:
        self.set(LinkFault.NONE)

    @property
    def stalled(self) -> bool:
        return self.fault is LinkFault.STALL

    def send(self, message: can.Message, payload: bytes, send: Callable[[bytes], None]) -> None:
        """Send `payload` (the encoded `message`) through the fault."""
        fault = self._take(message)
        match fault:
            case LinkFault.DROP | LinkFault.STALL:
                pass
            case LinkFault.CORRUPT:
                send(payload[:1] + b"G" + payload[2:])
            case LinkFault.GARBAGE:
                send(self._random.randbytes(12) + b"\xff\r")
            case LinkFault.DELAY:
                asyncio.get_running_loop().call_later(self.delay, send, payload)
            case LinkFault.DUPLICATE:
                send(payload)
                send(payload)
            case LinkFault.REORDER:
                self._held = payload
            case LinkFault.NONE:
                send(payload)
                if self._held is not None:
                    held, self._held = self._held, None
                    send(held)

    def _take(self, message: can.Message) -> LinkFault:
        if self.fault is LinkFault.NONE or (self.only is not None and not self.only(message)):
            return LinkFault.NONE
        fault = self.fault
        if fault is LinkFault.REORDER and self._held is not None:
            return LinkFault.NONE  # one frame is held: this one overtakes it
        self.hits += 1
        if self.remaining is not None:
            self.remaining -= 1
            if self.remaining <= 0:
                self.clear()
        return fault
