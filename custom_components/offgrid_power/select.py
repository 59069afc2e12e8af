"""Selects: device settings with a fixed set of options."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import Platform

from .entity import OffGridEntityDescription
from .models import platform_entry_setup
from .writable import OffGridSettingEntity

PARALLEL_UPDATES = 1

async_setup_entry = platform_entry_setup(Platform.SELECT)


@dataclass(frozen=True, kw_only=True)
class OffGridSelectEntityDescription[DataT](
    SelectEntityDescription, OffGridEntityDescription[DataT]
):
    """An enumerated setting; options are translation keys."""

    setting_key: str
    current_fn: Callable[[DataT], str | None]


class OffGridSelect(OffGridSettingEntity, SelectEntity):
    """An enumerated setting of the device."""

    entity_description: OffGridSelectEntityDescription[Any]

    @property
    def current_option(self) -> str | None:
        """Return the option the device reported; None for a code outside the options."""
        option = self.entity_description.current_fn(self.coordinator.data)
        return option if option in self.options else None

    async def async_select_option(self, option: str) -> None:
        """Write the option and show what the device confirms."""
        await self._async_write(self.entity_description.setting_key, option)
