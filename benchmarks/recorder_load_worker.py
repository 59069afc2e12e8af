"""Counts the states the recorder stores for one hour of Victron advertisements (run by bench_recorder_load).

Each scenario is a fresh Home Assistant with the recorder (SQLite, in a temporary directory),
the Bluetooth stack and a remote scanner; the same five simulated devices are
configured with Off-Grid Power or with core's ``victron_ble``, at their default
options, and hear the same stream: every device once a second for one
simulated hour. The figure is the number of rows the recorder wrote to its
``states`` table per device, that is per device-hour. Prints one JSON object.

Home Assistant's clock is frozen and moved one advertising interval per
round of advertisements, so the simulated hour is an hour to every timer and
timestamp (throttles, energy integration, the recorder) even though it takes
far less wall-clock time. Only Bluetooth's own coarse monotonic clock (when
an advertisement was heard) stays real, which keeps every device available.
"""

from __future__ import annotations

# Before anything of Home Assistant: lets freezegun move its clock, as under pytest.
import pytest_homeassistant_custom_component.patch_time  # noqa: F401  # isort: skip

# isort: split

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
import json
import sys
from typing import Any

from freezegun import freeze_time
from homeassistant.components.bluetooth import async_register_scanner
from homeassistant.components.recorder.db_schema import States, StatesMeta
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, recorder as recorder_helper
from homeassistant.helpers.recorder import get_instance, session_scope
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulators.victron import advertisement_stream, demo_devices
from simulators.victron.proxy import SimulatedProxyScanner

from .worker import home_assistant, scratch_config_dir

SECONDS = 3600
# Victron devices advertise about once a second.
INTERVAL = 1.0
RECORDER = "recorder"
START = datetime(2026, 6, 21, 12, tzinfo=UTC)


def _entry(scenario: str, address: str, key: bytes) -> MockConfigEntry:
    if scenario == "offgrid_power":
        data = {"family": "victron", "address": address, "key": key.hex()}
    else:
        data = {"access_token": key.hex()}
    return MockConfigEntry(domain=scenario, unique_id=address, data=data)


def _rows_by_entity(hass: HomeAssistant) -> dict[str, int]:
    with session_scope(hass=hass, read_only=True) as session:
        rows = (
            session.query(StatesMeta.entity_id, States.state_id)
            .join(States, States.metadata_id == StatesMeta.metadata_id)
            .all()
        )
    counts: dict[str, int] = {}
    for entity_id, _ in rows:
        counts[entity_id] = counts.get(entity_id, 0) + 1
    return counts


async def _measure(scenario: str, config_dir: str) -> dict[str, Any]:
    with freeze_time(START) as clock:
        return await _measure_frozen(scenario, config_dir, clock.tick)


async def _measure_frozen(
    scenario: str, config_dir: str, tick: Callable[[float], object]
) -> dict[str, Any]:
    async with home_assistant(config_dir) as hass:
        # What Home Assistant's bootstrap does before the recorder sets up.
        recorder_helper.async_initialize_recorder(hass)
        assert await async_setup_component(
            hass,
            RECORDER,
            {
                RECORDER: {
                    "db_url": f"sqlite:///{config_dir}/{scenario}.db",
                    "commit_interval": 0,
                }
            },
        )
        await get_instance(hass).async_db_ready
        assert await async_setup_component(hass, "bluetooth", {})
        scanner = SimulatedProxyScanner("02:00:00:0B:E0:02", "Benchmark proxy", None, True)
        async_register_scanner(hass, scanner)
        scanner.async_setup()
        devices = demo_devices()
        for device in devices:
            entry = _entry(scenario, device.address, device.key)
            entry.add_to_hass(hass)
            assert await hass.config_entries.async_setup(entry.entry_id), scenario
        stream = advertisement_stream(
            devices, len(devices) * int(SECONDS / INTERVAL), interval=INTERVAL
        )
        for index, advertisement in enumerate(stream, start=1):
            scanner.hear(advertisement)
            if index % len(devices) == 0:
                # Every device was heard once: one interval passes, due timers run.
                tick(INTERVAL)
                await hass.async_block_till_done()
        await hass.async_block_till_done()
        instance = get_instance(hass)
        await hass.async_add_executor_job(instance.block_till_done)
        owned = {
            state.entity_id
            for state in hass.states.async_all()
            if (entity := _registry_entry(hass, state.entity_id)) and entity.platform == scenario
        }
        counts = await instance.async_add_executor_job(_rows_by_entity, hass)
    writes = sum(count for entity_id, count in counts.items() if entity_id in owned)
    return {"devices": len(devices), "entities": len(owned), "writes": writes}


def _registry_entry(hass: HomeAssistant, entity_id: str) -> er.RegistryEntry | None:
    return er.async_get(hass).async_get(entity_id)


async def main(scenarios: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {"seconds": SECONDS, "interval": INTERVAL}
    with scratch_config_dir() as path:
        for scenario in scenarios:
            result[scenario] = await _measure(scenario, path)
    return result


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1:] or ["offgrid_power", "victron_ble"]))))
    sys.exit(0)
