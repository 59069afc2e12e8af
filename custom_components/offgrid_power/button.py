"""Buttons: one-shot actions.

The off-grid system's (Energy dashboard, system dashboard) are made by its
runtime (see system/runtime.py); a polled family's device commands (PowMr
SMG-II's exit fault mode) are built from ``OffGridButtonEntityDescription``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import Platform
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .entity import CommandSender, OffGridEntity, OffGridEntityDescription
from .models import platform_entry_setup

# Each press writes Home Assistant's own storage or the device: one at a time.
PARALLEL_UPDATES = 1

async_setup_entry = platform_entry_setup(Platform.BUTTON)


@dataclass(frozen=True, kw_only=True)
class OffGridButtonEntityDescription[DataT](
    ButtonEntityDescription, OffGridEntityDescription[DataT]
):
    """A device command; ``command_key`` names it to the coordinator."""

    command_key: str


class OffGridButton(OffGridEntity[DataUpdateCoordinator[Any]], ButtonEntity):
    """A command the device carries out once per press."""

    entity_description: OffGridButtonEntityDescription[Any]

    async def async_press(self) -> None:
        """Send the command; the refresh that follows shows what the device made of it."""
        await cast(CommandSender, self.coordinator).async_send_command(
            self.entity_description.command_key
        )
