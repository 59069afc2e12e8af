"""No Victron key escapes: the device key and the VE.Smart network key.

The key step runs with a wrong and then the right key, the entry decodes
Instant Readout and network packets, and the diagnostics are downloaded; then
logs (DEBUG), diagnostics, flow results, reprs (the decoder and the network
object hold both keys) and entity states are searched.
"""

from __future__ import annotations

import logging

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.offgrid_power.const import DOMAIN
from tests.integration.secrets import (
    assert_no_secret,
    diagnostics_text,
    entity_text,
    log_text,
    reprs,
)
from tests.protocol.victron.helpers import NETWORK_KEY, data_packet, entry, overflow_packet

from .conftest import OTHER_KEY, SOLAR_ADVERT, SOLAR_KEY, Inject, service_info, solar_advert

pytestmark = pytest.mark.usefixtures("bluetooth")


async def test_keys_stay_secret(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    inject: Inject,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    inject(SOLAR_ADVERT)
    await hass.async_block_till_done()
    if flows := hass.config_entries.flow.async_progress_by_handler(DOMAIN):
        result = await hass.config_entries.flow.async_configure(flows[0]["flow_id"])
    else:
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": "bluetooth"}, data=service_info(SOLAR_ADVERT)
        )
    assert result["step_id"] == "victron_key"
    wrong = await hass.config_entries.flow.async_configure(result["flow_id"], {"key": OTHER_KEY})
    assert wrong["errors"] == {"base": "wrong_key"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"key": SOLAR_KEY})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    config_entry = result["result"]
    await hass.async_block_till_done()

    options = await hass.config_entries.options.async_init(config_entry.entry_id)
    options = await hass.config_entries.options.async_configure(
        options["flow_id"], {"network_id": "010a", "network_key": NETWORK_KEY.hex()}
    )
    assert options["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    inject(solar_advert(nonce=7))
    inject(overflow_packet())
    inject(data_packet(b"\x0f" + entry(0x2027, 123456, 4)))
    await hass.async_block_till_done()

    assert_no_secret(
        (SOLAR_KEY, OTHER_KEY, NETWORK_KEY.hex()),
        logs=log_text(caplog.records),
        diagnostics=await diagnostics_text(hass, hass_client, config_entry),
        flows=[repr(wrong), repr({k: v for k, v in result.items() if k not in ("data", "result")})],
        reprs=reprs(config_entry.runtime_data, config_entry),
        entities=entity_text(hass),
    )
    assert await hass.config_entries.async_unload(config_entry.entry_id)
