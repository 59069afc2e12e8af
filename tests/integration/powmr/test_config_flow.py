"""The PowMr branch of the config flow, probing the simulator."""

from __future__ import annotations

from fnmatch import fnmatch
from ipaddress import ip_address
import socket
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    SOURCE_USER,
    SOURCE_ZEROCONF,
    ConfigEntryState,
    ConfigFlowResult,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
import pytest

from custom_components.offgrid_power.const import DOMAIN
from simulators.powmr import PowmrSimulator

from .conftest import free_udp_port, load, make_entry, modbus_tcp_data


async def _start(hass: HomeAssistant, transport: str) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "powmr"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "powmr"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"transport": transport}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "powmr_connection"
    return result


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.parametrize("transport", ["modbus_tcp", "rtu_over_tcp"])
async def test_probe_detects_family_a(
    hass: HomeAssistant, simulator: PowmrSimulator, transport: str
) -> None:
    port = simulator.modbus_tcp_port if transport == "modbus_tcp" else simulator.rtu_tcp_port
    result = await _start(hass, transport)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": "127.0.0.1", "port": port, "protocol": "auto"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"PowMr 127.0.0.1:{port}"
    assert result["data"] == {
        "family": "powmr",
        "transport": transport,
        "host": "127.0.0.1",
        "port": port,
        "protocol": "auto",
        "detected_protocol": "family_a",
    }
    assert result["result"].unique_id == f"tcp:127.0.0.1:{port}"
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED


async def test_rtu_over_udp_with_reply_port(hass: HomeAssistant, simulator: PowmrSimulator) -> None:
    result = await _start(hass, "rtu_over_udp")
    schema = result["data_schema"].schema
    assert next(key for key in schema if key == "reply_port").default() == 8899
    reply_port = free_udp_port()
    connection = {
        "host": "127.0.0.1",
        "port": simulator.rtu_udp_port,
        "reply_port": reply_port,
        "protocol": "auto",
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], connection)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["reply_port"] == reply_port
    assert result["result"].unique_id == f"udp:127.0.0.1:{simulator.rtu_udp_port}"
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED

    # The running entry holds the reply port; the reconfigure probe shares it.
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_RECONFIGURE, "entry_id": entry.entry_id}
    )
    assert result["step_id"] == "powmr_reconfigure"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], connection)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"


async def test_reply_port_in_use(hass: HomeAssistant, simulator: PowmrSimulator) -> None:
    result = await _start(hass, "rtu_over_udp")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as squatter:
        squatter.bind(("127.0.0.1", 0))
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {
                "host": "127.0.0.1",
                "port": simulator.rtu_udp_port,
                "reply_port": squatter.getsockname()[1],
                "protocol": "family_a",
            },
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "reply_port_in_use"}


async def test_dongle_probe(hass: HomeAssistant, simulator: PowmrSimulator) -> None:
    result = await _start(hass, "dongle_http")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": "127.0.0.1", "port": simulator.http_port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == f"http:127.0.0.1:{simulator.http_port}"
    await hass.async_block_till_done()


async def test_no_reply_then_fixed(hass: HomeAssistant, simulator: PowmrSimulator) -> None:
    result = await _start(hass, "modbus_tcp")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": "127.0.0.1", "port": _free_port(), "protocol": "family_a"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"host": "127.0.0.1", "port": simulator.modbus_tcp_port, "protocol": "family_a"},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


async def test_unexpected_error_is_unknown(hass: HomeAssistant) -> None:
    result = await _start(hass, "modbus_tcp")
    with patch(
        "custom_components.offgrid_power.powmr.config_flow.async_probe", side_effect=ValueError
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"host": "127.0.0.1", "port": 502, "protocol": "auto"}
        )
    assert result["errors"] == {"base": "unknown"}


async def test_duplicate_aborts_before_probing(hass: HomeAssistant) -> None:
    make_entry(hass, {**modbus_tcp_data_for_port(1502)})
    result = await _start(hass, "rtu_over_tcp")
    with patch("custom_components.offgrid_power.powmr.config_flow.async_probe") as probe:
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"host": "127.0.0.1 ", "port": 1502, "protocol": "auto"}
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    probe.assert_not_called()


def modbus_tcp_data_for_port(port: int) -> dict[str, Any]:
    return {
        "family": "powmr",
        "transport": "modbus_tcp",
        "host": "127.0.0.1",
        "port": port,
        "detected_protocol": "family_a",
    }


async def test_reconfigure_moves_the_link(hass: HomeAssistant, simulator: PowmrSimulator) -> None:
    entry = make_entry(hass, modbus_tcp_data_for_port(_free_port()))
    await load(hass, entry)
    assert entry.state is ConfigEntryState.SETUP_RETRY

    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "powmr_reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": "127.0.0.1", "port": _free_port(), "protocol": "auto"}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"host": "127.0.0.1", "port": simulator.modbus_tcp_port, "protocol": "auto"},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.unique_id == f"tcp:127.0.0.1:{simulator.modbus_tcp_port}"
    assert entry.data["port"] == simulator.modbus_tcp_port


