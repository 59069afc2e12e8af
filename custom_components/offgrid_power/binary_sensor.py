"""Binary sensors: flags and alarms of every family."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.bluetooth.passive_update_processor import (
    PassiveBluetoothProcessorEntity,
)
from homeassistant.const import Platform
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .entity import OffGridEntity, OffGridEntityDescription
from .models import platform_entry_setup
from .victron.feed import VictronProcessor

PARALLEL_UPDATES = 0

async_setup_entry = platform_entry_setup(Platform.BINARY_SENSOR)


@dataclass(frozen=True, kw_only=True)
class OffGridBinarySensorEntityDescription[DataT](
    BinarySensorEntityDescription, OffGridEntityDescription[DataT]
):
    """A flag read from the family's data; None when not reported."""

    is_on_fn: Callable[[DataT], bool | None]


@dataclass(frozen=True, kw_only=True)
class OffGridLinkEntityDescription(BinarySensorEntityDescription, OffGridEntityDescription[Any]):
    """Whether the family's link works, asked of the coordinator rather than its data.

    After a failed poll the data is the last good one, so only the
    coordinator can say the link is down.
    """

    link_fn: Callable[[Any], bool]


class OffGridBinarySensor(OffGridEntity[DataUpdateCoordinator[Any]], BinarySensorEntity):
    """A flag of the device."""

    entity_description: OffGridBinarySensorEntityDescription[Any]

    @property
    def is_on(self) -> bool | None:
        """Return the flag, None when the device did not report it."""
        return self.entity_description.is_on_fn(self.coordinator.data)


class OffGridLinkSensor(OffGridEntity[DataUpdateCoordinator[Any]], BinarySensorEntity):
    """Whether the link works; stays available to say so."""

    entity_description: OffGridLinkEntityDescription

    @property
    def available(self) -> bool:
        """Always: it reports the link itself."""
        return True

    @property
    def is_on(self) -> bool:
        """The link is up and the last poll worked."""
        return self.coordinator.last_update_success and self.entity_description.link_fn(
            self.coordinator
        )


def binary_sensor_for(
    coordinator: DataUpdateCoordinator[Any],
    description: OffGridBinarySensorEntityDescription[Any] | OffGridLinkEntityDescription,
    device_info: DeviceInfo,
    unique_id_prefix: str,
) -> BinarySensorEntity:
    """Build the binary sensor that matches the kind of description."""
    if isinstance(description, OffGridLinkEntityDescription):
        return OffGridLinkSensor(coordinator, description, device_info, unique_id_prefix)
    return OffGridBinarySensor(coordinator, description, device_info, unique_id_prefix)


class VictronBinarySensor(PassiveBluetoothProcessorEntity[VictronProcessor], BinarySensorEntity):
    """A problem reported in the device's advertisement."""

    entity_description: BinarySensorEntityDescription

    @property
    def is_on(self) -> bool | None:
        value = self.processor.entity_data.get(self.entity_key)
        return None if value is None else bool(value)
