"""Numbers: device settings such as charge currents and voltages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.number import NumberEntity, NumberEntityDescription
from homeassistant.const import Platform

from .entity import OffGridEntityDescription
from .models import platform_entry_setup
from .writable import OffGridSettingEntity

PARALLEL_UPDATES = 1

async_setup_entry = platform_entry_setup(Platform.NUMBER)


@dataclass(frozen=True, kw_only=True)
class OffGridNumberEntityDescription[DataT](
    NumberEntityDescription, OffGridEntityDescription[DataT]
):
    """A numeric setting; ``setting_key`` names it to the coordinator."""

    setting_key: str
    value_fn: Callable[[DataT], float | None]


class OffGridNumber(OffGridSettingEntity, NumberEntity):
    """A numeric setting of the device."""

    entity_description: OffGridNumberEntityDescription[Any]

    @property
    def native_value(self) -> float | None:
        """Return the value the device reported."""
        return self.entity_description.value_fn(self.coordinator.data)

    async def async_set_native_value(self, value: float) -> None:
        """Write the value and show what the device confirms."""
        await self._async_write(self.entity_description.setting_key, value)
