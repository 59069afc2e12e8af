"""Plan choice without a network: order, memory of refusals, re-probing."""

from __future__ import annotations

import pytest

from custom_components.offgrid_power.protocol.powmr.read_plan import (
    CHUNKED_A_PLAN,
    DONGLE_PLAN,
    NARROW_PLAN,
    PLANS,
    SMG_CHUNKED_PLAN,
    PlanSelector,
    read_wire_seconds,
)
from custom_components.offgrid_power.protocol.powmr.registers import FAMILY_A, PowmrFamily


def names(selector: PlanSelector, now: float) -> list[str]:
    return [plan.name for plan in selector.candidates(now)]


def test_selector_remembers_and_reprobes() -> None:
    selector = PlanSelector(PLANS[PowmrFamily.FAMILY_A], reprobe_interval=100)
    assert names(selector, 0) == ["dongle", "narrow", "chunked"]
    selector.refused(DONGLE_PLAN)
    selector.accepted(NARROW_PLAN)
    assert names(selector, 50) == ["narrow", "chunked"]
    assert selector.state.accepted == "narrow"
    assert names(selector, 100) == ["dongle", "narrow", "chunked"]


def test_all_refused_starts_over() -> None:
    selector = PlanSelector(PLANS[PowmrFamily.FAMILY_A], reprobe_interval=100)
    for plan in selector.candidates(0):
        selector.refused(plan)
    assert names(selector, 1) == ["dongle", "narrow", "chunked"]


def test_plans_cover_every_family_a_register() -> None:
    for plan in PLANS[PowmrFamily.FAMILY_A]:
        covered = {a for block in plan.blocks for a in range(block.start, block.stop)}
        missing = {r.address for r in FAMILY_A.registers} - covered
        # The narrow plan leaves out 4501 and 4515-4545 by design (units that refuse them).
        assert plan is NARROW_PLAN or not missing


def test_chunks_and_whole_items() -> None:
    assert CHUNKED_A_PLAN.blocks[-1].stop == 4562
    assert all(block.count <= 3 for block in CHUNKED_A_PLAN.blocks)
    starts = {block.start for block in SMG_CHUNKED_PLAN.blocks}
    assert 101 not in starts  # never inside the 32-bit fault word


def test_wire_time_of_the_dongle_plan() -> None:
    # Reference §2.1: 8-byte requests; answers of 95 bytes (45 registers) and 37 bytes (16).
    assert read_wire_seconds(45, 2400) == pytest.approx((8 + 95) * 10 / 2400)
    assert DONGLE_PLAN.wire_seconds(2400) == pytest.approx((8 + 95 + 8 + 37) * 10 / 2400)
