"""`make demo` end to end: a real HA starts, shows every simulated device and the off-grid
system live, fills the Energy dashboard, and stops cleanly."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
import signal

import aiohttp
import pytest

from scripts.demo_api import DemoApi
from scripts.demo_families import load_parts

from .demo_run import demo_release_only, exited, running_demo

pytestmark = pytest.mark.xdist_group("demo")


async def _live_values(api: DemoApi) -> dict[str, dict[str, str]]:
    """Numeric sensor states of the integration, by config entry and entity id."""
    entry_of = {
        entity["entity_id"]: entity["config_entry_id"]
        for entity in await api.entity_registry()
        if entity["platform"] == "offgrid_power"
    }
    values: dict[str, dict[str, str]] = {}
    for state in await api.states():
        entry = entry_of.get(state["entity_id"])
        if entry is not None and state["entity_id"].startswith("sensor."):
            try:
                float(state["state"])
            except ValueError:
                continue
            values.setdefault(entry, {})[state["entity_id"]] = state["state"]
    return values


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text in cmdline.read_bytes().decode(errors="replace"):
                found.append(cmdline.parent.name)
        except OSError:
            continue
    return found


@demo_release_only
async def test_demo_serves_the_integration_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    with running_demo(tmp_path) as demo:
        async with aiohttp.ClientSession() as session:
            api = DemoApi(session, demo.url)
            await api.login()
            flow = await api.start_flow()
            assert flow["type"] == "menu"
            assert flow["menu_options"] == ["powmr", "victron", "masterbus", "system"]

            # Every family's devices report numbers, and the numbers move.
            first = await _live_values(api)
            assert len(first) >= sum(len(part.flows()) for part in load_parts()), demo.output()
            changed: set[str] = set()
            for _ in range(60):
                await asyncio.sleep(1)
                now = await _live_values(api)
                changed |= {entry for entry, values in now.items() if values != first.get(entry)}
                if changed == set(first):
                    break
            assert changed == set(first), first

            # The demo added every device it runs: nothing is left "discovered".
            assert [
                flow for flow in await api.flows_in_progress() if flow["handler"] == "offgrid_power"
            ] == []
            assert "config_entry_discovery" not in {
                notification["notification_id"] for notification in await api.notifications()
            }

            # The system over the three families is among them, and its button filled the
            # Energy dashboard with its solar sources, battery and loads.
            registry = await api.entity_registry()
            button = next((e for e in registry if e["unique_id"].endswith("_add_to_energy")), None)
            assert button is not None, demo.output()
            system = button["config_entry_id"]
            assert system in first, demo.output()
            ours = {e["entity_id"] for e in registry if e["platform"] == "offgrid_power"}
            prefs = await api.energy_prefs()
            sources = prefs["energy_sources"]
            solar = [s["stat_energy_from"] for s in sources if s["type"] == "solar"]
            battery = [s for s in sources if s["type"] == "battery"]
            assert len(solar) == 2, prefs
            assert set(solar) <= ours
            assert len(battery) == 1, prefs
            assert {battery[0]["stat_energy_from"], battery[0]["stat_energy_to"]} <= set(
                first[system]
            )
            assert [d["stat_consumption"] for d in prefs["device_consumption"]] == [
                e["entity_id"]
                for e in registry
                if e["config_entry_id"] == system and e["unique_id"].endswith("_load_energy")
            ]

        demo.process.send_signal(signal.SIGINT)
        async with asyncio.timeout(60):
            assert await exited(demo.process) == 0
        # Neither the demo nor the Home Assistant it started is left behind.
        with pytest.raises(ProcessLookupError):
            os.killpg(demo.process.pid, 0)
        assert _processes_mentioning(str(tmp_path)) == []
