"""The MasterBus branch of the config flow, against the simulated bus."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
import pytest

from custom_components.offgrid_power.const import DOMAIN
from custom_components.offgrid_power.masterbus import const
from custom_components.offgrid_power.masterbus.entry import storage_key
from simulators.masterbus import MasterBusSimulator

from .conftest import (
    COMBI_SERIAL,
    SHUNT_SERIAL,
    SOLAR_SERIAL,
    bridge_data,
    make_entry,
    setup_entry,
    unload,
)


async def _connection_form(hass: HomeAssistant) -> FlowResult:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "masterbus"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "masterbus"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"interface": "bridge"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "masterbus_connection"
    return result


def _connection(sim: MasterBusSimulator) -> dict[str, object]:
    return {"channel": f"127.0.0.1:{sim.bridge_port}", "bitrate": 250000, "listen": "127.0.0.1:0"}


async def test_full_flow_discovers_and_creates_the_entry(
    hass: HomeAssistant, simulator: MasterBusSimulator
) -> None:
    result = await _connection_form(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _connection(simulator)
    )
    assert result["type"] is FlowResultType.SHOW_PROGRESS
    assert result["progress_action"] == "masterbus_discover"
    await hass.async_block_till_done()
    result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "masterbus_fields"
    names = result["description_placeholders"]["devices"]
    assert {"MSH Battery", "MCU Combi", "SCM Solar"} == set(names.split(", "))
    default = result["data_schema"]({})["fields"]
    # Shunt defaults: SoC, V, A, Ah, time remaining, temperature; not date, time or MB voltage.
    assert sorted(int(v.split(":")[1]) for v in default if v.startswith(SHUNT_SERIAL)) == [
        0,
        1,
        2,
        3,
        4,
        5,
    ]
    assert f"{SOLAR_SERIAL}:9" in default  # the solar yield
    chosen = [*default, f"{SHUNT_SERIAL}:12"]
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"fields": chosen})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert entry.unique_id == f"bridge:127.0.0.1:{simulator.bridge_port}"
    fields = entry.options["fields"]
    assert sorted(fields[SHUNT_SERIAL]) == [0, 1, 2, 3, 4, 5, 12]
    # Combi: states, AC and DC readings; not the mains fuse (a setting).
    assert sorted(fields[COMBI_SERIAL]) == [6, 7, 8, 9, 10, 11, 16, 18, 20, 21, 94, 98]
    assert {k: v for k, v in entry.options.items() if k != "fields"} == {
        "scan_interval": 10,
        "enable_writes": False,
        "listen_only": False,
    }
    assert "fields" not in entry.data
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.msh_battery_masterbus_voltage") is not None
    await unload(hass, entry)


async def test_progress_step_names_the_devices_found_so_far(
    hass: HomeAssistant, simulator: MasterBusSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A window to look in while it listens, wide enough for a busy machine.
    monkeypatch.setattr(const, "DISCOVERY_QUIET", 5.0)
    result = await _connection_form(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _connection(simulator)
    )
    assert result["type"] is FlowResultType.SHOW_PROGRESS
    assert result["description_placeholders"] == {"devices": "-"}
    # The frontend re-reads a progress step; each read shows what was found by then.
    async with asyncio.timeout(60):
        while result["type"] is FlowResultType.SHOW_PROGRESS:
            found = set(result["description_placeholders"]["devices"].split(", "))
            if found == {"MSH Battery", "MCU Combi", "SCM Solar"}:
                break
            await asyncio.sleep(0.05)
            result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["type"] is FlowResultType.SHOW_PROGRESS
    await hass.async_block_till_done()
    result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["step_id"] == "masterbus_fields"
    hass.config_entries.flow.async_abort(result["flow_id"])


async def test_interface_that_cannot_open_is_an_error(hass: HomeAssistant) -> None:
    result = await _connection_form(hass)
    # The listen address is taken: the bridge's socket cannot bind.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {"channel": "127.0.0.1:47810", "bitrate": 250000, "listen": f"127.0.0.1:{port}"},
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "masterbus_cannot_connect"}


async def test_silent_bus_says_so(hass: HomeAssistant, simulator: MasterBusSimulator) -> None:
    for device in simulator.devices.values():
        device.silent = True
    result = await _connection_form(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _connection(simulator)
    )
    assert result["type"] is FlowResultType.SHOW_PROGRESS
    await hass.async_block_till_done()
    result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["step_id"] == "masterbus_silent"
    assert result["errors"] == {"base": "masterbus_silent"}
    # The devices wake up; listening again finds them.
    for device in simulator.devices.values():
        device.silent = False
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.SHOW_PROGRESS
    await hass.async_block_till_done()
    result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["step_id"] == "masterbus_fields"
    hass.config_entries.flow.async_abort(result["flow_id"])


async def test_same_bus_twice_aborts(hass: HomeAssistant, simulator: MasterBusSimulator) -> None:
    make_entry(hass, bridge_data(simulator))
    result = await _connection_form(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _connection(simulator)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_options_without_known_devices(
    hass: HomeAssistant, simulator: MasterBusSimulator
) -> None:
    entry = make_entry(hass, bridge_data(simulator))
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["step_id"] == "masterbus_options"
    assert "fields" not in result["data_schema"].schema  # nothing identified yet
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"scan_interval": 30, "enable_writes": True, "listen_only": False}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {"scan_interval": 30, "enable_writes": True, "listen_only": False}


def _picked(result: FlowResult) -> list[str]:
    """The preselected values of the options form's field picker."""
    return list(
        result["data_schema"]({"scan_interval": 10, "enable_writes": False, "listen_only": False})[
            "fields"
        ]
    )


