"""Base entity and description shared by every family and platform."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity, DataUpdateCoordinator


def _always(_: object) -> bool:
    return True


@dataclass(frozen=True, kw_only=True)
class OffGridEntityDescription[DataT](EntityDescription):
    """Description fields every Off-Grid Power entity understands.

    ``exists_fn`` decides from the first data whether the device has the
    value at all (a phase, an optional sensor, a model's extra register);
    ``available_fn`` whether it is available now, beyond the coordinator's
    last poll working (a device on a bus that stopped answering).
    """

    exists_fn: Callable[[DataT], bool] = _always
    available_fn: Callable[[DataT], bool] = _always


class SettingWriter(Protocol):
    """A coordinator that can change a device setting.

    The writer validates the value, writes it, reads it back and refreshes
    its data; it raises a translated ServiceValidationError for a value out
    of range and a translated HomeAssistantError when the device refuses.
    """

    async def async_write_setting(self, key: str, value: float | str | bool) -> None:
        """Write one setting and confirm it by reading it back."""


class CommandSender(Protocol):
    """A coordinator that can make the device act once (a write-only command).

    The sender checks the command may be sent now, sends it and refreshes its
    data; it raises the same translated errors as a `SettingWriter`.
    """

    async def async_send_command(self, key: str) -> None:
        """Send one command."""


class OffGridEntity[CoordinatorT: DataUpdateCoordinator[Any]](CoordinatorEntity[CoordinatorT]):
    """An entity of one device, named by its translation key."""

    _attr_has_entity_name = True
    entity_description: OffGridEntityDescription[Any]

    def __init__(
        self,
        coordinator: CoordinatorT,
        description: OffGridEntityDescription[Any],
        device_info: DeviceInfo,
        unique_id_prefix: str,
    ) -> None:
        super().__init__(coordinator)
        self.entity_description = description
        self._attr_device_info = device_info
        self._attr_unique_id = f"{unique_id_prefix}_{description.key}"

    @property
    def available(self) -> bool:
        """Available while the last poll worked and the description says the value is there."""
        return super().available and self.entity_description.available_fn(self.coordinator.data)
