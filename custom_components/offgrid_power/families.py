"""Which runtime serves which family.

Each family module exposes ``async_create_runtime(hass, entry)``; it connects,
does its first refresh and raises the usual ConfigEntry* errors when it cannot.
A family that keeps files of its own for an entry also deletes them when the
entry is removed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from homeassistant.core import HomeAssistant

from .const import Family
from .masterbus import (
    async_create_runtime as async_create_masterbus_runtime,
    async_remove_entry as async_remove_masterbus_entry,
)
from .models import OffGridConfigEntry, OffGridRuntime
from .powmr.runtime import async_create_runtime as async_create_powmr_runtime
from .victron.runtime import async_create_runtime as async_create_victron_runtime

type RuntimeFactory = Callable[[HomeAssistant, OffGridConfigEntry], Awaitable[OffGridRuntime]]

RUNTIME_FACTORIES: dict[Family, RuntimeFactory] = {
    Family.POWMR: async_create_powmr_runtime,
    Family.VICTRON: async_create_victron_runtime,
    Family.MASTERBUS: async_create_masterbus_runtime,
}

type EntryRemover = Callable[[HomeAssistant, OffGridConfigEntry], Awaitable[None]]

ENTRY_REMOVERS: dict[Family, EntryRemover] = {
    Family.MASTERBUS: async_remove_masterbus_entry,
}
