"""A PowMr device is named after what it is; its link stays out of the name and the entity ids."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.offgrid_power.const import CONF_FAMILY, DOMAIN, Family
from custom_components.offgrid_power.powmr.config_flow import unique_id_for
from simulators.powmr import PowmrSimulator

from .conftest import load, make_entry, modbus_tcp_data


def _device(hass: HomeAssistant, entry_id: str) -> dr.DeviceEntry:
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry_id)
    assert len(devices) == 1
    return devices[0]


def _entity_ids(hass: HomeAssistant, entry_id: str) -> list[str]:
    return [e.entity_id for e in er.async_entries_for_config_entry(er.async_get(hass), entry_id)]


async def test_two_identical_inverters_get_distinct_names_without_their_address(
    hass: HomeAssistant, simulator: PowmrSimulator
) -> None:
    first = make_entry(hass, modbus_tcp_data(simulator), title="PowMr 127.0.0.1:502")
    await load(hass, first)
    dongle = {
        CONF_FAMILY: Family.POWMR.value,
        "transport": "dongle_http",
        "host": "127.0.0.1",
        "port": simulator.http_port,
    }
    second = MockConfigEntry(
        domain=DOMAIN, title="PowMr dongle", data=dongle, unique_id=unique_id_for(dongle)
    )
    second.add_to_hass(hass)
    await load(hass, second)

    assert _device(hass, first.entry_id).name == "PowMr inverter"
    assert _device(hass, second.entry_id).name == "PowMr inverter 2"
    ids = _entity_ids(hass, first.entry_id) + _entity_ids(hass, second.entry_id)
    assert "sensor.powmr_inverter_battery_voltage" in ids
    assert "sensor.powmr_inverter_2_battery_voltage" in ids
    assert not [entity_id for entity_id in ids if "127_0_0_1" in entity_id]
    # The dongle's address is where its web page is; a Modbus link has none.
    assert _device(hass, first.entry_id).configuration_url is None
    assert _device(hass, second.entry_id).configuration_url == (
        f"http://127.0.0.1:{simulator.http_port}"
    )

    # A reload keeps each name (the entity ids were made from it).
    await hass.config_entries.async_reload(first.entry_id)
    await hass.async_block_till_done()
    assert _device(hass, first.entry_id).name == "PowMr inverter"
    assert _device(hass, second.entry_id).name == "PowMr inverter 2"
