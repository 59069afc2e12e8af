"""Config flow: one menu, one branch per device family, and one for the off-grid system."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigFlow, ConfigFlowResult, OptionsFlow
from homeassistant.core import callback

from .const import (
    CONF_FAMILY,
    DOMAIN,
    ENTRY_MINOR_VERSION,
    ENTRY_VERSION,
    SYSTEM_KIND,
    Family,
)
from .masterbus.config_flow import MasterbusConfigFlowMixin, MasterbusOptionsFlow
from .powmr.config_flow import PowmrConfigFlowMixin, PowmrOptionsFlow
from .system.config_flow import SystemConfigFlowMixin, SystemOptionsFlow
from .victron.config_flow import VictronConfigFlowMixin, VictronOptionsFlow

# The options flow of each kind of entry (CONF_FAMILY value) that has options.
OPTIONS_FLOWS: dict[str, type[OptionsFlow]] = {
    Family.POWMR: PowmrOptionsFlow,
    Family.VICTRON: VictronOptionsFlow,
    Family.MASTERBUS: MasterbusOptionsFlow,
    SYSTEM_KIND: SystemOptionsFlow,
}


class OffGridConfigFlow(
    PowmrConfigFlowMixin,
    VictronConfigFlowMixin,
    MasterbusConfigFlowMixin,
    SystemConfigFlowMixin,
    ConfigFlow,
    domain=DOMAIN,
):
    """Add a PowMr inverter, a Victron Bluetooth device, a MasterBus network or the system."""

    VERSION = ENTRY_VERSION
    MINOR_VERSION = ENTRY_MINOR_VERSION

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """The options of the entry's family (or of the system)."""
        return OPTIONS_FLOWS[config_entry.data[CONF_FAMILY]]()

    @classmethod
    @callback
    def async_supports_options_flow(cls, config_entry: ConfigEntry) -> bool:
        """Only families with options offer the options dialog."""
        return config_entry.data.get(CONF_FAMILY) in OPTIONS_FLOWS

    @callback
    def async_create_entry(self, *args: Any, **kwargs: Any) -> ConfigFlowResult:
        """Create the entry after closing the discovery flows of the same device.

        Home Assistant closes them too, but only after it has decided whether
        the "New devices discovered" notification may go; so adding the last
        discovered device by hand (from the menu) left it up (HA 2025.x).
        """
        if self.unique_id is not None:
            flows = self.hass.config_entries.flow
            for flow in flows.async_progress_by_handler(
                DOMAIN, match_context={"unique_id": self.unique_id}
            ):
                if flow["flow_id"] != self.flow_id:
                    flows.async_abort(flow["flow_id"])
        return super().async_create_entry(*args, **kwargs)

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Let the user pick the family of the device to add, or the system across them."""
        return self.async_show_menu(
            step_id="user", menu_options=[*(family.value for family in Family), SYSTEM_KIND]
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Hand the reauth to the entry's family: ``async_step_<family>_reauth``."""
        return await self._async_family_step("reauth", entry_data.get(CONF_FAMILY), entry_data)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Hand the reconfigure to the entry's family: ``async_step_<family>_reconfigure``."""
        family = self._get_reconfigure_entry().data.get(CONF_FAMILY)
        return await self._async_family_step("reconfigure", family, user_input)

    async def _async_family_step(
        self, source: str, family: object, user_input: Mapping[str, Any] | None
    ) -> ConfigFlowResult:
        step = getattr(self, f"async_step_{family}_{source}", None)
        if step is None:
            return self.async_abort(reason=f"{source}_unsupported")
        result: ConfigFlowResult = await step(user_input)
        return result
