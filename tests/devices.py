"""Device registry look-ups that work on every Home Assistant release the suite runs.

``DeviceRegistry.async_get_device`` is deprecated from 2026.x on (identifiers are
unique per config entry only) and its successors do not exist on the floor
release, so tests look devices up through the entries of our domain.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from custom_components.offgrid_power.const import DOMAIN


def _our_devices(hass: HomeAssistant) -> list[dr.DeviceEntry]:
    registry = dr.async_get(hass)
    return [
        device
        for entry in hass.config_entries.async_entries(DOMAIN)
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id)
    ]


def device_with_identifier(
    hass: HomeAssistant, identifier: tuple[str, str]
) -> dr.DeviceEntry | None:
    """Our device that has this identifier, or None."""
    return next((d for d in _our_devices(hass) if identifier in d.identifiers), None)


def device_with_connection(
    hass: HomeAssistant, connection: tuple[str, str]
) -> dr.DeviceEntry | None:
    """Our device that has this connection, or None."""
    return next((d for d in _our_devices(hass) if connection in d.connections), None)
