"""One full PowMr snapshot at 2400 baud: ours beside the wire minimum and the 3-register chunks.

The simulator holds every answer back for the time its bytes take on a
2400-baud 8N1 line (`SimulatorConfig(wire_time=True)`). Three figures per
scenario, all through the same RTU-over-TCP link to the same simulator:

- ours: `PowmrClient.read_snapshot()` once the unit's read plan is known (the
  stock dongle's 4501x45 + 4546x16);
- the wire minimum of that plan: its request and answer bytes on the line,
  nothing else (no client, network or unit time);
- the ESP32 dongle firmware's approach: 4501-4561 (61 registers) read 3 at a
  time, 21 requests in a row.

Bytes alone cap the chunks' penalty at about 2.7x (every 3-register read
carries 13 bytes of request and envelope). Real units also think before each
answer; the firmware README's "6-12 seconds" for 21 chunks (about 0.08 s of
wire each) puts that near 0.2 s per request (derived, unverified), so a
second scenario adds that turnaround to both sides.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import time

from custom_components.offgrid_power.protocol.powmr import (
    PowmrClient,
    PowmrFamily,
    TransportConfig,
    TransportKind,
)
from custom_components.offgrid_power.protocol.powmr.read_plan import DONGLE_PLAN, chunked
from simulators.powmr import PowmrSimulator, SimulatorConfig

from .harness import BenchRecord

BAUDRATE = 2400
DONGLE_CHUNKS = chunked(4501, 4561, 3)
# Per-request think time of a real unit, derived from the firmware README (see above).
TURNAROUND_S = 0.2
REPEAT = 3


async def run() -> list[BenchRecord]:
    wire_minimum = DONGLE_PLAN.wire_seconds(BAUDRATE)
    records = []
    for kind in (TransportKind.RTU_OVER_TCP, TransportKind.RTU_OVER_UDP):
        ours, chunks = await _measure(
            kind, turnaround=0.0, chunks=kind is TransportKind.RTU_OVER_TCP
        )
        records.append(
            BenchRecord(
                name=f"powmr_snapshot_{kind}",
                unit="s per snapshot",
                ours=ours,
                peer=wire_minimum,
                peer_name="wire minimum of the plan (4501x45 + 4546x16)",
                target=1.25,
            )
        )
        if chunks is not None:
            records.append(_versus_chunks("powmr_snapshot_vs_dongle_chunks", ours, chunks))
    ours, chunks = await _measure(TransportKind.RTU_OVER_TCP, turnaround=TURNAROUND_S, chunks=True)
    assert chunks is not None
    records.append(
        BenchRecord(
            name="powmr_snapshot_with_turnaround",
            unit="s per snapshot",
            ours=ours,
            peer=wire_minimum + len(DONGLE_PLAN.blocks) * TURNAROUND_S,
            peer_name=f"wire minimum + {TURNAROUND_S} s unit turnaround per request",
            target=1.25,
        )
    )
    records.append(_versus_chunks("powmr_snapshot_vs_dongle_chunks_with_turnaround", ours, chunks))
    return records


def _versus_chunks(name: str, ours: float, chunks: float) -> BenchRecord:
    # At least 5x faster: ours / theirs at most 0.2.
    return BenchRecord(
        name=name,
        unit="s per snapshot",
        ours=ours,
        peer=chunks,
        peer_name="ESP32 dongle firmware: 61 registers in 3-register chunks",
        target=0.2,
    )


async def _measure(
    kind: TransportKind, *, turnaround: float, chunks: bool
) -> tuple[float, float | None]:
    """Best snapshot time of ours, and of the chunked reads when asked, in seconds."""
    config = SimulatorConfig(
        rtu_tcp_port=0, rtu_udp_port=0, wire_time=True, turnaround=turnaround, seed=1
    )
    async with PowmrSimulator(config) as simulator:
        port = (
            simulator.rtu_tcp_port if kind is TransportKind.RTU_OVER_TCP else simulator.rtu_udp_port
        )
        assert port is not None
        # The simulator answers the sender, so RTU over UDP may listen on any free port.
        transport = TransportConfig(kind, "127.0.0.1", port, timeout=10.0, reply_port=0)
        async with PowmrClient(transport, PowmrFamily.FAMILY_A) as client:
            await client.read_snapshot()  # learns the read plan
            assert client.plan_state is not None
            assert client.plan_state.accepted == DONGLE_PLAN.name
            ours = await _best_of(REPEAT, client.read_snapshot)

            async def read_in_chunks() -> None:
                for block in DONGLE_CHUNKS:
                    await client.read_registers(block.start, block.count)

            theirs = await _best_of(REPEAT - 1, read_in_chunks) if chunks else None
    return ours, theirs


async def _best_of(repeat: int, func: Callable[[], Awaitable[object]]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        await func()
        best = min(best, time.perf_counter() - start)
    return best
