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
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .entity import OffGridEntity, OffGridEntityDescription
from .models import platform_entry_setup

PARALLEL_UPDATES = 0

async_setup_entry = platform_entry_setup(Platform.BINARY_SENSOR)


@dataclass(frozen=True, kw_only=True)
class OffGridBinarySensorEntityDescription(BinarySensorEntityDescription, OffGridEntityDescription):
    """A flag read from the family's data; None when not reported."""

    is_on_fn: Callable[[Any], bool | None]


class OffGridBinarySensor(OffGridEntity[DataUpdateCoordinator[Any]], BinarySensorEntity):
    """A flag of the device."""

    entity_description: OffGridBinarySensorEntityDescription

    @property
    def is_on(self) -> bool | None:
        """Return the flag, None when the device did not report it."""
        return self.entity_description.is_on_fn(self.coordinator.data)
