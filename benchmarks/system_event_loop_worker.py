"""Measures what an off-grid system entry adds to the event-loop time of its sources (run by
bench_system_event_loop).

One Home Assistant with 20 source sensors (battery, charger state, seven
solar sources with their kWh, AC and DC load), real ``SensorEntity`` objects
that write their state as a family's entities do, and Off-Grid Power set up.
One stream of value changes goes through them in windows, alternately with
no system entry ("sources") and with a system entry listening to all 20
("system", set up before its window and removed after it): every source
changes ``RATE`` times a second for ``SECONDS`` seconds of real time per
window, so the system's timers (it refreshes at most every two seconds, and
its thirty-second tick writes its counters and day figures) run as they
would. The loop time is the CPU time of the event loop's thread over a
window, every state write, event, listener and timer included; the waits
between rounds are not loop time.

How the measurement keeps its noise down (on a shared virtual machine a
single pair still varies by about a tenth either way, more than the 5 % it
judges: the median over the pairs is what counts):

* Both scenarios run in the same interpreter and Home Assistant, so the
  difference is the system entry alone: not a process's memory layout, hash
  seed or imports, nor what Off-Grid Power loads with it (Bluetooth, USB).
* A window starts ``SETTLE_SECONDS`` after the system entry's setup or
  removal, in both scenarios alike: by then the registries have written what
  changed (they save 10 s after a change) and the system has written its
  figures once. Setting up is a one-off, not the cost of listening.
* ``gc.collect()`` right before the window, so no window collects the
  garbage of what came before it; the collections the stream itself causes
  stay in.
* The stream's values are computed before the window, and nothing but the
  sources' writes and the loop's own waits runs per round (no
  ``async_block_till_done``, a test helper no installation runs): the
  benchmark's own work would otherwise swell both figures alike and shrink
  the ratio.
* The machine is shared, so one window's figure moves with the load. The
  scenarios run in ``PAIRS`` pairs, one right after the other, taking turns
  at going first; what counts is each pair's ratio, and the median of those
  (`bench_system_event_loop`).

Prints one JSON object: microseconds of loop time per source state change,
by scenario, in the order of the pairs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator
import gc
from itertools import count, islice
import json
import math
import sys
import time
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity, SensorStateClass
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockEntityPlatform

from custom_components.offgrid_power.const import CONF_FAMILY, DOMAIN, SYSTEM_KIND

from .worker import home_assistant, scratch_config_dir

SOLAR_SOURCES = 7
# Changes per source per second: Bluetooth devices send about one reading a second;
# ten is a busy system, where a per-change cost would show most.
RATE = 10
# Long enough for every periodic cost of the system entry to be in the window
# in its true share: the 1 s refreshes, the counters' and day figures' writes
# (every 10 s), the 30 s tick that integrates steady sources, and the save 10 s
# after it (the window starts SETTLE_SECONDS after setup, the tick 30 s after).
SECONDS = 30
# Every source has a state before the system entry starts, as in a running installation.
FIRST_ROUNDS = RATE
SETTLE_SECONDS = 12
PAIRS = 7
SCENARIOS = ("sources", "system")
ROUNDS = RATE * SECONDS

type Value = float | str


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

    def show(self, value: Value) -> None:
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


def _value(source: Source, step: int) -> Value:
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


def _stream(sources: list[Source], steps: Iterable[int]) -> list[list[tuple[Source, Value]]]:
    """The writes of every round, worked out in advance."""
    return [[(source, _value(source, step)) for source in sources] for step in steps]


async def _run(hass: HomeAssistant, stream: list[list[tuple[Source, Value]]]) -> None:
    """One round per 1/RATE s: every source writes a new value, as after a poll."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    for index, writes in enumerate(stream):
        for source, value in writes:
            source.show(value)
        # The loop runs what the writes caused (listeners, timers) while it waits.
        await asyncio.sleep(max(0.0, start + (index + 1) / RATE - loop.time()))
    await hass.async_block_till_done()


async def _measure(
    hass: HomeAssistant, sources: list[Source], scenario: str, steps: Iterator[int]
) -> float:
    """Microseconds of loop time per source state change, with or without a system entry."""
    entry = None
    if scenario == "system":
        entry = MockConfigEntry(
            domain=DOMAIN, data={CONF_FAMILY: SYSTEM_KIND}, options=_options(sources)
        )
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    await _run(hass, _stream(sources, islice(steps, RATE * SETTLE_SECONDS)))
    window = _stream(sources, islice(steps, ROUNDS))
    gc.collect()
    # The loop runs in this thread: its CPU time is the loop's busy time.
    start = time.thread_time()
    await _run(hass, window)
    elapsed = time.thread_time() - start
    if entry is not None:
        if len(hass.states.async_all()) <= len(sources):
            raise RuntimeError("the system entry created no entities")
        # Removed, not only unloaded: the next system window starts from a first setup.
        await hass.config_entries.async_remove(entry.entry_id)
        await hass.async_block_till_done()
    return elapsed / (len(window) * len(sources)) * 1e6


async def main() -> dict[str, Any]:
    figures: dict[str, list[float]] = {scenario: [] for scenario in SCENARIOS}
    with scratch_config_dir() as path:
        async with home_assistant(path) as hass:
            sources = _sources()
            platform = MockEntityPlatform(hass, domain="sensor", platform_name="bench")
            await platform.async_add_entities(sources)
            steps = count()
            await _run(hass, _stream(sources, islice(steps, FIRST_ROUNDS)))
            assert await async_setup_component(hass, DOMAIN, {})
            for pair in range(PAIRS):
                for scenario in SCENARIOS if pair % 2 == 0 else SCENARIOS[::-1]:
                    figures[scenario].append(await _measure(hass, sources, scenario, steps))
    return {
        "state_changes": ROUNDS * len(sources),
        "changes_per_second": RATE * len(sources),
        "microseconds_per_state_change": figures,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
    sys.exit(0)
