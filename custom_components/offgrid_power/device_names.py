"""Device names after what a device is, never after the link that reaches it.

Entity ids are made from the device name, so an address in it would end up
in every entity id. Two identical devices would share a name; the second one
gets a number, and keeps it: its entity ids were made from it.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from .const import DOMAIN


def unique_device_name(hass: HomeAssistant, wanted: str, identifier: tuple[str, str]) -> str:
    """``wanted``, or ``wanted 2``, ``wanted 3``… when another of our devices has it."""
    own: dr.DeviceEntry | None = None
    taken: set[str] = set()
    registry = dr.async_get(hass)
    # Through our entries rather than the registry's mapping, which newer releases deprecate.
    for entry in hass.config_entries.async_entries(DOMAIN):
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
            if identifier in device.identifiers:
                own = device
            elif any(domain == DOMAIN for domain, _ in device.identifiers):
                taken.update(name for name in (device.name, device.name_by_user) if name)
    if own is not None and own.name is not None and _numbered(own.name, wanted):
        return own.name
    name, number = wanted, 1
    while name in taken:
        number += 1
        name = f"{wanted} {number}"
    return name


def _numbered(name: str, wanted: str) -> bool:
    """Whether ``name`` is ``wanted`` or ``wanted <n>``."""
    suffix = name.removeprefix(wanted)
    return suffix == "" or (suffix.startswith(" ") and suffix[1:].isdigit())
