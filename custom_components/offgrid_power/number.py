"""Numbers: device settings such as charge currents and voltages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.number import NumberEntity, NumberEntityDescription
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import OffGridEntityDescription
from .models import OffGridConfigEntry
from .writable import OffGridSettingEntity

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class OffGridNumberEntityDescription(NumberEntityDescription, OffGridEntityDescription):
    """A numeric setting; ``setting_key`` names it to the coordinator."""

    setting_key: str
    value_fn: Callable[[Any], float | None]


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OffGridConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the numbers of the entry's family."""
    entry.runtime_data.async_add_platform_entities(Platform.NUMBER, async_add_entities)


class OffGridNumber(OffGridSettingEntity, NumberEntity):
    """A numeric setting of the device."""

    entity_description: OffGridNumberEntityDescription

    @property
    def native_value(self) -> float | None:
        """Return the value the device reported."""
        return self.entity_description.value_fn(self.coordinator.data)

    async def async_set_native_value(self, value: float) -> None:
        """Write the value and show what the device confirms."""
        await self._async_write(self.entity_description.setting_key, value)
