"""VE.Smart Networking in Home Assistant: the options, the network sensors, and what stays secret."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.offgrid_power.const import DOMAIN
from tests.protocol.victron.helpers import (
    NETWORK_ID,
    NETWORK_KEY,
    data_packet,
    entry,
    overflow_packet,
)

from .conftest import ADDRESS, Inject, solar_advert, victron_entry

pytestmark = pytest.mark.usefixtures("bluetooth")

OPTIONS = {"network_id": NETWORK_ID.hex(), "network_key": NETWORK_KEY.hex()}
CLEARTEXT = b"\x0f" + b"".join(
    (
        entry(0x2027, 123456, 4),  # total PV power, 0.01 W
        entry(0x2001, 1422, 2),  # charge voltage set-point, 0.01 V
        entry(0x200C, 5, 1),  # device state: float
        entry(0xED8C, -1500 & 0xFFFFFFFF, 4),  # battery current, mA
    )
)


async def _setup(hass: HomeAssistant, options: dict[str, str]) -> MockConfigEntry:
    config_entry = victron_entry(options=options)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


def _state(hass: HomeAssistant, key: str) -> str | None:
    entity_id = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, f"{ADDRESS}-{key}")
    if entity_id is None:
        return None
    state = hass.states.get(entity_id)
    return None if state is None else state.state


async def test_network_registers_become_sensors(hass: HomeAssistant, inject: Inject) -> None:
    await _setup(hass, OPTIONS)
    inject(solar_advert(nonce=1))
    inject(overflow_packet())
    inject(data_packet(CLEARTEXT))
    await hass.async_block_till_done()

    assert _state(hass, "network_total_pv_power") == "1234.56"
    assert _state(hass, "network_charge_voltage_setpoint") == "14.22"
    assert _state(hass, "network_device_state") == "float"
    assert _state(hass, "network_battery_current") == "-1.5"
    # Instant Readout carries on alongside.
    assert _state(hass, "pv_power") == "200"


async def test_wrong_network_key_shows_nothing_and_never_asks_for_the_device_key(
    hass: HomeAssistant, inject: Inject
) -> None:
    config_entry = await _setup(hass, OPTIONS | {"network_key": "00" * 16})
    for sequence in range(8):
        inject(overflow_packet(sequence=sequence * 2))
        inject(data_packet(CLEARTEXT, sequence=sequence * 2 + 1))
        await hass.async_block_till_done()
    assert _state(hass, "network_total_pv_power") is None
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    # Counters fail authentication, so data packets never find theirs.
    assert config_entry.runtime_data.decoder.errors == {
        "ve_smart_wrong_key": 8,
        "ve_smart_counter_unknown": 8,
    }


async def test_without_options_network_packets_are_only_counted(
    hass: HomeAssistant, inject: Inject
) -> None:
    config_entry = await _setup(hass, {})
    inject(overflow_packet())
    await hass.async_block_till_done()
    assert config_entry.runtime_data.decoder.errors == {"ve_smart_without_network_key": 1}


async def test_diagnostics_never_show_either_key(
    hass: HomeAssistant, inject: Inject, hass_client: ClientSessionGenerator
) -> None:
    config_entry = await _setup(hass, OPTIONS)
    inject(solar_advert(nonce=1))
    inject(overflow_packet())
    inject(data_packet(CLEARTEXT))
    await hass.async_block_till_done()

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, config_entry)

    text = str(diagnostics)
    assert NETWORK_KEY.hex() not in text
    assert config_entry.data["key"] not in text
    assert diagnostics["entry"]["options"] == {
        "network_id": "**REDACTED**",
        "network_key": "**REDACTED**",
    }
    assert diagnostics["runtime"]["ve_smart"]["last_message"]["values"][
        "network_total_pv_power"
    ] == pytest.approx(1234.56)


async def _options(hass: HomeAssistant, config_entry: MockConfigEntry, user_input: dict) -> dict:
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    assert result["step_id"] == "victron_options"
    return await hass.config_entries.options.async_configure(result["flow_id"], user_input)


async def test_options_switch_networking_on_and_reload(hass: HomeAssistant) -> None:
    config_entry = await _setup(hass, {})
    result = await _options(
        hass,
        config_entry,
        {"network_id": "01:0A", "network_key": NETWORK_KEY.hex().upper()},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert config_entry.options == OPTIONS
    assert config_entry.state is ConfigEntryState.LOADED
    assert config_entry.runtime_data.decoder.network is not None


@pytest.mark.parametrize(
    ("user_input", "errors"),
    [
        (
            {"network_id": "10a", "network_key": NETWORK_KEY.hex()},
            {"network_id": "invalid_network_id"},
        ),
        (
            {"network_id": "010a", "network_key": NETWORK_KEY.hex()[1:]},
            {"network_key": "incomplete_key"},
        ),
        ({"network_id": "010a", "network_key": "not hex"}, {"network_key": "invalid_key"}),
        ({"network_id": "010a"}, {"network_key": "invalid_key"}),
    ],
)
async def test_options_refuse_bad_ids_and_keys(
    hass: HomeAssistant, user_input: dict[str, str], errors: dict[str, str]
) -> None:
    config_entry = await _setup(hass, {})
    result = await _options(hass, config_entry, user_input)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors


async def test_options_keep_the_stored_key_and_switch_off_when_empty(hass: HomeAssistant) -> None:
    config_entry = await _setup(hass, OPTIONS)
    # The key is never shown again; an empty key field keeps it.
    result = await _options(hass, config_entry, {"network_id": "020b"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert config_entry.options == {"network_id": "020b", "network_key": NETWORK_KEY.hex()}
    await hass.async_block_till_done()

    result = await _options(hass, config_entry, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert config_entry.options == {}
    await hass.async_block_till_done()
    assert config_entry.runtime_data.decoder.network is None
