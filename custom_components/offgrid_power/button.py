"""Buttons: one-shot actions such as a rescan of a bus."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import Platform
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .entity import OffGridEntity, OffGridEntityDescription
from .models import platform_entry_setup

PARALLEL_UPDATES = 1

async_setup_entry = platform_entry_setup(Platform.BUTTON)


@dataclass(frozen=True, kw_only=True)
class OffGridButtonEntityDescription(ButtonEntityDescription, OffGridEntityDescription):
    """An action run against the family's coordinator."""

    press_fn: Callable[[Any], Awaitable[None]]


class OffGridButton(OffGridEntity[DataUpdateCoordinator[Any]], ButtonEntity):
    """A one-shot action."""

    entity_description: OffGridButtonEntityDescription

    async def async_press(self) -> None:
        """Run the action."""
        await self.entity_description.press_fn(self.coordinator)
