"""Controls: only with writes enabled, the commit-token rule, and the value read back."""

from __future__ import annotations

from dataclasses import replace

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest

from custom_components.offgrid_power.protocol.masterbus.codec import ValueWrite
from custom_components.offgrid_power.protocol.masterbus.values import COMMIT_TOKEN, encode_float
from simulators.masterbus import MasterBusSimulator

from .conftest import (
    COMBI,
    ENTRY_ID,
    SOLAR,
    TICKING_CLOCK,
    bridge_data,
    make_entry,
    poll,
    setup_entry,
    unload,
)

SOLAR_SWITCH = "switch.scm_solar_power"
INVERTER = "select.mcu_combi_inverter"
MAINS_FUSE = "number.mcu_combi_mains_fuse"


@pytest.fixture
async def writable(hass: HomeAssistant, simulator: MasterBusSimulator) -> MasterBusSimulator:
    """An entry with writes enabled, set up against the simulator."""
    entry = make_entry(hass, bridge_data(simulator), {"enable_writes": True})
    await setup_entry(hass, entry)
    yield simulator
    await unload(hass, entry)


async def test_switch_sends_the_commit_token_and_shows_the_read_back(
    hass: HomeAssistant, writable: MasterBusSimulator
) -> None:
    assert hass.states.get(SOLAR_SWITCH).state == "on"
    await hass.services.async_call("switch", "turn_off", {"entity_id": SOLAR_SWITCH}, blocking=True)
    # The Solar ChargeMaster applies On/Off only once the token reaches field 13.
    assert writable.writes == [
        ValueWrite(SOLAR, 12, encode_float(0.0)),
        ValueWrite(SOLAR, 13, COMMIT_TOKEN),
    ]
    assert writable.device(SOLAR).value(12, 0) == 0.0
    assert hass.states.get(SOLAR_SWITCH).state == "off"
    await hass.services.async_call("switch", "turn_on", {"entity_id": SOLAR_SWITCH}, blocking=True)
    assert hass.states.get(SOLAR_SWITCH).state == "on"
    assert len(writable.writes) == 4


async def test_select_writes_the_option_index_without_a_token_next_to_a_named_field(
    hass: HomeAssistant, writable: MasterBusSimulator
) -> None:
    assert hass.states.get(INVERTER).state == "on"
    await hass.services.async_call(
        "select", "select_option", {"entity_id": INVERTER, "option": "off"}, blocking=True
    )
    # Field 0x15 is the battery temperature: never a commit slot.
    assert writable.writes == [ValueWrite(COMBI, 0x14, encode_float(0.0))]
    assert hass.states.get(INVERTER).state == "off"


async def test_number_is_validated_then_written_and_read_back(
    hass: HomeAssistant, writable: MasterBusSimulator
) -> None:
    state = hass.states.get(MAINS_FUSE)
    assert state.state == "16.0"
    assert (state.attributes["min"], state.attributes["max"], state.attributes["step"]) == (
        0.0,
        300.0,
        0.5,
    )
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            "number", "set_value", {"entity_id": MAINS_FUSE, "value": 301}, blocking=True
        )
    assert writable.writes == []
    await hass.services.async_call(
        "number", "set_value", {"entity_id": MAINS_FUSE, "value": 25.5}, blocking=True
    )
    assert writable.writes == [ValueWrite(COMBI, 0x13, encode_float(25.5))]
    assert hass.states.get(MAINS_FUSE).state == "25.5"


async def test_write_the_device_ignores_is_an_error_and_changes_nothing(
    hass: HomeAssistant, writable: MasterBusSimulator
) -> None:
    # The device stops taking the setting: every read-back still says "on".
    device = writable.device(SOLAR)
    device.fields[12] = replace(device.fields[12], writable=False, initial=1.0)
    with pytest.raises(HomeAssistantError, match="still reports"):
        await hass.services.async_call(
            "switch", "turn_off", {"entity_id": SOLAR_SWITCH}, blocking=True
        )
    assert hass.states.get(SOLAR_SWITCH).state == "on"


@TICKING_CLOCK
async def test_nothing_is_written_without_the_opt_in(
    hass: HomeAssistant, simulator: MasterBusSimulator, freezer: FrozenDateTimeFactory
) -> None:
    entry = make_entry(hass, bridge_data(simulator))
    await setup_entry(hass, entry)
    for _ in range(3):
        await poll(hass, freezer)
    registry = er.async_get(hass)
    domains = {e.domain for e in er.async_entries_for_config_entry(registry, ENTRY_ID)}
    assert domains == {"sensor", "binary_sensor"}
    assert simulator.writes == []
    assert simulator.heard["ValueRequest"] > 0  # it did poll
    await unload(hass, entry)
