"""ESPHome serial proxies: offered where Home Assistant has `SerialPortSelector` (2026.5+).

The floor release predates it and the newest has it, so each test takes one
branch on every release: the first removes `SerialPortSelector` (a text field, and
a proxy URL refused before anything is sent); the second puts in stand-ins for a
`SerialPortSelector` and serialx's opener (a TCP stream to the simulator's
RTU-over-TCP endpoint carries the same bytes a serial proxy would).
"""

from __future__ import annotations

import asyncio
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import selector
import pytest

from custom_components.offgrid_power.const import DOMAIN
from custom_components.offgrid_power.powmr.serial_proxy import serial_proxies_supported
from custom_components.offgrid_power.protocol.powmr import link as link_module
from custom_components.offgrid_power.protocol.powmr.rtu_stream import (
    ProtocolFactory,
    StreamOpener,
)
from simulators.powmr import PowmrSimulator

PROXY_PORT = "esphome-hass://esphome/01KEA18HJC04A8KECEQ6E6HBRP?port_name=PowMr+inverter"


async def _serial_form(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "powmr"}
    )
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"transport": "serial"}
    )


def _device_selector(result: dict[str, Any]) -> object:
    schema = result["data_schema"].schema
    return next(value for key, value in schema.items() if key == "device")


async def test_older_home_assistant_refuses_proxy_ports(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(selector, "SerialPortSelector", raising=False)
    assert not serial_proxies_supported()
    result = await _serial_form(hass)
    assert isinstance(_device_selector(result), selector.TextSelector)
    with patch("custom_components.offgrid_power.powmr.config_flow.async_probe") as probe:
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"device": PROXY_PORT, "protocol": "auto"}
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "serial_proxy_unsupported"}
    probe.assert_not_called()


class StandInSerialPortSelector(selector.TextSelector):
    """Takes the place of Home Assistant 2026.5's SerialPortSelector."""


async def test_proxy_port_on_a_home_assistant_that_offers_them(
    hass: HomeAssistant, simulator: PowmrSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selector, "SerialPortSelector", StandInSerialPortSelector, raising=False)

    def opener(url: str, baudrate: int) -> StreamOpener:
        assert (url, baudrate) == (PROXY_PORT, 2400)

        async def open_stream(protocol_factory: ProtocolFactory) -> asyncio.BaseTransport:
            transport, _ = await asyncio.get_running_loop().create_connection(
                protocol_factory, "127.0.0.1", simulator.rtu_tcp_port
            )
            return transport

        return open_stream

    monkeypatch.setattr(link_module, "serialx_opener", opener)
    assert serial_proxies_supported()
    result = await _serial_form(hass)
    assert isinstance(_device_selector(result), StandInSerialPortSelector)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"device": PROXY_PORT, "protocol": "family_a"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["device"] == PROXY_PORT
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    states = [
        state for state in hass.states.async_all("sensor") if "battery_voltage" in state.entity_id
    ]
    assert states
    assert 20 < float(states[0].state) < 30
    await hass.config_entries.async_unload(entry.entry_id)
