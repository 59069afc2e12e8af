"""The family menu of the config flow."""

from __future__ import annotations

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.offgrid_power.const import DOMAIN, Family
from custom_components.offgrid_power.families import RUNTIME_FACTORIES


async def test_menu_lists_the_three_families(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["powmr", "victron", "masterbus"]


@pytest.mark.parametrize("family", [family for family in Family if family not in RUNTIME_FACTORIES])
async def test_family_without_runtime_aborts(hass: HomeAssistant, family: Family) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": family}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "family_unavailable"
