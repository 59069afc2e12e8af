"""An SMG-II unit in Home Assistant: detected by the config flow, its own entities, FC16 writes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.offgrid_power.const import DOMAIN
from custom_components.offgrid_power.powmr import source as powmr_source
from custom_components.offgrid_power.protocol.powmr import PowmrFamily
from simulators.powmr import PowmrSimulator, SimulatorConfig
from tests.devices import device_with_identifier

from .conftest import ENTRY_ID, coordinator, entity_id, load, make_entry, refresh


@pytest.fixture
async def smg() -> AsyncIterator[PowmrSimulator]:
    """One SMG-II unit (unit 1, 48 V) on Modbus TCP."""
    config = SimulatorConfig(family=PowmrFamily.SMG_II, modbus_tcp_port=0, seed=3)
    async with PowmrSimulator(config) as sim:
        yield sim


@pytest.fixture
def quick_probes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Family A's probes go unanswered on an SMG-II unit; let them time out quickly."""
    original = powmr_source.transport_config
    monkeypatch.setattr(
        powmr_source,
        "transport_config",
        lambda data: replace(original(data), timeout=0.3),
    )


def smg_data(sim: PowmrSimulator) -> dict[str, Any]:
    return {
        "family": "powmr",
        "transport": "modbus_tcp",
        "host": "127.0.0.1",
        "port": sim.modbus_tcp_port,
        "protocol": "auto",
        "detected_protocol": "smg_ii",
    }


async def _with_writes(hass: HomeAssistant, smg: PowmrSimulator) -> tuple[MockConfigEntry, Any]:
    """An SMG-II entry with writes on and no pause between them, and the simulated unit."""
    entry = make_entry(hass, smg_data(smg), {"enable_writes": True})
    await load(hass, entry)
    client = coordinator(entry).client
    assert client is not None
    client.write_cooldown = 0
    return entry, smg.model


def _state(hass: HomeAssistant, platform: str, key: str) -> str:
    return hass.states.get(entity_id(hass, platform, key)).state


@pytest.mark.usefixtures("quick_probes")
async def test_config_flow_detects_smg_ii(hass: HomeAssistant, smg: PowmrSimulator) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "powmr"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"transport": "modbus_tcp"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": "127.0.0.1", "port": smg.modbus_tcp_port, "protocol": "auto"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["detected_protocol"] == "smg_ii"
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED


