"""Family detection: which probe reads to send, and whether an answer looks like the family.

The probe order follows the reference: Family A first (2400 baud, unit 5),
then SMG-II (9600 baud, unit 1). The plausibility checks double as a byte-order
check: unswapped Family A words give absurd values (50.0 Hz reads 62465).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .read_plan import Block
from .registers import PowmrFamily, swap_bytes


@dataclass(frozen=True, slots=True)
class Probe:
    """Alternatives tried in order; each is a list of blocks that must all answer."""

    family: PowmrFamily
    alternatives: tuple[tuple[Block, ...], ...]


PROBES = (
    Probe(
        PowmrFamily.FAMILY_A,
        ((Block(4502, 13),), (Block(4504, 3), Block(4510, 3))),
    ),
    Probe(PowmrFamily.SMG_II, ((Block(201, 3),),)),
)


def looks_like(family: PowmrFamily, wire: Mapping[int, int]) -> bool:
    """Plausibility of probe answers (wire words by address)."""
    if family is PowmrFamily.FAMILY_A:
        frequency = wire.get(4511)
        battery = wire.get(4506)
        return (
            frequency is not None
            and battery is not None
            and 450 <= swap_bytes(frequency) <= 650
            and 90 <= swap_bytes(battery) <= 700
        )
    mode = wire.get(201)
    mains = wire.get(202)
    return mode is not None and mains is not None and mode <= 6 and mains <= 3000
