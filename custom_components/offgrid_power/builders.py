"""Which entity each platform builds from a polled family's description.

The entity classes live in the platform modules; a polled family (PowMr,
MasterBus) only says, per platform, which descriptions a device has, and
``build_entities`` turns them into entities of the matching class.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from homeassistant.const import Platform
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .binary_sensor import binary_sensor_for
from .button import OffGridButton
from .entity import OffGridEntityDescription
from .number import OffGridNumber
from .select import OffGridSelect
from .sensor import sensor_for
from .switch import OffGridSwitch

type EntityBuilder = Callable[[DataUpdateCoordinator[Any], Any, DeviceInfo, str], Entity]

ENTITY_BUILDERS: dict[Platform, EntityBuilder] = {
    Platform.SENSOR: sensor_for,
    Platform.BINARY_SENSOR: binary_sensor_for,
    Platform.NUMBER: OffGridNumber,
    Platform.SELECT: OffGridSelect,
    Platform.SWITCH: OffGridSwitch,
    Platform.BUTTON: OffGridButton,
}


def build_entities(
    platform: Platform,
    coordinator: DataUpdateCoordinator[Any],
    descriptions: Iterable[OffGridEntityDescription[Any]],
    device_info: DeviceInfo,
    unique_id_prefix: str,
) -> list[Entity]:
    """The entities of one device on one platform."""
    build = ENTITY_BUILDERS[platform]
    return [
        build(coordinator, description, device_info, unique_id_prefix)
        for description in descriptions
    ]
