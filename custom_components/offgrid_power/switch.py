"""Switches: on/off device settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import Platform

from .entity import OffGridEntityDescription
from .models import platform_entry_setup
from .writable import OffGridSettingEntity

PARALLEL_UPDATES = 1

async_setup_entry = platform_entry_setup(Platform.SWITCH)


@dataclass(frozen=True, kw_only=True)
class OffGridSwitchEntityDescription[DataT](
    SwitchEntityDescription, OffGridEntityDescription[DataT]
):
    """An on/off setting."""

    setting_key: str
    is_on_fn: Callable[[DataT], bool | None]


class OffGridSwitch(OffGridSettingEntity, SwitchEntity):
    """An on/off setting of the device."""

    entity_description: OffGridSwitchEntityDescription[Any]

    @property
    def is_on(self) -> bool | None:
        """Return the setting the device reported."""
        return self.entity_description.is_on_fn(self.coordinator.data)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch the setting on and show what the device confirms."""
        await self._async_write(self.entity_description.setting_key, True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch the setting off and show what the device confirms."""
        await self._async_write(self.entity_description.setting_key, False)