async def test_options_change_the_polled_fields(
    hass: HomeAssistant, simulator: MasterBusSimulator
) -> None:
    entry = make_entry(hass, bridge_data(simulator), {"fields": {SHUNT_SERIAL: [0, 1]}})
    await setup_entry(hass, entry)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    picked = _picked(result)
    # The shunt keeps its choice; the others get their family defaults.
    assert [v for v in picked if v.startswith(SHUNT_SERIAL)] == [
        f"{SHUNT_SERIAL}:0",
        f"{SHUNT_SERIAL}:1",
    ]
    assert f"{SOLAR_SERIAL}:9" in picked
    assert f"{COMBI_SERIAL}:19" not in picked  # the mains fuse is a setting
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "scan_interval": 10,
            "enable_writes": False,
            "listen_only": False,
            "fields": [f"{SHUNT_SERIAL}:12", f"{SOLAR_SERIAL}:4"],
        },
    )
    assert entry.options["fields"] == {SHUNT_SERIAL: [12], SOLAR_SERIAL: [4], COMBI_SERIAL: []}
    await hass.async_block_till_done(wait_background_tasks=True)  # the entry reloads
    assert hass.states.get("sensor.msh_battery_masterbus_voltage").state == "15.0"
    assert hass.states.get("sensor.scm_solar_pv_voltage").state == "19.0"
    assert hass.states.get("sensor.msh_battery_state_of_charge").state == "unavailable"  # gone
    assert hass.states.get("sensor.mcu_combi_mains_voltage").state == "unavailable"
    # Energy keeps its inputs polled whatever is shown.
    assert hass.states.get("sensor.msh_battery_battery_power").state == "-51.6"
    await unload(hass, entry)

    # Unloaded, the picker still knows the devices from the schema cache.
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert sorted(_picked(result)) == [f"{SHUNT_SERIAL}:12", f"{SOLAR_SERIAL}:4"]
    hass.config_entries.options.async_abort(result["flow_id"])


async def test_removing_the_entry_deletes_its_schema_cache(
    hass: HomeAssistant, simulator: MasterBusSimulator, hass_storage: dict[str, Any]
) -> None:
    entry = make_entry(hass, bridge_data(simulator))
    await setup_entry(hass, entry)
    key = storage_key(entry.entry_id)
    await unload(hass, entry)
    assert len(hass_storage[key]["data"]["devices"]) == 3
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage


@pytest.mark.parametrize("works", [True, False])
async def test_reconfigure(hass: HomeAssistant, simulator: MasterBusSimulator, works: bool) -> None:
    entry = make_entry(hass, bridge_data(simulator, channel="127.0.0.1:1"))
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "masterbus_reconfigure"
    listen = "127.0.0.1:0"
    taken = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if not works:
        taken.bind(("127.0.0.1", 0))
        listen = f"127.0.0.1:{taken.getsockname()[1]}"
    try:
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {"interface": "bridge", **_connection(simulator), "listen": listen},
        )
    finally:
        taken.close()
    if works:
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reconfigure_successful"
        assert entry.data["channel"] == f"127.0.0.1:{simulator.bridge_port}"
        assert entry.unique_id == f"bridge:127.0.0.1:{simulator.bridge_port}"
        await hass.async_block_till_done(wait_background_tasks=True)
        assert entry.state is ConfigEntryState.LOADED
        await unload(hass, entry)
    else:
        assert result["errors"] == {"base": "masterbus_cannot_connect"}
