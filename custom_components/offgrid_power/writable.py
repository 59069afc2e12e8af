"""What the control platforms share: a write through the coordinator."""

from __future__ import annotations

from typing import Any, cast

from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .entity import OffGridEntity, SettingWriter


class OffGridSettingEntity(OffGridEntity[DataUpdateCoordinator[Any]]):
    """A control whose state is always the value read back from the device."""

    async def _async_write(self, key: str, value: float | str | bool) -> None:
        # The coordinator writes, reads back and refreshes, so the state that
        # follows is the device's, never an optimistic guess.
        await cast(SettingWriter, self.coordinator).async_write_setting(key, value)
