"""Config flow: one menu, one branch per device family."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult

from .const import DOMAIN, Family
from .families import RUNTIME_FACTORIES


class OffGridConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a PowMr inverter, a Victron Bluetooth device or a MasterBus network."""

    VERSION = 1

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Let the user pick the family of the device to add."""
        return self.async_show_menu(
            step_id="user", menu_options=[family.value for family in Family]
        )

    async def async_step_powmr(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Add a PowMr inverter."""
        return self._async_family_unavailable(Family.POWMR)

    async def async_step_victron(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Add a Victron Bluetooth device."""
        return self._async_family_unavailable(Family.VICTRON)

    async def async_step_masterbus(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Add a MasterBus network."""
        return self._async_family_unavailable(Family.MASTERBUS)

    def _async_family_unavailable(self, family: Family) -> ConfigFlowResult:
        # A family's steps replace this as soon as its runtime exists.
        assert family not in RUNTIME_FACTORIES
        return self.async_abort(
            reason="family_unavailable", description_placeholders={"family": family.value}
        )
