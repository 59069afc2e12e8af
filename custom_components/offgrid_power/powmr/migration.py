"""PowMr entries stored by older releases, brought up to date before setup."""

from __future__ import annotations

from homeassistant.core import HomeAssistant

from custom_components.offgrid_power.const import DOMAIN, LOGGER
from custom_components.offgrid_power.models import OffGridConfigEntry

from .config_flow import unique_id_for

# Minor version 2 took the credentials out of the unique id.
_SAFE_UNIQUE_ID = 2


def migrate_entry(hass: HomeAssistant, entry: OffGridConfigEntry, minor_version: int) -> None:
    """Rewrite what changed since ``minor_version``.

    Before minor version 2 the unique id was the link as typed, so a serial
    proxy's ``noise_psk`` or a ``user:password@`` host showed wherever Home
    Assistant shows or logs an entry. The id is now the link with those
    taken out, which still tells links apart.
    """
    if minor_version >= _SAFE_UNIQUE_ID:
        return
    try:
        unique_id = unique_id_for(entry.data)
    except (KeyError, ValueError):
        # No link this release can read: setup reports the entry's data as invalid.
        return
    if unique_id == entry.unique_id:
        return
    taken = any(
        other.unique_id == unique_id and other.entry_id != entry.entry_id
        for other in hass.config_entries.async_entries(DOMAIN)
    )
    if taken:
        # Two entries for one link that only differed in a credential: the
        # second keeps a distinct id, still without the credential.
        unique_id = f"{unique_id} {entry.entry_id}"
    LOGGER.debug("PowMr entry %s: unique id without credentials", entry.entry_id)
    hass.config_entries.async_update_entry(entry, unique_id=unique_id)
