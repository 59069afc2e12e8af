"""Read plans (which block reads cover a family's registers) and the choice between them.

Units differ in which reads they answer: the stock dongle reads 4501x45 +
4546x16, a POW-HVM4.2K-24V-D stays silent unless asked for 4502x13 + 4546x16,
and the ESP32 dongle firmware reads 3 registers at a time. Plans are tried from
the largest down; the first that works is remembered, and the larger ones are
re-probed rarely because a refused read costs a full timeout.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .registers import PowmrFamily


@dataclass(frozen=True, slots=True)
class Block:
    start: int
    count: int

    @property
    def stop(self) -> int:
        return self.start + self.count


# An FC03 exchange: an 8-byte request, then 5 bytes of envelope and 2 per register,
# each byte 10 bits long at 8N1.
_REQUEST_BYTES = 8
_ANSWER_ENVELOPE_BYTES = 5
_BITS_PER_BYTE = 10


def read_wire_seconds(count: int, baudrate: int) -> float:
    """Time a read of `count` registers keeps the serial line busy, request and answer."""
    return (_REQUEST_BYTES + _ANSWER_ENVELOPE_BYTES + 2 * count) * _BITS_PER_BYTE / baudrate


@dataclass(frozen=True, slots=True)
class ReadPlan:
    """`tolerant` plans skip blocks the unit refuses instead of failing the poll."""

    name: str
    blocks: tuple[Block, ...]
    tolerant: bool = False

    def wire_seconds(self, baudrate: int) -> float:
        """The least time the plan can take: its bytes on the line, nothing else."""
        return sum(read_wire_seconds(block.count, baudrate) for block in self.blocks)


def chunked(first: int, last: int, size: int) -> tuple[Block, ...]:
    return tuple(
        Block(start, min(size, last + 1 - start)) for start in range(first, last + 1, size)
    )


DONGLE_PLAN = ReadPlan("dongle", (Block(4501, 45), Block(4546, 16)))
NARROW_PLAN = ReadPlan("narrow", (Block(4502, 13), Block(4546, 16)))
CHUNKED_A_PLAN = ReadPlan("chunked", chunked(4501, 4561, 3), tolerant=True)

SMG_FULL_PLAN = ReadPlan(
    "full",
    (
        Block(100, 10),
        Block(201, 34),
        Block(300, 44),
        Block(406, 1),
        Block(420, 1),
        Block(643, 1),
    ),
)
# Single whole items, so no read starts or ends inside a multi-word value.
SMG_CHUNKED_PLAN = ReadPlan(
    "chunked",
    (
        Block(100, 2),
        Block(108, 2),
        *chunked(201, 234, 1),
        *chunked(300, 343, 1),
        Block(406, 1),
        Block(420, 1),
        Block(643, 1),
    ),
    tolerant=True,
)

PLANS: Mapping[PowmrFamily, tuple[ReadPlan, ...]] = MappingProxyType(
    {
        PowmrFamily.FAMILY_A: (DONGLE_PLAN, NARROW_PLAN, CHUNKED_A_PLAN),
        PowmrFamily.SMG_II: (SMG_FULL_PLAN, SMG_CHUNKED_PLAN),
    }
)

# Family A probe: a window every known Family A unit answers (reference §1).
FAMILY_A_PROBE = Block(4502, 13)
SMG_II_PROBE = Block(201, 3)
DEFAULT_REPROBE_INTERVAL_S = 6 * 3600.0


@dataclass(frozen=True, slots=True)
class PlanState:
    """What the selector knows, for diagnostics."""

    accepted: str | None
    refused: tuple[str, ...]
    last_probe: float | None


class PlanSelector:
    """Remembers which plan a unit accepts; offers larger plans again after `reprobe_interval`."""

    def __init__(
        self, plans: tuple[ReadPlan, ...], reprobe_interval: float = DEFAULT_REPROBE_INTERVAL_S
    ) -> None:
        self.plans = plans
        self.reprobe_interval = reprobe_interval
        self._accepted: ReadPlan | None = None
        self._refused: set[str] = set()
        self._last_probe: float | None = None

    @property
    def confirmed(self) -> bool:
        return self._accepted is not None

    def candidates(self, now: float) -> tuple[ReadPlan, ...]:
        """Plans to try this poll, in order."""
        remaining = tuple(plan for plan in self.plans if plan.name not in self._refused)
        due = self._last_probe is None or now - self._last_probe >= self.reprobe_interval
        # With every plan refused (say, the link was down while probing), start over
        # rather than wait for the re-probe interval.
        if due or not remaining:
            self._last_probe = now
            self._refused.clear()
            return self.plans
        return remaining

    def accepted(self, plan: ReadPlan) -> None:
        self._accepted = plan

    def refused(self, plan: ReadPlan) -> None:
        self._refused.add(plan.name)
        if self._accepted == plan:
            self._accepted = None

    @property
    def state(self) -> PlanState:
        return PlanState(
            self._accepted.name if self._accepted else None,
            tuple(sorted(self._refused)),
            self._last_probe,
        )
