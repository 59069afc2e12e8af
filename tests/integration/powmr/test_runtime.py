"""PowMr entities, polling, energy and diagnostics against the simulator."""

from __future__ import annotations

from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    async_fire_time_changed,
    mock_restore_cache_with_extra_data,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.offgrid_power.const import DOMAIN
from custom_components.offgrid_power.powmr.config_flow import entry_title
from simulators.powmr import DongleFault, Fault, PowmrSimulator

from .conftest import (
    ENTRY_ID,
    coordinator,
    entity_id,
    free_udp_port,
    load,
    make_entry,
    modbus_tcp_data,
    poll,
    refresh,
    short_timeouts,
)


def _number(hass: HomeAssistant, platform: str, key: str) -> float:
    return float(hass.states.get(entity_id(hass, platform, key)).state)


async def test_states_over_modbus_tcp(hass: HomeAssistant, simulator: PowmrSimulator) -> None:
    entry = make_entry(hass, modbus_tcp_data(simulator))
    await load(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    model = simulator.model
    assert _number(hass, "sensor", "pv_voltage") > 0
    assert _number(hass, "sensor", "battery_voltage") == pytest.approx(
        model.battery_voltage, abs=0.2
    )
    assert _number(hass, "sensor", "output_active_power") >= 0
    assert hass.states.get(entity_id(hass, "sensor", "operating_mode")).state in {
        "line",
        "battery",
    }
    assert hass.states.get(entity_id(hass, "sensor", "output_source_priority")).state == "sbu"
    assert _number(hass, "sensor", "bulk_charge_voltage") == 28.4
    grid = hass.states.get(entity_id(hass, "binary_sensor", "grid_active")).state
    battery = hass.states.get(entity_id(hass, "binary_sensor", "on_battery")).state
    assert {grid, battery} == {"on", "off"}
    # Ratings are diagnostics, off by default; no controls without writes.
    registry = er.async_get(hass)
    rated = registry.async_get(entity_id(hass, "sensor", "rated_active_power"))
    assert rated is not None
    assert rated.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert not hass.states.async_entity_ids("number")
    device = next(iter(er.async_entries_for_config_entry(registry, ENTRY_ID))).device_id
    assert device is not None


@pytest.mark.parametrize("transport", ["rtu_over_tcp", "rtu_over_udp"])
async def test_rtu_transports(
    hass: HomeAssistant, simulator: PowmrSimulator, transport: str
) -> None:
    if transport == "rtu_over_tcp":
        data = modbus_tcp_data(simulator, transport=transport, port=simulator.rtu_tcp_port)
    else:
        data = modbus_tcp_data(
            simulator,
            transport=transport,
            port=simulator.rtu_udp_port,
            reply_port=free_udp_port(),
        )
    entry = make_entry(hass, data)
    await load(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert _number(hass, "sensor", "grid_voltage") > 200


async def test_dongle_has_no_controls(hass: HomeAssistant, simulator: PowmrSimulator) -> None:
    data = {
        "family": "powmr",
        "transport": "dongle_http",
        "host": "127.0.0.1",
        "port": simulator.http_port,
    }
    entry = make_entry(hass, data, {"enable_writes": True})
    await load(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert _number(hass, "sensor", "battery_voltage") > 20
    assert not hass.states.async_entity_ids("number")
    # The dongle carries no settings, so there are no setting sensors either.
    registry = er.async_get(hass)
    assert registry.async_get_entity_id("sensor", DOMAIN, f"{ENTRY_ID}_bulk_charge_voltage") is None


async def test_unavailable_after_failure_and_back(
    hass: HomeAssistant, simulator: PowmrSimulator
) -> None:
    # Real time here: a dropped answer must time out.
    entry = make_entry(hass, modbus_tcp_data(simulator))
    await load(hass, entry)
    await short_timeouts(entry)
    pv = entity_id(hass, "sensor", "pv_voltage")
    simulator.unit.faults.set(Fault.DROP)
    await refresh(hass, entry)
    assert hass.states.get(pv).state == STATE_UNAVAILABLE
    assert coordinator(entry).counters.failed_polls == 1
    simulator.unit.faults.clear()
    await refresh(hass, entry)
    assert hass.states.get(pv).state != STATE_UNAVAILABLE
    assert _number(hass, "sensor", "failed_polls") == 1


async def test_unreachable_unit_retries_setup(hass: HomeAssistant) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    entry = make_entry(
        hass,
        {
            "family": "powmr",
            "transport": "modbus_tcp",
            "host": "127.0.0.1",
            "port": port,
            "detected_protocol": "family_a",
        },
    )
    await load(hass, entry)
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_energy_counts_and_skips_gaps(hass: HomeAssistant, simulator: PowmrSimulator) -> None:
    entry = make_entry(hass, modbus_tcp_data(simulator))
    await load(hass, entry)
    await short_timeouts(entry)
    load_energy = entity_id(hass, "sensor", "load_energy")
    assert float(hass.states.get(load_energy).state) == 0
    await refresh(hass, entry)
    first = float(hass.states.get(load_energy).state)
    assert first > 0
    # A failed poll breaks the chain; the next good poll only starts a new one.
    simulator.unit.faults.set(Fault.DROP)
    await refresh(hass, entry)
    assert hass.states.get(load_energy).state == STATE_UNAVAILABLE
    simulator.unit.faults.clear()
    await refresh(hass, entry)
    assert float(hass.states.get(load_energy).state) == pytest.approx(first)
    await refresh(hass, entry)
    assert float(hass.states.get(load_energy).state) > first
    for key in ("pv_energy", "battery_charge_energy", "battery_discharge_energy"):
        assert float(hass.states.get(entity_id(hass, "sensor", key)).state) >= 0


async def test_energy_restored_after_restart(
    hass: HomeAssistant, simulator: PowmrSimulator, freezer: FrozenDateTimeFactory
) -> None:
    object_id = "powmr_test_load_energy"
    er.async_get(hass).async_get_or_create(
        "sensor", DOMAIN, f"{ENTRY_ID}_load_energy", suggested_object_id=object_id
    )
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(f"sensor.{object_id}", "42.0"),
                {
                    "native_value": 42.0,
                    "native_unit_of_measurement": "kWh",
                    "counter": {"total_kwh": 42.0},
                },
            )
        ],
    )
    entry = make_entry(hass, modbus_tcp_data(simulator))
    await load(hass, entry)
    assert float(hass.states.get(f"sensor.{object_id}").state) == 42.0
    await poll(hass, freezer)
    assert float(hass.states.get(f"sensor.{object_id}").state) > 42.0


