"""Which runtime serves which kind of entry: a device family or the system.

Each family module exposes ``async_create_runtime(hass, entry)``; it connects,
does its first refresh and raises the usual ConfigEntry* errors when it cannot.
A family that keeps files of its own for an entry also deletes them when the
entry is removed, and one whose stored entries an older release wrote
differently brings them up to date.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from homeassistant.core import HomeAssistant

from .const import SYSTEM_KIND, Family
from .masterbus import (
    async_create_runtime as async_create_masterbus_runtime,
    async_remove_entry as async_remove_masterbus_entry,
)
from .models import OffGridConfigEntry, OffGridRuntime
from .powmr.migration import migrate_entry as migrate_powmr_entry
from .powmr.runtime import async_create_runtime as async_create_powmr_runtime
from .system import (
    async_create_runtime as async_create_system_runtime,
    async_remove_entry as async_remove_system_entry,
)
from .victron.runtime import async_create_runtime as async_create_victron_runtime

type RuntimeFactory = Callable[[HomeAssistant, OffGridConfigEntry], Awaitable[OffGridRuntime]]

# Keyed by the entry's CONF_FAMILY value: a Family member or SYSTEM_KIND.
RUNTIME_FACTORIES: dict[str, RuntimeFactory] = {
    Family.POWMR: async_create_powmr_runtime,
    Family.VICTRON: async_create_victron_runtime,
    Family.MASTERBUS: async_create_masterbus_runtime,
    SYSTEM_KIND: async_create_system_runtime,
}

type EntryRemover = Callable[[HomeAssistant, OffGridConfigEntry], Awaitable[None]]

ENTRY_REMOVERS: dict[str, EntryRemover] = {
    Family.MASTERBUS: async_remove_masterbus_entry,
    SYSTEM_KIND: async_remove_system_entry,
}

# Called with the entry's stored minor version, before the entry is set up.
type EntryMigration = Callable[[HomeAssistant, OffGridConfigEntry, int], None]

ENTRY_MIGRATIONS: dict[str, EntryMigration] = {
    Family.POWMR: migrate_powmr_entry,
}
