"""Diagnostics carry the family's state and no secrets."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.offgrid_power.const import CONF_FAMILY, DOMAIN, Family

from .loopback_family import LoopbackMeter


async def test_diagnostics_redact_keys_and_addresses(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    loopback_family: Family,
    loopback_meter: LoopbackMeter,
) -> None:
    secret = "0df4d0395b7d1a876c0c33ecb9b70dcd"
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={CONF_FAMILY: loopback_family, "port": loopback_meter.port, "key": secret},
        unique_id="inverter-serial-1234",
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    assert secret not in str(diagnostics)
    assert "inverter-serial-1234" not in str(diagnostics)
    assert diagnostics["entry"]["data"]["key"] == "**REDACTED**"
    assert diagnostics["runtime"]["address"] == "**REDACTED**"
    assert diagnostics["runtime"]["data"]["power"] == 1000.0