async def test_diagnostics(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, simulator: PowmrSimulator
) -> None:
    data = modbus_tcp_data(simulator)
    entry = make_entry(hass, data, title=entry_title(data))
    await load(hass, entry)
    # The unit goes away: a read times out, then the error names the link it cannot reach.
    await short_timeouts(entry)
    await simulator.stop()
    await refresh(hass, entry)
    await refresh(hass, entry)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert diagnostics["entry"]["data"]["host"] == "**REDACTED**"
    assert diagnostics["entry"]["unique_id"] == "**REDACTED**"
    assert diagnostics["entry"]["title"] == "**REDACTED**"
    runtime = diagnostics["runtime"]
    assert runtime["protocol"] == "family_a"
    assert runtime["link"]["read_plan"]["accepted"] == "dongle"
    assert set(runtime["blocks"]) == {"4501x45", "4546x16"}
    block = runtime["blocks"]["4546x16"]
    assert block["decoded"]["bulk_charge_voltage"] == 28.4
    assert block["wire"].split()[0] == "1c01"
    assert block["logical"].split()[0] == "011c"
    assert runtime["ratings"]["rated_battery_voltage"] == 24.0
    assert runtime["counters"]["failed_polls"] == 2
    # Link health lives here, not in an entity that changes at every poll.
    assert runtime["last_poll"]["succeeded_at"]
    assert runtime["last_poll"]["read_time_ms"] >= 0
    assert "modbus_tcp:**REDACTED**:" in runtime["counters"]["last_error"]
    assert "127.0.0.1" not in str(diagnostics)


