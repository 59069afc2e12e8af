"""Measures what an off-grid system entry adds to the event-loop time of its sources (run by
bench_system_event_loop).

Each scenario is a fresh Home Assistant with 20 source sensors (battery,
charger state, seven solar sources with their kWh, AC and DC load), real
``SensorEntity`` objects that write their state as a family's entities do.
The same stream of value changes goes through them with no system entry
("sources") and with a system entry listening to all 20 ("system"): every
source changes ``RATE`` times a second for ``SECONDS`` seconds of real time,
so the system's timers (it refreshes at most once a second, writes its counters
and day figures at most every ten seconds, ticks every thirty) run as they would.
The loop time is the CPU time of the event loop's thread over the stream,
every state write, event, listener and timer included; the waits between
rounds are not loop time. Prints one JSON object: microseconds of loop time
per source state change by scenario, the fastest of the repetitions.
"""

from __future__ import annotations

import asyncio
import json
import math
from pathlib import Path
import sys
import tempfile
import time
from typing import Any

from homeassistant import loader
from homeassistant.components.sensor import SensorDeviceClass, SensorEntity, SensorStateClass
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockEntityPlatform,
    async_test_home_assistant,
)

from custom_components.offgrid_power.const import CONF_FAMILY, DOMAIN, SYSTEM_KIND

SOLAR_SOURCES = 7
# Changes per source per second: Bluetooth devices send about one reading a second;
# ten is a busy system, where a per-change cost would show most.
RATE = 10
# Long enough for every periodic cost of the system entry to be in the window
# in its true share: the 1 s refreshes, the counters' and day figures' writes
# (every 10 s) and the 30 s tick that integrates steady sources and saves.
SECONDS = 30
WARM_UP_ROUNDS = 20
REPETITIONS = 3
SCENARIOS = ("sources", "system")
ROUNDS = RATE * SECONDS


class Source(SensorEntity):
    """A source sensor as a family writes it: device class, unit, state class."""

    _attr_should_poll = False
    _attr_has_entity_name = False

    def __init__(self, key: str, device_class: SensorDeviceClass | None, unit: str | None) -> None:
        self._attr_unique_id = key
        self._attr_name = key
        self.entity_id = f"sensor.{key}"
        self._attr_device_class = device_class
        self._attr_native_unit_of_measurement = unit
        self._attr_state_class = (
            SensorStateClass.TOTAL_INCREASING
            if device_class is SensorDeviceClass.ENERGY
            else SensorStateClass.MEASUREMENT
            if unit
            else None
        )

    def show(self, value: float | str) -> None:
        self._attr_native_value = value
        self.async_write_ha_state()


def _sources() -> list[Source]:
    power, energy = SensorDeviceClass.POWER, SensorDeviceClass.ENERGY
    sources = [
        Source("battery_soc", SensorDeviceClass.BATTERY, "%"),
        Source("battery_voltage", SensorDeviceClass.VOLTAGE, "V"),
        Source("battery_power", power, "W"),
        Source("charger_state", None, None),
        Source("ac_load", power, "W"),
        Source("dc_load", power, "W"),
    ]
    for index in range(SOLAR_SOURCES):
        sources += [Source(f"pv_{index}", power, "W"), Source(f"pv_{index}_energy", energy, "kWh")]
    return sources


def _options(sources: list[Source]) -> dict[str, Any]:
    by_key = {source.unique_id: source.entity_id for source in sources}
    return {
        "battery_soc": by_key["battery_soc"],
        "battery_voltage": by_key["battery_voltage"],
        "battery_power": by_key["battery_power"],
        "charge_state": by_key["charger_state"],
        "ac_load_power": by_key["ac_load"],
        "dc_load_power": by_key["dc_load"],
        "solar_sources": [
            {"power": by_key[f"pv_{index}"], "energy": by_key[f"pv_{index}_energy"]}
            for index in range(SOLAR_SOURCES)
        ],
    }


def _value(source: Source, step: int) -> float | str:
    """A plausible, always-changing reading for ``source`` at ``step``."""
    key = source.unique_id or ""
    wave = math.sin(step / 7 + len(key))
    if key == "charger_state":
        return "bulk" if step % 50 < 40 else "float"
    if key.endswith("_energy"):
        return round(100 + step * 0.001, 3)
    if key == "battery_soc":
        return round(60 + 30 * wave, 1)
    if key == "battery_voltage":
        return round(26 + wave, 2)
    if key == "battery_power":
        return round(400 * wave, 1)
    return round(300 + 250 * wave, 1)


async def _run(hass: HomeAssistant, sources: list[Source], rounds: range) -> None:
    """One round per 1/RATE s: every source writes a new value, as after a poll."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    for index, step in enumerate(rounds):
        for source in sources:
            source.show(_value(source, step))
        await hass.async_block_till_done()
        await asyncio.sleep(max(0.0, start + (index + 1) / RATE - loop.time()))
    await hass.async_block_till_done()


async def _measure(scenario: str, config_dir: str) -> float:
    """Seconds of loop time for the measured stream in one fresh Home Assistant."""
    async with async_test_home_assistant(config_dir=config_dir) as hass:
        # Let the loader find custom_components/offgrid_power (cwd is the repository).
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
        sources = _sources()
        platform = MockEntityPlatform(hass, domain="sensor", platform_name="bench")
        await platform.async_add_entities(sources)
        await _run(hass, sources, range(WARM_UP_ROUNDS))
        if scenario == "system":
            entry = MockConfigEntry(
                domain=DOMAIN, data={CONF_FAMILY: SYSTEM_KIND}, options=_options(sources)
            )
            entry.add_to_hass(hass)
            assert await hass.config_entries.async_setup(entry.entry_id)
            await hass.async_block_till_done()
        # The loop runs in this thread: its CPU time is the loop's busy time.
        start = time.thread_time()
        await _run(hass, sources, range(WARM_UP_ROUNDS, WARM_UP_ROUNDS + ROUNDS))
        elapsed = time.thread_time() - start
        if scenario == "system" and len(hass.states.async_all()) <= len(sources):
            raise RuntimeError("the system entry created no entities")
        await hass.async_stop(force=True)
    return elapsed


async def main() -> dict[str, Any]:
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as config_dir:
        Path(config_dir, "custom_components").mkdir()
        for _ in range(REPETITIONS):
            # Interleaved, so a slow moment on a shared machine hits both scenarios alike.
            for scenario in SCENARIOS:
                seconds = await _measure(scenario, config_dir)
                best[scenario] = min(best.get(scenario, seconds), seconds)
    changes = ROUNDS * len(_sources())
    return {
        "state_changes": changes,
        "changes_per_second": RATE * len(_sources()),
        "microseconds_per_state_change": {
            scenario: seconds / changes * 1e6 for scenario, seconds in best.items()
        },
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
    sys.exit(0)
