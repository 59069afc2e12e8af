"""A configured Victron device: entities, availability, reauth, reconfigure, diagnostics."""

from __future__ import annotations

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.offgrid_power.const import DOMAIN
from tests.devices import device_with_connection

from .conftest import (
    ADDRESS,
    OTHER_KEY,
    SHUNT_ADVERT,
    SHUNT_KEY,
    SOLAR_ADVERT,
    SOLAR_KEY,
    Inject,
    solar_advert,
    victron_entry,
)


async def _setup(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def _state(hass: HomeAssistant, platform: str, key: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{ADDRESS}-{key}")
    assert entity_id is not None, key
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


async def test_solar_charger_entities(
    hass: HomeAssistant, inject: Inject, device_registry: dr.DeviceRegistry
) -> None:
    entry = await _setup(hass, victron_entry())
    inject(SOLAR_ADVERT)
    await hass.async_block_till_done()

    assert _state(hass, "sensor", "device_state") == "absorption"
    assert _state(hass, "sensor", "charger_error") == "no_error"
    assert float(_state(hass, "sensor", "battery_voltage")) == 13.88
    assert float(_state(hass, "sensor", "battery_current")) == 1.4
    assert float(_state(hass, "sensor", "yield_today")) == 0.03
    assert float(_state(hass, "sensor", "pv_power")) == 19
    # Created but disabled by default.
    rssi = er.async_get(hass).async_get(
        er.async_get(hass).async_get_entity_id("sensor", DOMAIN, f"{ADDRESS}-rssi")
    )
    assert rssi is not None
    assert rssi.disabled_by is er.RegistryEntryDisabler.INTEGRATION

    device = device_with_connection(hass, (dr.CONNECTION_BLUETOOTH, ADDRESS))
    assert device is not None
    assert device.manufacturer == "Victron Energy"
    assert device.model == "BlueSolar MPPT 75/15"
    assert device.name == entry.title


async def test_unknown_enum_code_is_unknown_not_an_error(
    hass: HomeAssistant, inject: Inject
) -> None:
    await _setup(hass, victron_entry())
    inject(solar_advert(nonce=1, device_state=0x99, charger_error=0xFE))
    await hass.async_block_till_done()
    assert _state(hass, "sensor", "device_state") == "unknown"
    assert _state(hass, "sensor", "charger_error") == "unknown"
    assert float(_state(hass, "sensor", "battery_voltage")) == 13.0


async def test_battery_monitor_entities_and_problem_sensor(
    hass: HomeAssistant, inject: Inject
) -> None:
    await _setup(hass, victron_entry(key=SHUNT_KEY))
    inject(SHUNT_ADVERT, name="SmartShunt")
    await hass.async_block_till_done()
    assert float(_state(hass, "sensor", "state_of_charge")) == 50.0
    assert float(_state(hass, "sensor", "consumed_ah")) == -50.0
    assert _state(hass, "sensor", "time_to_go") == STATE_UNKNOWN
    assert _state(hass, "sensor", "aux_input") == "none"
    assert _state(hass, "sensor", "alarm_reason") == "none"
    assert _state(hass, "binary_sensor", "alarm_reason") == "off"
    assert float(_state(hass, "sensor", "battery_power")) == 0.0


async def test_wrong_key_creates_no_garbage_and_asks_again_after_several(
    hass: HomeAssistant, inject: Inject
) -> None:
    entry = await _setup(hass, victron_entry(key=OTHER_KEY))
    for nonce in range(4):
        inject(solar_advert(nonce=nonce))
        await hass.async_block_till_done()
    # Only the signal strength exists; no field was decoded with the wrong key.
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    assert [entity.unique_id for entity in entities] == [f"{ADDRESS}-rssi"]
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)

    inject(solar_advert(nonce=4))
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert len(flows) == 1
    assert flows[0]["context"]["source"] == SOURCE_REAUTH

    result = await hass.config_entries.flow.async_configure(flows[0]["flow_id"], {"key": OTHER_KEY})
    assert result["errors"] == {"base": "wrong_key"}
    result = await hass.config_entries.flow.async_configure(flows[0]["flow_id"], {"key": SOLAR_KEY})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data["key"] == SOLAR_KEY
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def test_reconfigure_changes_the_key(hass: HomeAssistant, inject: Inject) -> None:
    entry = await _setup(hass, victron_entry())
    inject(SOLAR_ADVERT)
    await hass.async_block_till_done()
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "victron_key"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"key": SOLAR_KEY[:31]}
    )
    assert result["errors"] == {"key": "incomplete_key"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"key": SOLAR_KEY.upper()}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()


