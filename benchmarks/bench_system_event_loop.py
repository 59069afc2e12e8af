"""Event-loop time an off-grid system entry adds to its 20 sources' own state changes.

The measurement runs in a fresh interpreter (``system_event_loop_worker``,
which says how it is taken). The figure is the loop time per source state
change with the system entry listening, against the same stream with no
system entry, in the same Home Assistant; the target is at most 5 % more.
The worker runs the two as pairs on a shared machine: the ratio is the
median of the pairs' ratios (``ours`` is the sources' median time that ratio
over), and the record's detail gives the lowest and highest pair.

The system's cost is per refresh (at most one every two seconds, and its
figure writes every thirty), not per source change: with sources that change
less often than the worker's ten times a second the ratio is higher.
"""

from __future__ import annotations

from statistics import median

from .harness import BenchRecord, run_worker

PEER = "the 20 sources alone (no system entry)"
TARGET = 1.05


async def run() -> list[BenchRecord]:
    result = await run_worker("system_event_loop_worker")
    per_change = result["microseconds_per_state_change"]
    sources, system = per_change["sources"], per_change["system"]
    ratios = sorted(ours / peer for ours, peer in zip(system, sources, strict=True))
    ratio = median(ratios)
    peer = median(sources)
    return [
        BenchRecord(
            name="system_event_loop_time",
            unit=f"µs of event loop per source state change ({result['changes_per_second']}/s)",
            ours=peer * ratio,
            peer=peer,
            peer_name=PEER,
            target=TARGET,
            detail=(
                f"median of {len(ratios)} paired ratios {ratio:.3f},"
                f" lowest {ratios[0]:.3f}, highest {ratios[-1]:.3f}"
            ),
        )
    ]
