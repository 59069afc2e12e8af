"""A MasterBus entry over Mastervolt's USB interface, played by a simulated HID peer.

The peer is the simulator behind a report-keeping Unix socket that a fake
sysfs describes as ``hidraw3`` of vendor 1A64, so the flow finds it as an
attached interface, and the ``auto`` channel opens it, as on a real host.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
import voluptuous as vol

from custom_components.offgrid_power.const import CONF_FAMILY, DOMAIN, Family
from custom_components.offgrid_power.protocol.masterbus import usb_link
from simulators.masterbus import MasterBusSimulator
from simulators.masterbus.usb_link import UsbLinkPeer
from tests.protocol.masterbus.usb_node import KEYBOARD_HID_ID, FakeHost, fake_host

from .conftest import (
    SHUNT_SERIAL,
    TICKING_CLOCK,
    make_entry,
    poll,
    setup_entry,
    slcan_data,
    steady_devices,
    unload,
    until,
)

VOLTS = "sensor.msh_battery_battery_voltage"
LINK = "binary_sensor.masterbus_network_link"
# Polls (10 s apart) within which a reconnect is due: the first back-off is 5 s.
RECONNECT_POLLS = 3


@pytest.fixture
def host(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHost]:
    """A host whose sysfs and /dev are a fake in /tmp, with a keyboard attached."""
    with fake_host() as fake:
        fake.attach("hidraw0", KEYBOARD_HID_ID)
        monkeypatch.setattr(usb_link, "SYSFS", fake.sysfs)
        monkeypatch.setattr(usb_link, "DEV", fake.dev)
        yield fake


@pytest.fixture
async def peer(host: FakeHost) -> AsyncIterator[UsbLinkPeer]:
    """The three steady devices behind a Mastervolt USB interface at hidraw3."""
    async with MasterBusSimulator(steady_devices()) as sim:
        yield await UsbLinkPeer.serve(sim, host.attach("hidraw3", serial="MB0042"))


async def test_flow_offers_the_attached_interface_and_polls_over_it(
    hass: HomeAssistant, peer: UsbLinkPeer, host: FakeHost
) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "masterbus"}
    )
    assert result["step_id"] == "masterbus"
    assert result["data_schema"]({})["interface"] == "mastervolt_usb"  # plugged in: offered
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"interface": "mastervolt_usb"}
    )
    assert result["step_id"] == "masterbus_connection"
    assert set(result["data_schema"].schema) == {"channel"}  # no bitrate to give
    (selector,) = result["data_schema"].schema.values()
    assert selector.config["options"] == [
        {"value": "auto", "label": "auto"},
        {
            "value": host.node("hidraw3"),
            "label": f"{host.node('hidraw3')} (Mastervolt MasterBus USB Interface, MB0042)",
        },
    ]
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"channel": "auto"})
    assert result["type"] is FlowResultType.SHOW_PROGRESS
    await hass.async_block_till_done()
    result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["step_id"] == "masterbus_fields"
    assert set(result["description_placeholders"]["devices"].split(", ")) == {
        "MSH Battery",
        "MCU Combi",
        "SCM Solar",
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"fields": [f"{SHUNT_SERIAL}:1", f"{SHUNT_SERIAL}:2"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert entry.unique_id == "mastervolt_usb:auto"
    assert entry.data == {
        CONF_FAMILY: Family.MASTERBUS.value,
        "interface": "mastervolt_usb",
        "channel": "auto",
        "bitrate": 250_000,
    }
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    await until(
        entry, lambda: (state := hass.states.get(VOLTS)) is not None and state.state == "12.9"
    )
    assert hass.states.get(LINK).state == "on"
    assert peer.reports_rejected == 0
    await unload(hass, entry)


async def test_no_interface_attached_offers_nothing_and_auto_fails(
    hass: HomeAssistant, host: FakeHost
) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "masterbus"}
    )
    with pytest.raises(vol.MultipleInvalid, match="interface"):
        result["data_schema"]({})  # no default: the user chooses
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"interface": "mastervolt_usb"}
    )
    (selector,) = result["data_schema"].schema.values()
    assert selector.config["options"] == [{"value": "auto", "label": "auto"}]
    # The keyboard at hidraw0 is neither listed nor opened when typed in.
    for channel in ("auto", host.node("hidraw0")):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"channel": channel}
        )
        assert result["errors"] == {"base": "masterbus_cannot_connect"}


@TICKING_CLOCK
async def test_unplugged_interface_means_unavailable_until_it_returns(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, peer: UsbLinkPeer
) -> None:
    entry = make_entry(
        hass,
        {CONF_FAMILY: Family.MASTERBUS.value, "interface": "mastervolt_usb", "channel": "auto"},
    )
    await setup_entry(hass, entry)
    assert hass.states.get(VOLTS).state == "12.9"
    peer.unplug()
    await until(entry, lambda: hass.states.get(VOLTS).state == "unavailable")
    assert hass.states.get(LINK).state == "off"
    peer.replug()
    for _ in range(RECONNECT_POLLS):
        await poll(hass, freezer)
        if hass.states.get(VOLTS).state == "12.9":
            break
    assert hass.states.get(VOLTS).state == "12.9"
    assert hass.states.get(LINK).state == "on"
    assert entry.runtime_data.coordinator.reconnects == 1
    await unload(hass, entry)


async def test_reconfigure_moves_an_entry_to_the_usb_interface(
    hass: HomeAssistant, peer: UsbLinkPeer
) -> None:
    entry = make_entry(hass, slcan_data(1))  # an SLCAN adapter that is gone
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"interface": "mastervolt_usb", "channel": "auto"},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.unique_id == "mastervolt_usb:auto"
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    await unload(hass, entry)