async def test_repeated_nonce_writes_nothing(hass: HomeAssistant, inject: Inject) -> None:
    entry = await _setup(hass, victron_entry())
    inject(solar_advert(nonce=7, pv_power=100))
    await hass.async_block_till_done()
    # Same nonce, different bytes (e.g. another proxy's copy): dropped.
    inject(solar_advert(nonce=7, pv_power=999), rssi=-70)
    await hass.async_block_till_done()
    assert float(_state(hass, "sensor", "pv_power")) == 100
    assert entry.runtime_data.decoder.repeated == 1


async def test_unload_and_setup_again(hass: HomeAssistant, inject: Inject) -> None:
    entry = await _setup(hass, victron_entry())
    inject(SOLAR_ADVERT)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def test_broken_entry_data_fails_with_translated_error(
    hass: HomeAssistant, bluetooth: None
) -> None:
    entry = victron_entry(key="xyz")
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert "incomplete (key)" in str(entry.reason)


async def test_diagnostics_show_adverts_and_never_the_key(
    hass: HomeAssistant, inject: Inject, hass_client: ClientSessionGenerator
) -> None:
    entry = await _setup(hass, victron_entry())
    inject(SOLAR_ADVERT)
    await hass.async_block_till_done()
    inject(bytes.fromhex("1002"))
    await hass.async_block_till_done()

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    assert SOLAR_KEY not in str(diagnostics)
    assert ADDRESS not in str(diagnostics)
    runtime = diagnostics["runtime"]
    assert runtime["last_advertisement"] == "1002"
    assert runtime["parse_errors"] == {"truncated": 1}
    assert runtime["last_record"]["record_type"] == "solar_charger"
    assert runtime["last_record"]["values"]["pv_power"] == 19


@pytest.mark.parametrize("platform", ["sensor", "binary_sensor"])
def test_every_victron_translation_key_has_text(platform: str) -> None:
    import json
    from pathlib import Path

    from custom_components.offgrid_power.victron.descriptions import all_translation_keys

    texts = json.loads(
        (
            Path(__file__).parents[3] / "custom_components/offgrid_power/translations/en.json"
        ).read_text()
    )["entity"][platform]
    for key, states in all_translation_keys()[platform].items():
        assert texts[key]["name"], key
        assert set(states) <= set(texts[key].get("state", {})), key


async def test_last_values_come_back_before_the_first_advertisement(
    hass: HomeAssistant, inject: Inject
) -> None:
    """After a restart (here: a reload) entities show the last values, energy included."""
    entry = await _setup(hass, victron_entry())
    inject(solar_advert(nonce=1))
    inject(solar_advert(nonce=2, pv_power=321, device_state=5))
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.LOADED
    assert _state(hass, "sensor", "pv_power") == "321"
    assert _state(hass, "sensor", "device_state") == "float"
    assert float(_state(hass, "sensor", "solar_energy")) >= 0


async def test_keys_never_reach_the_log(
    hass: HomeAssistant, inject: Inject, caplog: pytest.LogCaptureFixture
) -> None:
    await _setup(hass, victron_entry(key=OTHER_KEY))
    for nonce in range(6):
        inject(solar_advert(nonce=nonce))
        await hass.async_block_till_done()
    assert "no longer matches" in caplog.text
    for key in (OTHER_KEY, SOLAR_KEY):
        assert key not in caplog.text.lower()


async def test_a_removed_device_is_discovered_again(hass: HomeAssistant, inject: Inject) -> None:
    entry = await _setup(hass, victron_entry())
    inject(SOLAR_ADVERT)
    await hass.async_block_till_done()
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["unique_id"] for flow in flows] == [ADDRESS]


def test_every_sensor_without_a_device_class_icon_has_an_icon() -> None:
    import json
    from pathlib import Path

    from homeassistant.components.sensor import SensorDeviceClass

    from custom_components.offgrid_power.protocol.victron import LAYOUTS
    from custom_components.offgrid_power.victron.descriptions import (
        NETWORK_ENTITY_KEYS,
        network_description,
        sensor_description,
    )

    icons = json.loads(
        (Path(__file__).parents[3] / "custom_components/offgrid_power/icons.json").read_text()
    )["entity"]["sensor"]
    descriptions = [
        sensor_description(record_type, spec.key)
        for record_type, layout in LAYOUTS.items()
        for spec in layout.fields
    ] + [network_description(key) for key in NETWORK_ENTITY_KEYS]
    for description in descriptions:
        if description.device_class in (None, SensorDeviceClass.ENUM):
            assert description.key in icons, description.key


async def test_a_good_advertisement_between_rejections_starts_the_count_again(
    hass: HomeAssistant, inject: Inject
) -> None:
    await _setup(hass, victron_entry(key=OTHER_KEY))
    nonces = iter(range(100))
    for _ in range(2):
        for _ in range(4):
            inject(solar_advert(nonce=next(nonces)))  # another key: rejected
            await hass.async_block_till_done()
        inject(solar_advert(nonce=next(nonces), key=OTHER_KEY))  # the entry's key
        await hass.async_block_till_done()
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
