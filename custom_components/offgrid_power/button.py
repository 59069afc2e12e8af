"""Buttons: one-shot actions such as a rescan of a bus."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .entity import OffGridEntity, OffGridEntityDescription
from .models import OffGridConfigEntry

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class OffGridButtonEntityDescription(ButtonEntityDescription, OffGridEntityDescription):
    """An action run against the family's coordinator."""

    press_fn: Callable[[Any], Awaitable[None]]


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OffGridConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the buttons of the entry's family."""
    entry.runtime_data.async_add_platform_entities(Platform.BUTTON, async_add_entities)


class OffGridButton(OffGridEntity[DataUpdateCoordinator[Any]], ButtonEntity):
    """A one-shot action."""

    entity_description: OffGridButtonEntityDescription

    async def async_press(self) -> None:
        """Run the action."""
        await self.entity_description.press_fn(self.coordinator)
