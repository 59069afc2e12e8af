"""One sign convention in every family: battery power and current are positive while charging.

Every family's simulator runs in one Home Assistant through a sunny noon (the
batteries charge) and a night off the grid (they discharge); every battery
power and current entity must show the sign of what its battery does.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AsyncExitStack
from typing import Any

from homeassistant.components.bluetooth import async_register_scanner
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.offgrid_power.const import CONF_FAMILY, DOMAIN, Family
from custom_components.offgrid_power.masterbus import const as masterbus_const
from custom_components.offgrid_power.masterbus.config_flow import (
    unique_id_for as masterbus_unique_id,
)
from custom_components.offgrid_power.powmr.config_flow import unique_id_for as powmr_unique_id
from custom_components.offgrid_power.protocol.powmr import PowmrFamily
from simulators.day import SimulatedDay
from simulators.masterbus import MasterBusSimulator, default_devices
from simulators.powmr import PowmrSimulator, SimulatorConfig
from simulators.victron import demo_devices
from simulators.victron.proxy import SimulatedProxyScanner
from tests.integration.masterbus.conftest import FAST, WAIT_LIMIT
from tests.integration.victron.conftest import bluetooth  # noqa: F401 (fixture)
from tests.protocol.masterbus.waiting import until

NOON, MIDNIGHT = 12.0, 0.0
# Battery monitors, inverter-chargers and inverters: both directions.
SIGNED_CLASSES = {SensorDeviceClass.POWER, SensorDeviceClass.CURRENT}
# Magnitudes of one direction (PowMr's two current registers and the powers from them).
INTO_BATTERY = ("_charge_current", "_charge_power")
OUT_OF_BATTERY = ("discharge_current", "discharge_power")
# A solar charger's battery current is what it puts in: 0 at night, never negative.
SOLAR_CHARGER = "C0:DE:00:00:00:01"
# The Victron devices that follow the day.
VICTRON_NAMES = ("BlueSolar", "SmartShunt", "MultiPlus")


def _entry(entry_id: str, data: dict[str, Any], unique_id: str, **options: Any) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title=entry_id,
        entry_id=entry_id,
        unique_id=unique_id,
        data=data,
        options=options,
    )


def _powmr_entry(sim: PowmrSimulator, family: PowmrFamily) -> MockConfigEntry:
    data = {
        CONF_FAMILY: Family.POWMR.value,
        "transport": "modbus_tcp",
        "host": "127.0.0.1",
        "port": sim.modbus_tcp_port,
        "protocol": "auto",
        "detected_protocol": family.value,
    }
    return _entry(f"powmr_{family.value}", data, powmr_unique_id(data))


def _masterbus_entry(sim: MasterBusSimulator) -> MockConfigEntry:
    channel = f"127.0.0.1:{sim.bridge_port}"
    data = {
        CONF_FAMILY: Family.MASTERBUS.value,
        "interface": "bridge",
        "channel": channel,
        "bitrate": 250_000,
        "listen": "127.0.0.1:0",
    }
    return _entry(
        "masterbus",
        data,
        masterbus_unique_id("bridge", channel),
        scan_interval=10,
        enable_writes=False,
        listen_only=False,
    )


def _battery_entities(hass: HomeAssistant) -> dict[str, str]:
    """Every enabled battery power or current sensor: entity id -> how it must behave."""
    found = {}
    for entity in er.async_get(hass).entities.values():
        if (
            entity.platform != DOMAIN
            or entity.domain != "sensor"
            or entity.disabled_by is not None
            or entity.original_device_class not in SIGNED_CLASSES
            or "battery" not in entity.entity_id
        ):
            continue
        if entity.entity_id.endswith(OUT_OF_BATTERY):
            found[entity.entity_id] = "out"
        elif entity.entity_id.endswith(INTO_BATTERY):
            found[entity.entity_id] = "in"
        elif entity.config_entry_id == SOLAR_CHARGER:
            found[entity.entity_id] = "charger"
        else:
            found[entity.entity_id] = "signed"
    return found


def _value(hass: HomeAssistant, entity_id: str) -> float:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return float(state.state)


def _check(hass: HomeAssistant, entities: dict[str, str], *, charging: bool) -> None:
    expect: dict[str, Callable[[float], bool]] = {
        "signed": (lambda v: v > 0) if charging else (lambda v: v < 0),
        "charger": (lambda v: v > 0) if charging else (lambda v: v == 0),
        "in": (lambda v: v > 0) if charging else (lambda v: v == 0),
        "out": (lambda v: v == 0) if charging else (lambda v: v > 0),
    }
    wrong = {
        entity_id: _value(hass, entity_id)
        for entity_id, kind in entities.items()
        if not expect[kind](_value(hass, entity_id))
    }
    assert not wrong, f"charging={charging}: {wrong}"


@pytest.mark.usefixtures("bluetooth")
async def test_battery_power_and_current_are_positive_while_charging(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(masterbus_const, "SESSION_DEFAULTS", FAST)
    monkeypatch.setattr(masterbus_const, "STARTUP_WAIT", 5.0)
    day = SimulatedDay(start_hour=NOON)
    async with AsyncExitStack() as stack:
        powmr = {
            family: await stack.enter_async_context(
                PowmrSimulator(SimulatorConfig(family=family, modbus_tcp_port=0, seed=5))
            )
            for family in PowmrFamily
        }
        masterbus = await stack.enter_async_context(
            MasterBusSimulator(default_devices(day), bridge_port=0)
        )
        victron = [d for d in demo_devices(day) if d.name.startswith(VICTRON_NAMES)]
        scanner = SimulatedProxyScanner("02:00:00:0B:E0:02", "Test proxy", None, False)
        stack.callback(async_register_scanner(hass, scanner))
        stack.callback(scanner.async_setup())

        entries = [_powmr_entry(sim, family) for family, sim in powmr.items()]
        entries.append(_masterbus_entry(masterbus))
        entries += [
            _entry(
                device.address,
                {
                    CONF_FAMILY: Family.VICTRON.value,
                    "address": device.address,
                    "key": device.key.hex(),
                },
                device.address,
            )
            for device in victron
        ]
        for entry in entries:
            entry.add_to_hass(hass)
            assert await hass.config_entries.async_setup(entry.entry_id), entry.entry_id
        await hass.async_block_till_done(wait_background_tasks=True)
        # Setup waits for the bus only so long; on a busy machine the MasterShunt
        # may be identified later, and its entities come with the next poll.
        session = hass.config_entries.async_get_entry("masterbus").runtime_data.coordinator.session
        await until(
            session,
            lambda: sum(1 for d in session.devices.values() if d.identity)
            >= len(masterbus.devices),
            WAIT_LIMIT,
        )

        async def run_phase(hour: float) -> None:
            for sim in powmr.values():
                sim.model.day.start_hour = hour
                # Off the grid: nothing but the sun charges, the house drains at night.
                sim.model.weather.grid_available = False
            day.start_hour = hour
            for _ in range(2):
                for device in victron:
                    scanner.hear(device.advance(1.0))
                for entry in hass.config_entries.async_entries(DOMAIN):
                    if entry.data[CONF_FAMILY] != Family.VICTRON.value:
                        await entry.runtime_data.coordinator.async_refresh()
                await hass.async_block_till_done()

        await run_phase(NOON)
        entities = _battery_entities(hass)
        registry = er.async_get(hass)
        signed_in = {
            registry.entities[entity_id].config_entry_id
            for entity_id, kind in entities.items()
            if kind == "signed"
        }
        # Every entry but the solar charger has a signed battery power or current.
        assert signed_in == {entry.entry_id for entry in entries} - {SOLAR_CHARGER}, entities
        _check(hass, entities, charging=True)

        await run_phase(MIDNIGHT)
        _check(hass, entities, charging=False)

        for entry in hass.config_entries.async_entries(DOMAIN):
            assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done(wait_background_tasks=True)
