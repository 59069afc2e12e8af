"""The off-grid system entry: one device that sees the battery, solar and loads together.

It owns no link: it listens to the entities the user chose (from any family or
integration) and keeps the system's values, energy counters and daily insights.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from custom_components.offgrid_power.const import DOMAIN
from custom_components.offgrid_power.models import OffGridConfigEntry

from .choice import parse_choice
from .dashboard import async_entry_removed
from .repairs import issue_id
from .runtime import SystemRuntime, store_for


async def async_create_runtime(hass: HomeAssistant, entry: OffGridConfigEntry) -> SystemRuntime:
    """Restore the system's day and start listening to its sources."""
    runtime = SystemRuntime(hass, entry)
    await runtime.async_start()
    entry.async_on_unload(entry.add_update_listener(_async_reload_on_change))
    return runtime


async def _async_reload_on_change(hass: HomeAssistant, entry: OffGridConfigEntry) -> None:
    # The options flow changed the choice or the thresholds; a reconfigure reloads by itself.
    runtime = entry.runtime_data
    if isinstance(runtime, SystemRuntime) and parse_choice(entry.options) != runtime.choice:
        hass.config_entries.async_schedule_reload(entry.entry_id)


async def async_remove_entry(hass: HomeAssistant, entry: OffGridConfigEntry) -> None:
    """Delete the stored counters and insights, and the entry's repair issue.

    A dashboard made for the system stays until the user agrees to remove it.
    """
    await store_for(hass, entry.entry_id).async_remove()
    ir.async_delete_issue(hass, DOMAIN, issue_id(entry.entry_id))
    await async_entry_removed(hass, entry)
