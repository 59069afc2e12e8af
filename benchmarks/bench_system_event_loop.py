"""Event-loop time an off-grid system entry adds to its 20 sources' own state changes.

The measurement runs in a subprocess (``system_event_loop_worker``), in the
Python that runs `make bench` (HA 2025.4.4), so the test Home Assistant it
starts leaves nothing behind in this process. The figure is the loop time per
source state change with the system entry listening, against the same stream
with no system entry; the target is at most 5 % more.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
import sys

from .harness import BenchRecord

ROOT = Path(__file__).resolve().parent.parent
PEER = "the 20 sources alone (no system entry)"
TARGET = 1.05


async def run() -> list[BenchRecord]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.system_event_loop_worker",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await process.communicate()
    if process.returncode:
        raise RuntimeError(f"system worker failed:\n{stderr.decode(errors='replace')}")
    result = json.loads(stdout.decode().splitlines()[-1])
    per_change = result["microseconds_per_state_change"]
    return [
        BenchRecord(
            name="system_event_loop_time",
            unit="µs of event loop per source state change (20 sources)",
            ours=per_change["system"],
            peer=per_change["sources"],
            peer_name=PEER,
            target=TARGET,
        )
    ]
