"""Adding a Victron device: discovery, manual pick, key checks, reauth, reconfigure."""

from __future__ import annotations

from datetime import timedelta
from unittest.mock import patch

from homeassistant.components import persistent_notification
from homeassistant.config_entries import SOURCE_BLUETOOTH, SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.offgrid_power.const import DOMAIN

from .conftest import (
    ADDRESS,
    OTHER_KEY,
    SHUNT_ADVERT,
    SOLAR_ADVERT,
    SOLAR_KEY,
    Inject,
    service_info,
    victron_entry,
)

pytestmark = pytest.mark.usefixtures("bluetooth")


async def _discover(hass: HomeAssistant, data: bytes = SOLAR_ADVERT) -> dict:
    return await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_BLUETOOTH}, data=service_info(data)
    )


async def _heard(hass: HomeAssistant, inject: Inject) -> dict:
    """Discovery of a device whose advertisement Home Assistant has just heard."""
    inject(SOLAR_ADVERT)
    await hass.async_block_till_done()
    # The manifest's Bluetooth matcher may already have started the flow.
    if flows := hass.config_entries.flow.async_progress_by_handler(DOMAIN):
        result = await hass.config_entries.flow.async_configure(flows[0]["flow_id"])
    else:
        result = await _discover(hass)
    assert result["type"] is FlowResultType.FORM, result
    return result


async def test_discovery_asks_for_key_and_creates_entry(
    hass: HomeAssistant, inject: Inject
) -> None:
    result = await _heard(hass, inject)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "victron_key"
    assert result["description_placeholders"]["name"] == "SmartSolar HQ2209ABCDE"

    # Spaces, dashes and capitals are forgiven.
    pasted = " " + "-".join(SOLAR_KEY[i : i + 4] for i in range(0, 32, 4)).upper() + " "
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"key": pasted})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "SmartSolar HQ2209ABCDE"
    assert result["result"].unique_id == ADDRESS
    assert result["data"] == {"family": "victron", "address": ADDRESS, "key": SOLAR_KEY}
    await hass.async_block_till_done()


@pytest.mark.parametrize(
    ("key", "field", "error"),
    [
        (SOLAR_KEY[1:], "key", "incomplete_key"),
        ("not a key at all", "key", "invalid_key"),
        (OTHER_KEY, "base", "wrong_key"),
    ],
)
async def test_bad_keys_keep_the_flow_open(
    hass: HomeAssistant, inject: Inject, key: str, field: str, error: str
) -> None:
    result = await _heard(hass, inject)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"key": key})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {field: error}
    # The device stays discoverable: the right key still works in the same flow.
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"key": SOLAR_KEY})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


async def test_key_with_matching_first_byte_but_garbage_is_refused(
    hass: HomeAssistant, inject: Inject
) -> None:
    result = await _heard(hass, inject)
    # Same first byte as the real key, so only the decrypted values give it away.
    impostor = SOLAR_KEY[:2] + "0" * 30
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"key": impostor})
    assert result["errors"] == {"base": "implausible_key"}


async def test_not_an_instant_readout_advert_aborts(hass: HomeAssistant) -> None:
    result = await _discover(hass, bytes.fromhex("0102030405060708"))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_supported"


async def test_already_configured_device_aborts(hass: HomeAssistant) -> None:
    victron_entry().add_to_hass(hass)
    result = await _discover(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_menu_lists_heard_devices_not_yet_configured(
    hass: HomeAssistant, inject: Inject
) -> None:
    other = "C0:3A:1B:2C:3D:99"
    inject(SOLAR_ADVERT)
    inject(SHUNT_ADVERT, address=other, name="SmartShunt")
    victron_entry(address=other).add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "victron"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "victron"
    schema = result["data_schema"].schema
    assert list(schema["address"].container) == [ADDRESS]
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"address": ADDRESS})
    assert result["step_id"] == "victron_key"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"key": SOLAR_KEY})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


async def test_menu_without_devices_aborts(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "victron"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_devices_found"


async def test_menu_when_every_heard_device_is_set_up_aborts(
    hass: HomeAssistant, inject: Inject
) -> None:
    inject(SOLAR_ADVERT)
    victron_entry().add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "victron"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_key_waits_for_an_advertisement(hass: HomeAssistant, inject: Inject) -> None:
    # Discovered earlier (e.g. before a restart) but no advertisement known now.
    result = await _discover(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"key": SOLAR_KEY})
    assert result["type"] is FlowResultType.SHOW_PROGRESS
    assert result["progress_action"] == "victron_wait"
    inject(SOLAR_ADVERT)
    await hass.async_block_till_done()
    result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


async def test_no_advertisement_in_time_is_an_error(hass: HomeAssistant) -> None:
    result = await _discover(hass)
    with patch("custom_components.offgrid_power.victron.config_flow.ADVERTISEMENT_TIMEOUT", 0.05):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"key": SOLAR_KEY}
        )
        assert result["type"] is FlowResultType.SHOW_PROGRESS
        await hass.async_block_till_done()
    result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "victron_key"
    assert result["errors"] == {"base": "no_advertisement"}


async def test_adding_a_discovered_device_from_the_menu_closes_its_discovery(
    hass: HomeAssistant, inject: Inject
) -> None:
    """No "New devices discovered" notification stays up once every device is added."""
    discovered = await _heard(hass, inject)
    assert discovered["step_id"] == "victron_key"
    # Home Assistant announces discoveries after a short cool-down (HA 2025.x).
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=30))
    await hass.async_block_till_done()
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "victron"}
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"address": ADDRESS})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"key": SOLAR_KEY})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []
    notifications = persistent_notification._async_get_or_create_notifications(hass)
    assert "config_entry_discovery" not in notifications
