"""Every entity and device of the three simulated devices, pinned by snapshots.

The snapshot is a plain table (registry facts, state, attributes) rather than
`snapshot_platform`, whose registry reprs differ between the two Home
Assistant versions the suite runs on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

import custom_components.offgrid_power as integration
from simulators.masterbus import MasterBusSimulator

from .conftest import ENTRY_ID, bridge_data, make_entry, setup_entry, unload


def entity_table(hass: HomeAssistant) -> dict[str, dict[str, Any]]:
    """What a user sees of each entity of the entry."""
    devices = dr.async_get(hass)
    table: dict[str, dict[str, Any]] = {}
    for entry in er.async_entries_for_config_entry(er.async_get(hass), ENTRY_ID):
        state = hass.states.get(entry.entity_id)
        device = devices.async_get(entry.device_id) if entry.device_id else None
        table[entry.entity_id] = {
            "unique_id": entry.unique_id,
            "device": device.name if device else None,
            "original_name": entry.original_name,
            "translation_key": entry.translation_key,
            "entity_category": entry.entity_category,
            "disabled_by": entry.disabled_by,
            "state": state.state if state else None,
            "attributes": {str(key): value for key, value in state.attributes.items()}
            if state
            else None,
        }
    return dict(sorted(table.items()))


def device_table(hass: HomeAssistant) -> dict[str, dict[str, Any]]:
    """The registry entries of the hub and the Mastervolt devices."""
    devices = dr.async_get(hass)
    table: dict[str, dict[str, Any]] = {}
    for device in dr.async_entries_for_config_entry(devices, ENTRY_ID):
        via = devices.async_get(device.via_device_id) if device.via_device_id else None
        table[str(device.name)] = {
            "identifiers": sorted(device.identifiers),
            "manufacturer": device.manufacturer,
            "model": device.model,
            "model_id": device.model_id,
            "serial_number": device.serial_number,
            "sw_version": device.sw_version,
            "via_device": via.name if via else None,
        }
    return dict(sorted(table.items()))


@pytest.mark.parametrize("writes", [False, True], ids=["read_only", "writes"])
async def test_entities_of_the_three_devices(
    hass: HomeAssistant, simulator: MasterBusSimulator, snapshot: SnapshotAssertion, writes: bool
) -> None:
    entry = make_entry(hass, bridge_data(simulator), {"enable_writes": writes})
    await setup_entry(hass, entry)
    assert entity_table(hass) == snapshot(name="entities")
    assert device_table(hass) == snapshot(name="devices")
    await unload(hass, entry)


async def test_every_entity_without_a_device_class_has_an_icon(
    hass: HomeAssistant, simulator: MasterBusSimulator
) -> None:
    icons = json.loads((Path(integration.__file__).parent / "icons.json").read_text())["entity"]
    entry = make_entry(hass, bridge_data(simulator), {"enable_writes": True})
    await setup_entry(hass, entry)
    lacking = [
        registered.entity_id
        for registered in er.async_entries_for_config_entry(er.async_get(hass), ENTRY_ID)
        if "device_class" not in hass.states.get(registered.entity_id).attributes
        and registered.translation_key not in icons.get(registered.domain, {})
    ]
    assert lacking == []
    await unload(hass, entry)
