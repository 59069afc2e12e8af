"""Recorder load: states written per Victron device-hour, ours against core's ``victron_ble``.

Every state Home Assistant writes lands in the user's database, often on an
SD card. ``recorder_load_worker`` (in a fresh interpreter of the newest leg,
where core's ``victron_ble`` exists) feeds one simulated hour of the same
advertisements from five devices through a real Home Assistant with the
recorder, once with each integration at its defaults, and counts the rows of
the ``states`` table. Target: at most half of core's writes.
"""

from __future__ import annotations

from .harness import BenchRecord, run_worker

PEER = "HA 2026.10.4 core victron_ble"
TARGET = 0.5


def _per_device_hour(result: dict[str, float], seconds: float) -> float:
    return result["writes"] / result["devices"] * 3600 / seconds


async def run() -> list[BenchRecord]:
    result = await run_worker("recorder_load_worker")
    seconds = result["seconds"]
    return [
        BenchRecord(
            name="victron_recorder_writes",
            unit="states written per device-hour (defaults, 1 advertisement/s)",
            ours=_per_device_hour(result["offgrid_power"], seconds),
            peer=_per_device_hour(result["victron_ble"], seconds),
            peer_name=PEER,
            target=TARGET,
        )
    ]