async def test_serial_port_entry_and_its_diagnostics(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, simulator: PowmrSimulator
) -> None:
    """A pty stands in for the USB adapter; its path never reaches the diagnostics."""
    assert simulator.serial_path is not None
    data = {
        "family": "powmr",
        "transport": "serial",
        "device": simulator.serial_path,
        "detected_protocol": "family_a",
    }
    entry = make_entry(hass, data, title=entry_title(data))
    await load(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert _number(hass, "sensor", "output_frequency") == 50.0
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert diagnostics["entry"]["data"]["device"] == "**REDACTED**"
    assert simulator.serial_path not in str(diagnostics)


async def test_unknown_enum_code_is_unknown(
    hass: HomeAssistant, simulator: PowmrSimulator, freezer: FrozenDateTimeFactory
) -> None:
    entry = make_entry(hass, modbus_tcp_data(simulator))
    await load(hass, entry)
    simulator.model.settings[5018] = 7
    await poll(hass, freezer)
    state = hass.states.get(entity_id(hass, "sensor", "output_source_priority")).state
    assert state == STATE_UNKNOWN


async def test_energy_never_bridges_a_long_gap(
    hass: HomeAssistant, simulator: PowmrSimulator, freezer: FrozenDateTimeFactory
) -> None:
    entry = make_entry(hass, modbus_tcp_data(simulator))
    await load(hass, entry)
    load_energy = entity_id(hass, "sensor", "load_energy")
    await poll(hass, freezer)
    before = float(hass.states.get(load_energy).state)
    assert before > 0
    # Home Assistant was busy (or the clock jumped): ten minutes between two good polls.
    freezer.tick(timedelta(minutes=10))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert float(hass.states.get(load_energy).state) == pytest.approx(before)
    await poll(hass, freezer)
    assert float(hass.states.get(load_energy).state) > before


async def test_unavailable_is_logged_once_and_recovery_once(
    hass: HomeAssistant, simulator: PowmrSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    entry = make_entry(hass, modbus_tcp_data(simulator))
    await load(hass, entry)
    await short_timeouts(entry)
    caplog.set_level(logging.INFO)
    caplog.clear()
    simulator.unit.faults.set(Fault.DROP)
    for _ in range(3):
        await refresh(hass, entry)
    assert hass.states.get(entity_id(hass, "sensor", "battery_voltage")).state == STATE_UNAVAILABLE
    simulator.unit.faults.clear()
    for _ in range(2):
        await refresh(hass, entry)
    assert hass.states.get(entity_id(hass, "sensor", "battery_voltage")).state != STATE_UNAVAILABLE
    messages = [record.getMessage() for record in caplog.records if record.levelno >= logging.INFO]
    assert len([m for m in messages if m.startswith("Error fetching PowMr")]) == 1
    assert len([m for m in messages if m.endswith("data recovered")]) == 1


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (DongleFault.INVALID, STATE_UNAVAILABLE),  # valid_info 0: stale values, not published
        (DongleFault.HTTP_500, STATE_UNAVAILABLE),
        (DongleFault.MISSING_KEYS, STATE_UNKNOWN),  # no `dc` group: unknown, never 0
    ],
)
async def test_dongle_bad_documents(
    hass: HomeAssistant, simulator: PowmrSimulator, fault: DongleFault, expected: str
) -> None:
    data = {
        "family": "powmr",
        "transport": "dongle_http",
        "host": "127.0.0.1",
        "port": simulator.http_port,
    }
    entry = make_entry(hass, data)
    await load(hass, entry)
    await refresh(hass, entry)
    pv_energy = entity_id(hass, "sensor", "pv_energy")
    battery_energy = entity_id(hass, "sensor", "battery_charge_energy")
    before = hass.states.get(battery_energy).state
    assert simulator.dongle is not None
    simulator.dongle.fault = fault
    await refresh(hass, entry)
    assert hass.states.get(entity_id(hass, "sensor", "battery_voltage")).state == expected
    if expected == STATE_UNKNOWN:
        # The battery counter has no input: it stands still; PV still counts.
        assert hass.states.get(battery_energy).state == before
        assert float(hass.states.get(pv_energy).state) >= 0
    simulator.dongle.fault = DongleFault.NONE
    await refresh(hass, entry)
    assert float(hass.states.get(entity_id(hass, "sensor", "battery_voltage")).state) > 20


async def test_no_enabled_entity_changes_at_every_poll_for_link_health(
    hass: HomeAssistant, simulator: PowmrSimulator
) -> None:
    entry = make_entry(hass, modbus_tcp_data(simulator))
    await load(hass, entry)
    registry = er.async_get(hass)
    # No timestamp of the last poll: it filled the logbook and the database.
    assert registry.async_get_entity_id("sensor", DOMAIN, f"{ENTRY_ID}_last_poll") is None
    read_time = registry.async_get(entity_id(hass, "sensor", "read_time"))
    assert read_time is not None
    assert read_time.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    # Failed polls changes only when a poll fails.
    failed = hass.states.get(entity_id(hass, "sensor", "failed_polls"))
    assert failed.state == "0"
