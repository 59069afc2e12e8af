"""Settings menus in Home Assistant: entities, writes, the access code and the system dashboard."""

from __future__ import annotations

import logging

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.offgrid_power.const import CONF_FAMILY, DOMAIN, SYSTEM_KIND
from custom_components.offgrid_power.protocol.masterbus.codec import ValueWrite
from custom_components.offgrid_power.protocol.masterbus.values import encode_float
from custom_components.offgrid_power.system.const import (
    CONF_BATTERY_VOLTAGE,
    CONF_SOLAR_SOURCES,
    CONF_SOURCE_POWER,
)
from custom_components.offgrid_power.system.dashboard_content import async_dashboard_content
from simulators.masterbus import TEST_ACCESS_CODE, MasterBusSimulator
from tests.integration.secrets import (
    assert_no_secret,
    diagnostics_text,
    entity_text,
    log_text,
    reprs,
)

from .conftest import COMBI, COMBI_SERIAL, bridge_data, entity_id, make_entry, setup_entry, unload

ABSORPTION = f"{COMBI_SERIAL}_64"
FLOAT = f"{COMBI_SERIAL}_65"
MAX_CURRENT = f"{COMBI_SERIAL}_68"
CODE = str(int(TEST_ACCESS_CODE))


async def test_settings_are_read_only_entities_and_the_targets_are_on(
    hass: HomeAssistant, simulator: MasterBusSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    entry = make_entry(hass, bridge_data(simulator))
    await setup_entry(hass, entry)
    registry = er.async_get(hass)
    absorption = registry.async_get(entity_id(hass, "sensor", ABSORPTION))
    assert absorption is not None
    assert (absorption.translation_key, absorption.entity_category, absorption.disabled_by) == (
        "bulk_charge_voltage",
        EntityCategory.DIAGNOSTIC,
        None,
    )
    state = hass.states.get(absorption.entity_id)
    assert state is not None
    assert (state.state, state.attributes["unit_of_measurement"]) == ("14.4", "V")
    assert state.attributes["state_class"] == "measurement"
    assert hass.states.get(entity_id(hass, "sensor", FLOAT)).state == "13.5"  # type: ignore[union-attr]
    # A text setting is shown read-only, for the user to enable.
    name = registry.async_get(entity_id(hass, "sensor", f"{COMBI_SERIAL}_66"))
    assert name is not None
    assert name.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert entry.runtime_data.coordinator.data.text(COMBI_SERIAL, 0x42) == "House bank"
    # The Service menu stays closed without a code: no entity, one log line.
    assert registry.async_get_entity_id("sensor", DOMAIN, f"{entry.entry_id}_{MAX_CURRENT}") is None
    locked = [r for r in caplog.records if "did not open its service menu" in r.getMessage()]
    assert len(locked) == 1
    assert locked[0].levelno == logging.INFO
    diagnostics = entry.runtime_data.coordinator.diagnostics()
    combi = next(d for d in diagnostics["devices"] if d["address"] == f"{COMBI:06X}")
    assert combi["locked_menus"] == [{"menu": "service", "access_level": "end_user"}]
    assert not diagnostics["access_code_set"]
    await unload(hass, entry)


async def test_with_writes_settings_are_config_numbers_validated_and_read_back(
    hass: HomeAssistant, simulator: MasterBusSimulator
) -> None:
    entry = make_entry(hass, bridge_data(simulator), {"enable_writes": True})
    await setup_entry(hass, entry)
    registry = er.async_get(hass)
    number = registry.async_get(entity_id(hass, "number", FLOAT))
    assert number is not None
    assert (number.translation_key, number.entity_category, number.disabled_by) == (
        "float_charge_voltage",
        EntityCategory.CONFIG,
        None,
    )
    state = hass.states.get(number.entity_id)
    assert state is not None
    # The float32 noise of the step (0.0500000007) is rounded off.
    assert (state.attributes["min"], state.attributes["max"], state.attributes["step"]) == (
        12.0,
        15.5,
        0.05,
    )
    await hass.services.async_call(
        "number", "set_value", {"entity_id": number.entity_id, "value": 13.8}, blocking=True
    )
    assert simulator.writes == [ValueWrite(COMBI, 0x41, encode_float(13.8))]
    assert float(hass.states.get(number.entity_id).state) == pytest.approx(13.8)  # type: ignore[union-attr]
    await unload(hass, entry)


async def test_an_access_code_opens_the_service_menu_and_stays_secret(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: MasterBusSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    entry = make_entry(hass, bridge_data(simulator), {"access_code": CODE})
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    registry = er.async_get(hass)
    current = registry.async_get(entity_id(hass, "sensor", MAX_CURRENT))
    assert current is not None
    # A setting other than a target is the user's to enable.
    assert current.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert current.entity_category is EntityCategory.DIAGNOSTIC
    assert simulator.device(COMBI).access_level == 0  # logged out after the walk
    assert entry.runtime_data.coordinator.diagnostics()["access_code_set"]
    assert_no_secret(
        [CODE, encode_float(TEST_ACCESS_CODE).hex()],
        logs=list(log_text(caplog.records)),
        diagnostics=await diagnostics_text(hass, hass_client, entry),
        states=list(entity_text(hass)),
        config=repr(entry.runtime_data.coordinator.session.config),
        reprs=list(reprs(entry.runtime_data, entry)),
    )
    await unload(hass, entry)


async def test_options_take_an_access_code_of_digits_only(
    hass: HomeAssistant, simulator: MasterBusSimulator
) -> None:
    entry = make_entry(hass, bridge_data(simulator))
    await setup_entry(hass, entry)
    base = {"scan_interval": 10, "enable_writes": False, "listen_only": False}
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], base | {"access_code": "12ab"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"access_code": "invalid_access_code"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], base | {"access_code": CODE}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["access_code"] == CODE
    await hass.async_block_till_done(wait_background_tasks=True)
    await unload(hass, entry)


async def test_the_system_dashboard_draws_the_masterbus_targets(
    hass: HomeAssistant, simulator: MasterBusSimulator
) -> None:
    entry = make_entry(hass, bridge_data(simulator))
    await setup_entry(hass, entry)
    voltage = entity_id(hass, "sensor", f"{COMBI_SERIAL}_6")
    system = MockConfigEntry(
        domain=DOMAIN,
        title="Off-grid system",
        data={CONF_FAMILY: SYSTEM_KIND},
        options={CONF_BATTERY_VOLTAGE: voltage},
    )
    system.add_to_hass(hass)
    content = await async_dashboard_content(hass, system)
    assert content.battery_voltage == voltage
    assert [(t.entity_id, t.name) for t in content.targets] == [
        (entity_id(hass, "sensor", ABSORPTION), "Absorption target"),
        (entity_id(hass, "sensor", FLOAT), "Float target"),
    ]
    await unload(hass, entry)


async def test_with_two_chargers_each_target_line_says_whose_it_is(
    hass: HomeAssistant, simulator: MasterBusSimulator
) -> None:
    entry = make_entry(hass, bridge_data(simulator))
    await setup_entry(hass, entry)
    # A second charger, an inverter whose solar power the system adds up.
    inverter_entry = MockConfigEntry(domain=DOMAIN, title="Inverter")
    inverter_entry.add_to_hass(hass)
    inverter = dr.async_get(hass).async_get_or_create(
        config_entry_id=inverter_entry.entry_id, identifiers={(DOMAIN, "inverter")}, name="Inverter"
    )
    registry = er.async_get(hass)
    solar, absorption = (
        registry.async_get_or_create(
            "sensor",
            DOMAIN,
            f"inverter_{key}",
            device_id=inverter.id,
            config_entry=inverter_entry,
            translation_key=key,
            has_entity_name=True,
        ).entity_id
        for key in ("pv_power", "bulk_charge_voltage")
    )
    system = MockConfigEntry(
        domain=DOMAIN,
        title="Off-grid system",
        data={CONF_FAMILY: SYSTEM_KIND},
        options={
            CONF_BATTERY_VOLTAGE: entity_id(hass, "sensor", f"{COMBI_SERIAL}_6"),
            CONF_SOLAR_SOURCES: [{CONF_SOURCE_POWER: solar}],
        },
    )
    system.add_to_hass(hass)
    content = await async_dashboard_content(hass, system)
    combi = dr.async_get(hass).async_get(
        registry.async_get(entity_id(hass, "sensor", ABSORPTION)).device_id  # type: ignore[union-attr]
    )
    assert combi is not None
    assert [(t.entity_id, t.name) for t in content.targets] == [
        (entity_id(hass, "sensor", ABSORPTION), f"Absorption target · {combi.name}"),
        (entity_id(hass, "sensor", FLOAT), f"Float target · {combi.name}"),
        (absorption, "Absorption target · Inverter"),
    ]
    await unload(hass, entry)
