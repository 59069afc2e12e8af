"""The system device's "Create dashboard" button: makes or refreshes the system dashboard."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory

from .dashboard import async_create_or_update
from .entities import device_info

if TYPE_CHECKING:
    from .runtime import SystemRuntime

CREATE_DASHBOARD = ButtonEntityDescription(
    key="create_dashboard",
    translation_key="system_create_dashboard",
    entity_category=EntityCategory.CONFIG,
)


class CreateDashboardButton(ButtonEntity):
    """Writes the system dashboard from the system's current choice; never a second one."""

    _attr_has_entity_name = True
    entity_description = CREATE_DASHBOARD

    def __init__(self, runtime: SystemRuntime) -> None:
        self._runtime = runtime
        self._attr_unique_id = f"{runtime.entry.entry_id}_{CREATE_DASHBOARD.key}"
        self._attr_device_info = device_info(runtime)

    async def async_press(self) -> None:
        """Create the dashboard, or rewrite it in place."""
        await async_create_or_update(self.hass, self._runtime.entry)
