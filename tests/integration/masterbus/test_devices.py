"""Devices come and go: late arrivals get entities, leavers go unavailable and can be removed."""

from __future__ import annotations

import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.offgrid_power.const import DOMAIN
from simulators.masterbus import MasterBusSimulator
from tests.devices import device_with_identifier

from .conftest import (
    ENTRY_ID,
    SOLAR,
    SOLAR_SERIAL,
    TICKING_CLOCK,
    bridge_data,
    make_entry,
    online,
    poll,
    setup_entry,
    unload,
    until,
)

pytestmark = TICKING_CLOCK

SOLAR_VOLTS = "sensor.scm_solar_pv_voltage"
SHUNT_VOLTS = "sensor.msh_battery_battery_voltage"


def _solar_device(hass: HomeAssistant) -> dr.DeviceEntry | None:
    return device_with_identifier(hass, (DOMAIN, f"masterbus_{SOLAR_SERIAL}"))


async def test_device_that_appears_later_gets_its_entities(
    hass: HomeAssistant, simulator: MasterBusSimulator, freezer: FrozenDateTimeFactory
) -> None:
    simulator.unplug(SOLAR)
    entry = make_entry(hass, bridge_data(simulator))
    await setup_entry(hass, entry, devices=2)
    assert _solar_device(hass) is None
    assert hass.states.get(SOLAR_VOLTS) is None

    simulator.plug(SOLAR)
    session = entry.runtime_data.coordinator.session
    await until(
        entry, lambda: SOLAR in session.devices and session.devices[SOLAR].identity is not None
    )
    await poll(hass, freezer)
    assert hass.states.get(SOLAR_VOLTS).state == "19.0"
    device = _solar_device(hass)
    assert device is not None
    assert device.model == "Solar ChargeMaster"
    await unload(hass, entry)


async def _remove(hass: HomeAssistant, ws: WebSocketGenerator, device_id: str) -> bool:
    client = await ws(hass)
    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove_config_entry",
            "config_entry_id": ENTRY_ID,
            "device_id": device_id,
        }
    )
    response = await client.receive_json()
    return bool(response["success"])


async def test_device_that_leaves_goes_unavailable_and_can_then_be_removed(
    hass: HomeAssistant,
    simulator: MasterBusSimulator,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: WebSocketGenerator,
) -> None:
    assert await async_setup_component(hass, "config", {})
    entry = make_entry(hass, bridge_data(simulator))
    await setup_entry(hass, entry)
    device = _solar_device(hass)
    assert device is not None
    assert not await _remove(hass, hass_ws_client, device.id)  # still on the bus

    simulator.unplug(SOLAR)
    await poll(hass, freezer)  # its poll times out
    assert hass.states.get(SOLAR_VOLTS).state == "unavailable"
    assert hass.states.get(SHUNT_VOLTS).state == "12.9"  # the others carry on

    assert await _remove(hass, hass_ws_client, device.id)
    await hass.async_block_till_done()
    assert _solar_device(hass) is None
    registry = er.async_get(hass)
    assert registry.async_get_entity_id("sensor", DOMAIN, f"{ENTRY_ID}_{SOLAR_SERIAL}_4") is None

    # Still unplugged, it stays removed however often the bus is polled.
    for _ in range(3):
        await poll(hass, freezer)
    assert _solar_device(hass) is None
    assert hass.states.get(SOLAR_VOLTS) is None
    assert SOLAR_SERIAL not in entry.runtime_data.coordinator.data.devices

    # Plugged in again, it comes back with its entities.
    simulator.plug(SOLAR)
    await until(entry, lambda: online(entry, SOLAR))
    await poll(hass, freezer)
    assert _solar_device(hass) is not None
    assert hass.states.get(SOLAR_VOLTS).state == "19.0"
    await unload(hass, entry)


async def test_leaving_and_returning_are_logged_once_each(
    hass: HomeAssistant,
    simulator: MasterBusSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = make_entry(hass, bridge_data(simulator))
    await setup_entry(hass, entry)
    caplog.set_level(logging.INFO, logger="custom_components.offgrid_power")

    simulator.unplug(SOLAR)
    for _ in range(3):
        await poll(hass, freezer)
    gone = [r for r in caplog.records if "SCM Solar" in r.getMessage() and "stopped" in r.msg]
    assert len(gone) == 1
    assert gone[0].levelno == logging.INFO
    assert "SCM Solar" in gone[0].getMessage()

    simulator.plug(SOLAR)
    await until(entry, lambda: online(entry, SOLAR))
    for _ in range(2):
        await poll(hass, freezer)
    back = [r for r in caplog.records if "SCM Solar" in r.getMessage() and "again" in r.msg]
    assert len(back) == 1
    assert back[0].levelno == logging.INFO
    await unload(hass, entry)
