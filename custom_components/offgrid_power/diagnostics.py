"""Diagnostics download, with every secret redacted."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from homeassistant.components.diagnostics import REDACTED, async_redact_data
from homeassistant.core import HomeAssistant

from .models import OffGridConfigEntry
from .protocol.redact import safe_address

# Keys that must never leave the house: Bluetooth and network keys, and the
# addresses that identify a home's devices (serial port paths carry adapter
# serial numbers; titles may name a host).
TO_REDACT: Final = {
    "key",
    "encryption_key",
    "bindkey",
    "network_key",
    "network_id",
    "password",
    "access_code",
    "token",
    "unique_id",
    "serial_number",
    "address",
    "channel",
    "host",
    "mac",
    "device",
    "title",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: OffGridConfigEntry
) -> dict[str, Any]:
    """Return the entry's settings and its family's state, redacted."""
    return async_redact_data(
        {
            "entry": {
                "title": entry.title,
                "version": entry.version,
                "data": entry.runtime_data.diagnostics_settings(entry.data),
                "options": entry.runtime_data.diagnostics_settings(entry.options),
                "unique_id": entry.unique_id,
            },
            "runtime": entry.runtime_data.diagnostics(),
        },
        TO_REDACT,
    )


def without_addresses(text: str | None, addresses: Iterable[object]) -> str | None:
    """An error text for diagnostics with the entry's addresses taken out.

    The addresses sit under redacted keys elsewhere in the download; an error
    message (``cannot open slcan socket://host:3333: ...``) must not repeat
    them, neither as typed nor in the masked form the libraries print.
    """
    if text is None:
        return None
    for address in addresses:
        if address := str(address or ""):
            text = text.replace(address, REDACTED).replace(safe_address(address), REDACTED)
    return text
