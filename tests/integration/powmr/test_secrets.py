"""No PowMr secret escapes: a serial proxy's ``noise_psk``, a password in a host.

Each flow runs through its failing and its working path, the entry polls and
the diagnostics are downloaded; then logs (DEBUG), diagnostics, error texts,
reprs and entity states are searched for the planted secrets.
"""

from __future__ import annotations

import asyncio
import logging
import socket

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import selector
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.offgrid_power.const import DOMAIN
from custom_components.offgrid_power.powmr.config_flow import entry_title
from custom_components.offgrid_power.protocol.powmr import link as link_module
from custom_components.offgrid_power.protocol.powmr.rtu_stream import (
    ProtocolFactory,
    StreamOpener,
)
from simulators.powmr import PowmrSimulator
from tests.integration.secrets import (
    assert_no_secret,
    diagnostics_text,
    entity_text,
    log_text,
    reprs,
)

from .conftest import coordinator, refresh

PSK = "c2VjcmV0UFNLLWhhcmRo"  # base64 of a recognisable text
PASSWORD = "Hunter2-hardh"
PROXY = f"esphome://127.0.0.1:6053/?port_name=PowMr&noise_psk={PSK}&api_password={PASSWORD}"


async def _connection_form(hass: HomeAssistant, transport: str) -> str:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "powmr"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"transport": transport}
    )
    assert result["step_id"] == "powmr_connection"
    return str(result["flow_id"])


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _check(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
    flow_errors: list[object],
) -> None:
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    assert entry.state is ConfigEntryState.LOADED
    await refresh(hass, entry)
    data = coordinator(entry)
    assert_no_secret(
        (PSK, PASSWORD),
        title=entry.title,
        logs=log_text(caplog.records),
        diagnostics=await diagnostics_text(hass, hass_client, entry),
        errors=[repr(error) for error in flow_errors]
        + [str(data.last_exception), str(data.counters.last_error)],
        reprs=reprs(entry.runtime_data, entry),
        entities=entity_text(hass),
        # Home Assistant shows and logs an entry by its repr, which holds the unique id.
        entry=repr(entry),
    )
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def test_serial_proxy_key_stays_secret(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: PowmrSimulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    reachable = asyncio.Event()

    def opener(url: str, baudrate: int) -> StreamOpener:
        async def open_stream(protocol_factory: ProtocolFactory) -> asyncio.BaseTransport:
            if not reachable.is_set():
                # What serialx raises for an unreachable proxy, naming the URL it got.
                raise ConnectionRefusedError(f"could not open {url}")
            transport, _ = await asyncio.get_running_loop().create_connection(
                protocol_factory, "127.0.0.1", simulator.rtu_tcp_port
            )
            return transport

        return open_stream

    # Home Assistant 2026.5's serial port selector and serialx's opener, stood in for.
    monkeypatch.setattr(selector, "SerialPortSelector", selector.TextSelector, raising=False)
    monkeypatch.setattr(link_module, "serialx_opener", opener)
    flow_id = await _connection_form(hass, "serial")
    failed = await hass.config_entries.flow.async_configure(
        flow_id, {"device": PROXY, "protocol": "family_a"}
    )
    assert failed["errors"] == {"base": "cannot_connect"}
    reachable.set()
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"device": PROXY, "protocol": "family_a"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    await _check(hass, hass_client, caplog, [failed])


async def test_password_in_the_dongle_host_stays_secret(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: PowmrSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    host = f"admin:{PASSWORD}@127.0.0.1"
    flow_id = await _connection_form(hass, "dongle_http")
    failed = await hass.config_entries.flow.async_configure(
        flow_id, {"host": host, "port": _closed_port()}
    )
    assert failed["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"host": host, "port": simulator.http_port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"PowMr ***@127.0.0.1:{simulator.http_port}"
    await hass.async_block_till_done()
    await _check(hass, hass_client, caplog, [failed])


def _old_dongle_entry(port: int, user: str, entry_id: str) -> MockConfigEntry:
    """An entry as release minor version 1 stored it: the host as typed in the unique id."""
    data = {
        "family": "powmr",
        "transport": "dongle_http",
        "host": f"{user}:{PASSWORD}@127.0.0.1",
        "port": port,
        "detected_protocol": "family_a",
    }
    return MockConfigEntry(
        domain=DOMAIN,
        title=entry_title(data),
        data=data,
        unique_id=f"http:{data['host'].lower()}:{port}",
        version=1,
        minor_version=1,
        entry_id=entry_id,
    )


async def test_old_unique_id_loses_its_password(
    hass: HomeAssistant, simulator: PowmrSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    """Minor version 2 migrates the id; a second flow for the same dongle is still refused."""
    caplog.set_level(logging.DEBUG)
    entry = _old_dongle_entry(simulator.http_port, "admin", "old_entry")
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.minor_version == 2
    assert entry.unique_id == f"http:127.0.0.1:{simulator.http_port}"
    assert_no_secret(
        (PASSWORD,),
        entry=repr(entry),
        logs=log_text(caplog.records),
        entries=[repr(e) for e in hass.config_entries.async_entries(DOMAIN)],
    )

    # The same dongle, typed with another password or none: the same inverter.
    for host in (f"admin:{PASSWORD}@127.0.0.1", "other:word@127.0.0.1", "127.0.0.1"):
        flow_id = await _connection_form(hass, "dongle_http")
        result = await hass.config_entries.flow.async_configure(
            flow_id, {"host": host, "port": simulator.http_port}
        )
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "already_configured"
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def test_old_serial_proxy_unique_id_loses_its_key(hass: HomeAssistant) -> None:
    """The migration runs before setup, so even an unreachable proxy's entry is migrated."""
    data = {"family": "powmr", "transport": "serial", "device": PROXY, "protocol": "family_a"}
    entry = MockConfigEntry(
        domain=DOMAIN, data=data, unique_id=f"serial:{PROXY}", version=1, minor_version=1
    )
    entry.add_to_hass(hass)
    assert await entry.async_migrate(hass)
    assert entry.minor_version == 2
    assert entry.unique_id == (
        "serial:esphome://127.0.0.1:6053/?port_name=PowMr&noise_psk=***&api_password=***"
    )
    assert_no_secret((PSK, PASSWORD), entry=repr(entry))


async def test_two_old_entries_for_one_dongle_stay_apart(hass: HomeAssistant) -> None:
    """Ids that only differed in a credential: the second gets its own, still without it."""
    first = _old_dongle_entry(8080, "admin", "first")
    second = _old_dongle_entry(8080, "guest", "second")
    for entry in (first, second):
        entry.add_to_hass(hass)
        assert await entry.async_migrate(hass)
    assert first.unique_id == "http:127.0.0.1:8080"
    assert second.unique_id == "http:127.0.0.1:8080 second"
    assert_no_secret((PASSWORD,), entries=[repr(first), repr(second)])