async def test_reconfigure_onto_another_entry_aborts(
    hass: HomeAssistant, simulator: PowmrSimulator
) -> None:
    other = modbus_tcp_data(simulator)
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    MockConfigEntry(
        domain=DOMAIN, data=other, unique_id=f"tcp:127.0.0.1:{other['port']}"
    ).add_to_hass(hass)
    entry = make_entry(hass, modbus_tcp_data_for_port(_free_port()))
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": "127.0.0.1", "port": other["port"], "protocol": "auto"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_options(hass: HomeAssistant, simulator: PowmrSimulator) -> None:
    entry = make_entry(hass, modbus_tcp_data(simulator))
    await load(hass, entry)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "powmr_options"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "scan_interval": 10,
            "charger_priority_variant": "1",
            "battery_capacity_wh": 5120,
            "soc_empty_voltage": 28.0,
            "soc_full_voltage": 24.0,
            "enable_writes": True,
        },
    )
    assert result["errors"] == {"base": "invalid_soc_window"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "scan_interval": 15,
            "charger_priority_variant": "2",
            "battery_capacity_wh": 5120,
            "enable_writes": True,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options["enable_writes"] is True
    assert entry.state is ConfigEntryState.LOADED
    # The reload brought the controls.
    assert hass.states.async_entity_ids("number")
    assert hass.states.async_entity_ids("select")


def test_selectors_have_texts() -> None:
    import json
    from pathlib import Path

    from custom_components.offgrid_power.powmr.config_flow import SELECTORS

    texts = json.loads(
        (
            Path(__file__).parents[3] / "custom_components/offgrid_power/translations/en.json"
        ).read_text()
    )["selector"]
    assert set(SELECTORS) <= set(texts)
    assert set(texts["powmr_transport"]["options"]) == {
        "serial",
        "rtu_over_tcp",
        "rtu_over_udp",
        "modbus_tcp",
        "dongle_http",
        "mqtt",
    }


def _dongle_announcement(port: int, name: str = "ESP32-PowMr") -> ZeroconfServiceInfo:
    """What the dongle firmware announces: its hostname as the `_http._tcp` instance."""
    return ZeroconfServiceInfo(
        ip_address=ip_address("127.0.0.1"),
        ip_addresses=[ip_address("127.0.0.1")],
        port=port,
        hostname=f"{name}.local.",
        type="_http._tcp.local.",
        name=f"{name}._http._tcp.local.",
        properties={},
    )


async def _discover(hass: HomeAssistant, port: int) -> ConfigFlowResult:
    return await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=_dongle_announcement(port)
    )


def test_manifest_matches_the_dongle_announcement() -> None:
    import json
    from pathlib import Path

    manifest = json.loads(
        (Path(__file__).parents[3] / "custom_components/offgrid_power/manifest.json").read_text()
    )
    (matcher,) = manifest["zeroconf"]
    assert matcher["type"] == "_http._tcp.local."
    # Home Assistant matches the lowercased instance name with fnmatch.
    assert fnmatch("esp32-powmr._http._tcp.local.", matcher["name"])


async def test_zeroconf_discovers_the_dongle(
    hass: HomeAssistant, simulator: PowmrSimulator
) -> None:
    assert simulator.http_port is not None
    result = await _discover(hass, simulator.http_port)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "powmr_zeroconf_confirm"
    assert result["description_placeholders"] == {
        "name": "ESP32-PowMr",
        "host": f"127.0.0.1:{simulator.http_port}",
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        "family": "powmr",
        "transport": "dongle_http",
        "host": "127.0.0.1",
        "port": simulator.http_port,
        "mdns_name": "ESP32-PowMr",
        "detected_protocol": "family_a",
    }
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED

    # Announced again: nothing new to add.
    result = await _discover(hass, simulator.http_port)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_zeroconf_web_server_without_the_json(hass: HomeAssistant) -> None:
    result = await _discover(hass, _free_port())
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_powmr_dongle"


async def test_zeroconf_follows_a_dongle_to_its_new_address(
    hass: HomeAssistant, simulator: PowmrSimulator
) -> None:
    old = {
        "family": "powmr",
        "transport": "dongle_http",
        "host": "127.0.0.1",
        "port": _free_port(),
        "mdns_name": "ESP32-PowMr",
    }
    entry = make_entry(hass, old)
    await load(hass, entry)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert simulator.http_port is not None
    result = await _discover(hass, simulator.http_port)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    await hass.async_block_till_done()
    assert entry.data["port"] == simulator.http_port
    assert entry.unique_id == f"http:127.0.0.1:{simulator.http_port}"
    assert entry.state is ConfigEntryState.LOADED
