"""No MasterBus secret escapes: credentials in an SLCAN adapter's URL.

The flow fails on an adapter that is not there, the entry runs, the link
dies and retries, the diagnostics are downloaded; then logs (DEBUG),
diagnostics, error texts, reprs and entity states are searched.
"""

from __future__ import annotations

import logging
import socket

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.offgrid_power.const import DOMAIN
from simulators.masterbus import MasterBusSimulator
from tests.integration.secrets import (
    assert_no_secret,
    diagnostics_text,
    entity_text,
    log_text,
)

from .conftest import (
    make_entry,
    setup_entry,
    slcan_data,
    steady_devices,
    until,
)

PASSWORD = "Hunter2-masterbus"
TOKEN = "tok-3f9a1c-masterbus"


def _channel(port: int) -> str:
    # pyserial's socket:// takes the host from the URL and ignores the user info.
    return f"socket://admin:{PASSWORD}@127.0.0.1:{port}"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_adapter_credentials_stay_secret(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "masterbus"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"interface": "slcan"}
    )
    failed = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        # A query the URL handler refuses, and an adapter that is not there.
        {"channel": f"{_channel(_closed_port())}?token={TOKEN}", "bitrate": 250000},
    )
    assert failed["type"] is FlowResultType.FORM
    assert failed["errors"]
    hass.config_entries.flow.async_abort(result["flow_id"])

    # python-can reads `@` in an SLCAN channel as the baud rate, so an entry
    # with user info never opens: setup retries, and says why without them.
    entry = make_entry(hass, slcan_data(_closed_port()) | {"channel": _channel(_closed_port())})
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.reason is not None
    assert "***@127.0.0.1" in entry.reason
    assert_no_secret(
        (PASSWORD, TOKEN),
        logs=log_text(caplog.records),
        errors=[repr(failed), entry.reason],
        entities=entity_text(hass),
    )
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_diagnostics_error_leaves_the_channel_out(
    hass: HomeAssistant, hass_client: ClientSessionGenerator
) -> None:
    """The channel is redacted in diagnostics, so the last error must not repeat it."""
    adapter = MasterBusSimulator(steady_devices(), slcan_port=0)
    await adapter.start()
    entry = make_entry(hass, slcan_data(adapter.slcan_port))
    try:
        await setup_entry(hass, entry)
        assert hass.states.get("sensor.msh_battery_battery_voltage").state == "12.9"
    finally:
        await adapter.stop()
    coordinator = entry.runtime_data.coordinator
    await until(entry, lambda: not coordinator.connected)
    await coordinator.async_refresh()  # a reconnect, refused
    assert coordinator.last_error is not None
    channel = entry.data["channel"].removeprefix("socket://")
    assert channel in coordinator.last_error
    assert_no_secret((channel,), diagnostics=await diagnostics_text(hass, hass_client, entry))
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
