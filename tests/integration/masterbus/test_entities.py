"""Every entity and device of the three simulated devices, pinned by snapshots.

The snapshot is a plain table (registry facts, state, attributes) rather than
`snapshot_platform`, whose registry reprs differ between the two Home
Assistant versions the suite runs on.
"""

from __future__ import annotations

import json
from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

import custom_components.offgrid_power as integration
from simulators.masterbus import MasterBusSimulator
from tests.integration.tables import device_table, entity_table

from .conftest import ENTRY_ID, bridge_data, make_entry, setup_entry, unload


@pytest.mark.parametrize("writes", [False, True], ids=["read_only", "writes"])
async def test_entities_of_the_three_devices(
    hass: HomeAssistant, simulator: MasterBusSimulator, snapshot: SnapshotAssertion, writes: bool
) -> None:
    entry = make_entry(hass, bridge_data(simulator), {"enable_writes": writes})
    await setup_entry(hass, entry)
    assert entity_table(hass, ENTRY_ID) == snapshot(name="entities")
    assert device_table(hass, ENTRY_ID) == snapshot(name="devices")
    await unload(hass, entry)


async def test_every_entity_without_a_device_class_has_an_icon(
    hass: HomeAssistant, simulator: MasterBusSimulator
) -> None:
    icons = json.loads((Path(integration.__file__).parent / "icons.json").read_text())["entity"]
    entry = make_entry(hass, bridge_data(simulator), {"enable_writes": True})
    await setup_entry(hass, entry)

    def device_class(registered: er.RegistryEntry) -> str | None:
        # A disabled entity (most settings) has no state, only its registry entry.
        state = hass.states.get(registered.entity_id)
        if state is None:
            return registered.original_device_class
        return state.attributes.get("device_class")

    lacking = [
        registered.entity_id
        for registered in er.async_entries_for_config_entry(er.async_get(hass), ENTRY_ID)
        if device_class(registered) is None
        and registered.translation_key not in icons.get(registered.domain, {})
    ]
    assert lacking == []
    await unload(hass, entry)
