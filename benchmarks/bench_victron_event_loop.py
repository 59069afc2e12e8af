"""Event-loop time per Victron advertisement inside Home Assistant: ours against core's ``victron_ble``.

Core's ``victron_ble`` exists from Home Assistant 2026.x on; `make bench` runs
on the newest leg (scripts/newest-leg), and the measurement runs in a fresh
interpreter of it (``victron_event_loop_worker``). Both integrations hear the
same 10,000 advertisements from five devices through the real Bluetooth
manager. The figure is the integration's share of the loop: the time with the
integration minus the time the Bluetooth manager alone takes for the same
stream. The manager's own time is reported as a record of its own.
"""

from __future__ import annotations

from pathlib import Path
import sys

from .harness import BenchRecord, run_worker

PYTHON = Path(sys.executable)
PEER = "HA 2026.10.4 core victron_ble"
TARGET = 0.5


async def run() -> list[BenchRecord]:
    if not PYTHON.exists():
        print(f"skipping victron event-loop benchmark: {PYTHON} is missing", file=sys.stderr)
        return []
    result = await run_worker("victron_event_loop_worker")
    per_advert = result["microseconds_per_advertisement"]
    manager = per_advert["baseline"]
    return [
        BenchRecord(
            name="victron_event_loop_time",
            unit="µs of event loop per advertisement (integration's share)",
            ours=per_advert["offgrid_power"] - manager,
            peer=per_advert["victron_ble"] - manager,
            peer_name=PEER,
            target=TARGET,
        ),
        BenchRecord(
            name="victron_event_loop_time_with_manager",
            unit="µs of event loop per advertisement (incl. the Bluetooth manager)",
            ours=per_advert["offgrid_power"],
            peer=per_advert["victron_ble"],
            peer_name=PEER,
            target=None,
        ),
    ]
