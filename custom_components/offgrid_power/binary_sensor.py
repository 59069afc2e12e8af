"""Binary sensors: flags and alarms of every family."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .entity import OffGridEntity, OffGridEntityDescription
from .models import OffGridConfigEntry

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class OffGridBinarySensorEntityDescription(BinarySensorEntityDescription, OffGridEntityDescription):
    """A flag read from the family's data; None when not reported."""

    is_on_fn: Callable[[Any], bool | None]


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OffGridConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors of the entry's family."""
    entry.runtime_data.async_add_platform_entities(Platform.BINARY_SENSOR, async_add_entities)


class OffGridBinarySensor(OffGridEntity[DataUpdateCoordinator[Any]], BinarySensorEntity):
    """A flag of the device."""

    entity_description: OffGridBinarySensorEntityDescription

    @property
    def is_on(self) -> bool | None:
        """Return the flag, None when the device did not report it."""
        return self.entity_description.is_on_fn(self.coordinator.data)
