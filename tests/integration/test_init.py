"""Setup, unload and bad entries, through the loopback family."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.offgrid_power import async_remove_config_entry_device
from custom_components.offgrid_power.const import CONF_FAMILY, DOMAIN, Family
from tests.devices import device_with_identifier

from .loopback_family import LoopbackMeter


async def _setup(hass: HomeAssistant, data: dict[str, object]) -> MockConfigEntry:
    entry = MockConfigEntry(domain=DOMAIN, data=data, title="Loopback")
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def test_unknown_family_fails_with_translated_error(hass: HomeAssistant) -> None:
    entry = await _setup(hass, {CONF_FAMILY: "windmill"})
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.reason == (
        "This entry belongs to an unknown device family (windmill). "
        "Remove it and add the device again"
    )


async def test_missing_family_fails_with_translated_error(hass: HomeAssistant) -> None:
    entry = await _setup(hass, {})
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert "unknown device family (None)" in str(entry.reason)


async def test_missing_family_data_fails_with_translated_error(
    hass: HomeAssistant, loopback_family: Family
) -> None:
    entry = await _setup(hass, {CONF_FAMILY: loopback_family})
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.reason == (
        "This entry's settings are incomplete (port). Reconfigure or re-add the device"
    )


async def test_unreachable_device_retries_later(
    hass: HomeAssistant, loopback_family: Family, loopback_meter: LoopbackMeter
) -> None:
    loopback_meter.failing = True
    entry = await _setup(hass, {CONF_FAMILY: loopback_family, "port": loopback_meter.port})
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert not loopback_meter.connections


async def test_unload_releases_everything_and_setup_works_again(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    loopback_family: Family,
    loopback_meter: LoopbackMeter,
) -> None:
    entry = await _setup(hass, {CONF_FAMILY: loopback_family, "port": loopback_meter.port})
    assert entry.state is ConfigEntryState.LOADED
    assert len(loopback_meter.connections) == 1
    entities = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    # One entity per platform plus the energy counter; "missing" does not exist on this device.
    assert {entity.unique_id.removeprefix(f"{entry.entry_id}_") for entity in entities} == {
        "power",
        "energy",
        "alarm",
        "setpoint",
        "mode",
        "alarm_switch",
    }

    coordinator = entry.runtime_data.coordinator
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert not loopback_meter.connections
    # No entity listens to the coordinator any more, so it schedules no refresh.
    assert not list(coordinator.async_contexts())

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert len(loopback_meter.connections) == 1
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def test_devices_stay_unless_the_family_knows_they_left(
    hass: HomeAssistant, loopback_family: Family, loopback_meter: LoopbackMeter
) -> None:
    entry = await _setup(hass, {CONF_FAMILY: loopback_family, "port": loopback_meter.port})
    device = device_with_identifier(hass, (DOMAIN, "loopback"))
    assert device is not None
    assert not await async_remove_config_entry_device(hass, entry, device)
