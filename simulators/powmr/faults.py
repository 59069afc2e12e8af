"""Runtime-switchable faults for the simulated Modbus link."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import random


class Fault(StrEnum):
    NONE = "none"
    DROP = "drop"  # the request is swallowed, no answer
    CRC = "crc"  # the answer's CRC is wrong
    DELAY = "delay"  # the answer comes `delay` seconds late
    GARBAGE = "garbage"  # random bytes instead of an answer
    STALL = "stall"  # nothing until the fault is cleared


@dataclass(slots=True)
class FaultInjector:
    """The active fault and how many more answers it affects (None: until cleared)."""

    fault: Fault = Fault.NONE
    remaining: int | None = None
    delay: float = 0.0
    hits: int = 0

    def set(self, fault: Fault | str, *, count: int | None = None, delay: float = 0.0) -> None:
        self.fault = Fault(fault)
        self.remaining = count
        self.delay = delay

    def clear(self) -> None:
        self.set(Fault.NONE)

    def take(self, *faults: Fault) -> Fault:
        """The fault to apply to this answer if it is one of `faults`; counts it down."""
        if self.fault not in faults:
            return Fault.NONE
        fault = self.fault
        self.hits += 1
        if self.remaining is not None:
            self.remaining -= 1
            if self.remaining <= 0:
                self.clear()
        return fault

    @staticmethod
    def corrupt(packet: bytes, fault: Fault) -> bytes:
        if fault is Fault.CRC:
            return packet[:-1] + bytes([packet[-1] ^ 0xFF])
        if fault is Fault.GARBAGE:
            return random.randbytes(max(4, len(packet)))
        return packet
