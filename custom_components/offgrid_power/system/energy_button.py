"""The system device's "Add to Energy dashboard" button.

Pressing it adds what the system brings to Home Assistant's energy
preferences (see `energy_prefs`) and tells the user, in a persistent
notification, which sensors it added, or that everything was already there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components import persistent_notification
from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.exceptions import HomeAssistantError

from custom_components.offgrid_power.const import DOMAIN

from .energy_prefs import EnergyPlanError, async_add_to_energy_dashboard
from .entities import device_info

if TYPE_CHECKING:
    from .runtime import SystemRuntime

ADD_TO_ENERGY = ButtonEntityDescription(
    key="add_to_energy",
    translation_key="system_add_to_energy",
    entity_category=EntityCategory.CONFIG,
)


def notification_id(entry_id: str) -> str:
    """One notification per system, replaced by the next press."""
    return f"{DOMAIN}_{entry_id}_energy"


class AddToEnergyDashboardButton(ButtonEntity):
    """Adds the system's solar, battery and load energy to the Energy dashboard."""

    _attr_has_entity_name = True
    entity_description = ADD_TO_ENERGY

    def __init__(self, runtime: SystemRuntime) -> None:
        self._runtime = runtime
        self._attr_unique_id = f"{runtime.entry.entry_id}_{ADD_TO_ENERGY.key}"
        self._attr_device_info = device_info(runtime)

    async def async_press(self) -> None:
        """Add what is missing and say what was added."""
        try:
            added = await async_add_to_energy_dashboard(self._runtime)
        except EnergyPlanError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="energy_sensors_missing"
            ) from err
        persistent_notification.async_create(
            self.hass,
            self._message(added),
            title=f"{self._runtime.entry.title}: Energy dashboard",
            notification_id=notification_id(self._runtime.entry.entry_id),
        )

    def _message(self, added: list[str]) -> str:
        if not added:
            return "The Energy dashboard already had every source of this system; nothing changed."
        lines = [f"- {self._name(entity_id)} (`{entity_id}`)" for entity_id in added]
        return "Added to the Energy dashboard:\n" + "\n".join(lines)

    def _name(self, entity_id: str) -> str:
        state = self.hass.states.get(entity_id)
        return state.name if state is not None else entity_id
