"""The demo's simulated Bluetooth proxy, inside a real Home Assistant Bluetooth stack."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.bluetooth import (
    async_discovered_service_info,
    async_last_service_info,
    async_scanner_count,
)
from homeassistant.config_entries import SOURCE_BLUETOOTH
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.offgrid_power.const import DOMAIN
from custom_components.offgrid_power.protocol.victron import VICTRON_COMPANY_ID, parse
from scripts.demo_components.offgrid_demo_ble import (
    ADVERTISING_INTERVAL,
    DOMAIN as DEMO_DOMAIN,
    PROXY_SOURCE,
    async_setup,
)
from simulators.victron import REFERENCE_VECTORS, demo_devices

from .conftest import victron_entry

pytestmark = pytest.mark.usefixtures("bluetooth")

DEVICES = {device.address: device for device in demo_devices()}


def _heard(hass: HomeAssistant, address: str) -> bytes:
    info = async_last_service_info(hass, address, connectable=False)
    assert info is not None, address
    assert info.source == PROXY_SOURCE
    return info.manufacturer_data[VICTRON_COMPANY_ID]


async def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, times: int = 1) -> None:
    for _ in range(times):
        freezer.tick(ADVERTISING_INTERVAL)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()


async def test_proxy_delivers_the_reference_vectors_and_discovery_follows(
    hass: HomeAssistant,
) -> None:
    assert await async_setup(hass, {})
    # Discovery flows start as background tasks.
    await hass.async_block_till_done(wait_background_tasks=True)

    assert async_scanner_count(hass, connectable=False) >= 1
    heard = {info.address for info in async_discovered_service_info(hass, connectable=False)}
    assert heard == set(DEVICES)
    vectors = {vector.advertisement for vector in REFERENCE_VECTORS}
    assert all(_heard(hass, address) in vectors for address in DEVICES)
    # Home Assistant's matcher for the manifest starts one discovery per device.
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert {flow["context"]["unique_id"] for flow in flows} == set(DEVICES)
    assert {flow["context"]["source"] for flow in flows} == {SOURCE_BLUETOOTH}


async def test_readings_move_and_stay_decodable(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    assert await async_setup(hass, {})
    await hass.async_block_till_done()
    first = {address: _heard(hass, address) for address in DEVICES}

    await _tick(hass, freezer, times=4)

    for address, device in DEVICES.items():
        data = _heard(hass, address)
        assert data != first[address], device.name
        record = parse(data, device.key)
        assert record.header.nonce != parse(first[address], device.key).header.nonce


async def test_a_configured_demo_device_shows_live_values(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    solar = next(device for device in DEVICES.values() if device.name.startswith("BlueSolar"))
    entry = victron_entry(key=solar.key.hex(), address=solar.address)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert await async_setup(hass, {})
    await hass.async_block_till_done()
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{solar.address}-pv_power"
    )
    assert entity_id is not None
    # The reference vector's own value first.
    assert hass.states.get(entity_id).state == "19"

    await _tick(hass, freezer, times=4)

    assert hass.states.get(entity_id).state != "19"


async def test_stop_unregisters_the_proxy_and_ends_forwarding(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    assert await async_setup(hass, {})
    await hass.async_block_till_done()
    scanners = async_scanner_count(hass, connectable=False)
    hass.data[DEMO_DOMAIN].stop()
    assert async_scanner_count(hass, connectable=False) == scanners - 1

    address = next(iter(DEVICES))
    before = _heard(hass, address)
    await _tick(hass, freezer, times=4)
    assert _heard(hass, address) == before
