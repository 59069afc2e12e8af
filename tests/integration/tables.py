"""Snapshot tables of an entry's entities and devices.

A plain table (registry facts, state, attributes) rather than
`snapshot_platform`, whose registry reprs differ between the two Home
Assistant versions the suite runs on.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er


def entity_table(
    hass: HomeAssistant, entry_id: str, *, states: bool = True
) -> dict[str, dict[str, Any]]:
    """What a user sees of each entity of the entry; ``states=False`` leaves out the values."""
    devices = dr.async_get(hass)
    table: dict[str, dict[str, Any]] = {}
    for entry in er.async_entries_for_config_entry(er.async_get(hass), entry_id):
        state = hass.states.get(entry.entity_id)
        device = devices.async_get(entry.device_id) if entry.device_id else None
        table[entry.entity_id] = {
            "unique_id": entry.unique_id,
            "device": device.name if device else None,
            "original_name": entry.original_name,
            "translation_key": entry.translation_key,
            "entity_category": entry.entity_category,
            "disabled_by": entry.disabled_by,
            "attributes": {str(key): value for key, value in state.attributes.items()}
            if state
            else None,
        }
        if states:
            table[entry.entity_id]["state"] = state.state if state else None
    return dict(sorted(table.items()))


def device_table(hass: HomeAssistant, entry_id: str) -> dict[str, dict[str, Any]]:
    """The registry entries of the entry's devices, by name."""
    devices = dr.async_get(hass)
    table: dict[str, dict[str, Any]] = {}
    for device in dr.async_entries_for_config_entry(devices, entry_id):
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
