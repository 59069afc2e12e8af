"""The typed runtime data every config entry carries."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntry
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

type OffGridConfigEntry = ConfigEntry[OffGridRuntime]


class OffGridRuntime(ABC):
    """What a family hands to the generic platforms once its link is up.

    A family owns its connection, coordinator and entity descriptions; the
    platform modules only ask it for the entities of their platform.
    """

    platforms: tuple[Platform, ...] = ()

    def __init__(self, hass: HomeAssistant, entry: OffGridConfigEntry) -> None:
        self.hass = hass
        self.entry = entry

    @abstractmethod
    def async_add_platform_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Create this family's entities for one platform."""

    @abstractmethod
    async def async_shutdown(self) -> None:
        """Release the link: sockets, buses, tasks. Called on unload."""

    def async_remove_device(self, device_entry: DeviceEntry) -> bool:
        """Whether the user may delete a device; only a family that sees it is gone says yes."""
        return False

    def diagnostics(self) -> dict[str, Any]:
        """Return family state for the diagnostics download, before redaction."""
        return {}

    def diagnostics_settings(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        """Return the entry's data or options for the diagnostics download, before redaction.

        A family whose settings hold identifiers outside the redacted keys (as
        dictionary keys, say) replaces them here.
        """
        return dict(settings)


type PlatformEntrySetup = Callable[
    [HomeAssistant, OffGridConfigEntry, AddConfigEntryEntitiesCallback],
    Coroutine[Any, Any, None],
]


def platform_entry_setup(platform: Platform) -> PlatformEntrySetup:
    """Build a platform's ``async_setup_entry``: it asks the family for its entities."""

    async def async_setup_entry(
        hass: HomeAssistant,
        entry: OffGridConfigEntry,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        entry.runtime_data.async_add_platform_entities(platform, async_add_entities)

    return async_setup_entry
