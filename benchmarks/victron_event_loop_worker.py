"""Measures Home Assistant's event-loop time per Victron advertisement (run by bench_victron_event_loop).

Runs on the newest leg (Home Assistant 2026.10.4); core's ``victron_ble``
exists from 2026.x on. Each scenario is a fresh Home Assistant with the Bluetooth
stack and a remote scanner (as an ESPHome proxy registers); the same five
simulated devices are configured with Off-Grid Power, with core's
``victron_ble``, or with nothing (the Bluetooth manager's own cost). The
scanner then forwards the same 10,000 advertisements; four in five repeat the
previous one, as real devices repeat theirs between readings.

The loop time is the wall time from the first advertisement until every
callback, state write and event listener they caused has run. Nothing else
runs on the loop meanwhile, and nothing waits on I/O, so that is the time the
loop was busy. Prints one JSON object: microseconds per advertisement by
scenario, the fastest of the repetitions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
import json
import sys
import time
from typing import Any

from homeassistant.components.bluetooth import async_register_scanner
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulators.victron import SimulatedDevice, advertisement_stream, demo_devices
from simulators.victron.devices import Advertisement
from simulators.victron.proxy import SimulatedProxyScanner

from .worker import home_assistant, interleaved

ADVERTISEMENTS = 10_000
# Entities are created on a device's first readings: a one-off cost left out.
WARM_UP = 250
REPETITIONS = 3
# Advertisements forwarded between two waits for the loop to settle, as an
# ESPHome proxy forwards them in batches.
BATCH = 25
SCENARIOS = ("baseline", "offgrid_power", "victron_ble")


def _entry(scenario: str, device: SimulatedDevice) -> MockConfigEntry:
    if scenario == "offgrid_power":
        data = {"family": "victron", "address": device.address, "key": device.key.hex()}
    else:
        data = {"access_token": device.key.hex()}
    return MockConfigEntry(domain=scenario, unique_id=device.address, data=data)


async def _feed(
    hass: HomeAssistant, scanner: SimulatedProxyScanner, stream: Iterable[Advertisement]
) -> None:
    for index, advertisement in enumerate(stream, start=1):
        scanner.hear(advertisement)
        if index % BATCH == 0:
            await hass.async_block_till_done()
    await hass.async_block_till_done()


async def _measure(scenario: str, config_dir: str) -> float:
    """Seconds of loop time for the measured stream in one fresh Home Assistant."""
    async with home_assistant(config_dir) as hass:
        assert await async_setup_component(hass, "bluetooth", {})
        # Connectable: core's coordinator listens to connectable advertisements only.
        scanner = SimulatedProxyScanner("02:00:00:0B:E0:01", "Benchmark proxy", None, True)
        async_register_scanner(hass, scanner)
        scanner.async_setup()
        devices = demo_devices()
        if scenario != "baseline":
            for device in devices:
                entry = _entry(scenario, device)
                entry.add_to_hass(hass)
                assert await hass.config_entries.async_setup(entry.entry_id), scenario
        stream = advertisement_stream(devices, WARM_UP + ADVERTISEMENTS)
        await _feed(hass, scanner, (next(stream) for _ in range(WARM_UP)))
        await hass.async_block_till_done(wait_background_tasks=True)
        measured = list(stream)
        start = time.perf_counter()
        await _feed(hass, scanner, measured)
        elapsed = time.perf_counter() - start
        entities = len(hass.states.async_all())
    if scenario != "baseline" and entities < len(devices):
        raise RuntimeError(f"{scenario} created no entities")
    return elapsed


async def main() -> dict[str, Any]:
    figures = await interleaved(SCENARIOS, REPETITIONS, _measure)
    return {
        "advertisements": ADVERTISEMENTS,
        "microseconds_per_advertisement": {
            scenario: min(seconds) / ADVERTISEMENTS * 1e6 for scenario, seconds in figures.items()
        },
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
    sys.exit(0)