async def test_smg_ii_entities(hass: HomeAssistant, smg: PowmrSimulator) -> None:
    entry = make_entry(hass, smg_data(smg))
    await load(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    device = device_with_identifier(hass, (DOMAIN, ENTRY_ID))
    assert device is not None
    assert device.model == "SMG-II"
    assert device.model_id == "5500 W"
    # Registers 186-197, read once at setup.
    assert device.serial_number == "SIM5500SMG01"

    assert float(_state(hass, "sensor", "grid_voltage")) == 230.0
    assert float(_state(hass, "sensor", "grid_frequency")) == 50.0
    volts = float(_state(hass, "sensor", "battery_voltage"))
    assert 40 < volts < 60
    # One signed current and the battery power: both positive while charging.
    amps = float(_state(hass, "sensor", "battery_current"))
    assert float(_state(hass, "sensor", "battery_power")) == pytest.approx(volts * amps, abs=1)
    assert _state(hass, "sensor", "operating_mode") in {"line", "battery"}
    assert _state(hass, "sensor", "output_source_priority") == "sbu"
    assert _state(hass, "sensor", "charger_source_priority") == "solar_and_utility"
    assert float(_state(hass, "sensor", "bulk_charge_voltage")) == 56.4
    # Register 406 (vendor PDF): the unit obeys its panel and a remote command alike.
    assert _state(hass, "sensor", "turn_on_mode") == "local_or_remote"
    # SMG-II's own settings, read-only while writes are off (vendor PDF and syssi's map).
    assert _state(hass, "sensor", "buzzer_mode") == "faults_only"
    assert float(_state(hass, "sensor", "battery_overvoltage_protection")) == 60.0
    assert float(_state(hass, "sensor", "soc_back_to_utility")) == 20
    assert float(_state(hass, "sensor", "soc_back_to_battery")) == 80
    assert float(_state(hass, "sensor", "soc_low_cutoff")) == 10
    # 321: 50.00 Hz, shown with Family A's labels.
    assert _state(hass, "sensor", "output_frequency_setting") == "50hz"
    assert float(_state(hass, "sensor", "fault_bits")) == 0
    # Measured grid power: the grid energy counter integrates it, nothing is estimated.
    assert float(_state(hass, "sensor", "grid_power")) >= 0
    registry = er.async_get(hass)
    assert registry.async_get_entity_id("sensor", DOMAIN, f"{ENTRY_ID}_grid_import_power") is None
    assert registry.async_get_entity_id("sensor", DOMAIN, f"{ENTRY_ID}_grid_import_energy")
    # Family A only: two battery currents, the 4553/4554 flags, the rated battery voltage.
    for platform, key in (
        ("sensor", "battery_charge_current"),
        ("binary_sensor", "grid_active"),
        ("sensor", "rated_battery_voltage"),
    ):
        assert registry.async_get_entity_id(platform, DOMAIN, f"{ENTRY_ID}_{key}") is None
    inverter_power = registry.async_get(entity_id(hass, "sensor", "inverter_power"))
    assert inverter_power is not None
    assert inverter_power.disabled_by is er.RegistryEntryDisabler.INTEGRATION


async def test_smg_ii_writes_use_fc16_and_48v_bounds(
    hass: HomeAssistant, smg: PowmrSimulator
) -> None:
    _, model = await _with_writes(hass, smg)

    bulk = entity_id(hass, "number", "bulk_charge_voltage")
    assert hass.states.get(bulk).attributes["max"] == 64.0  # 32 V per 24 V, on 48 V
    # The simulated unit refuses FC06, so a confirmed write went out as FC16.
    await hass.services.async_call(
        "number", "set_value", {"entity_id": bulk, "value": 56.8}, blocking=True
    )
    assert model.settings[324] == 568
    assert hass.states.get(bulk).state == "56.8"

    priority = entity_id(hass, "select", "output_source_priority")
    await hass.services.async_call(
        "select", "select_option", {"entity_id": priority, "option": "solar_first"}, blocking=True
    )
    assert model.settings[301] == 1
    assert hass.states.get(priority).state == "solar_first"

    backlight = entity_id(hass, "switch", "backlight")
    assert hass.states.get(backlight).state == "on"
    await hass.services.async_call("switch", "turn_off", {"entity_id": backlight}, blocking=True)
    assert model.settings[305] == 0
    assert hass.states.get(backlight).state == "off"

    turn_on = entity_id(hass, "select", "turn_on_mode")
    await hass.services.async_call(
        "select", "select_option", {"entity_id": turn_on, "option": "local_only"}, blocking=True
    )
    assert model.settings[406] == 1
    # Register 420: 1 = remotely turned on.
    remote = entity_id(hass, "switch", "remote_switch")
    assert hass.states.get(remote).state == "on"
    await hass.services.async_call("switch", "turn_off", {"entity_id": remote}, blocking=True)
    assert model.settings[420] == 0
    assert hass.states.get(remote).state == "off"

    requests = smg.unit.requests
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            "number", "set_value", {"entity_id": bulk, "value": 40.05}, blocking=True
        )
    assert smg.unit.requests == requests


async def test_exit_fault_button(hass: HomeAssistant, smg: PowmrSimulator) -> None:
    """Register 426, write-only: a button while writes are on, pressed only in fault mode."""
    entry, model = await _with_writes(hass, smg)
    button = entity_id(hass, "button", "exit_fault")
    mode = entity_id(hass, "sensor", "operating_mode")

    with pytest.raises(ServiceValidationError) as refused:
        await hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)
    assert refused.value.translation_key == "command_refused"

    model.fault_bits = 1 << 7  # output overload
    await refresh(hass, entry)
    assert hass.states.get(mode).state == "fault"
    assert float(hass.states.get(entity_id(hass, "sensor", "fault_bits")).state) == 128
    await hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)
    # The press refreshed the entities: the unit runs again.
    assert model.fault_bits == 0
    assert hass.states.get(mode).state in {"line", "battery"}
    assert coordinator(entry).counters.failed_writes == 1
    await hass.async_block_till_done()


async def test_exit_fault_button_only_with_writes(hass: HomeAssistant, smg: PowmrSimulator) -> None:
    entry = make_entry(hass, smg_data(smg))
    await load(hass, entry)
    registry = er.async_get(hass)
    assert registry.async_get_entity_id("button", DOMAIN, f"{ENTRY_ID}_exit_fault") is None
