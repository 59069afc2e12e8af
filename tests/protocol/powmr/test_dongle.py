"""DongleClient against the HTTP emulator, both JSON layouts, and the firmware's failure modes."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp
import pytest

from custom_components.offgrid_power.protocol.powmr import (
    DongleClient,
    PowmrConnectionError,
    PowmrFamily,
    PowmrInvalidDataError,
    PowmrTimeoutError,
    parse_status,
)
from simulators.powmr import DongleFault, DongleSchema

from .conftest import SimulatorFactory

# The dongle firmware README's example status document.
README_EXAMPLE = json.loads((Path(__file__).parent / "fixtures" / "dongle_status.json").read_text())


def test_readme_example_maps_to_snapshot() -> None:
    snapshot = parse_status(README_EXAMPLE)
    assert snapshot.family is PowmrFamily.FAMILY_A
    assert snapshot["grid_voltage"] == 122.4
    assert snapshot["output_active_power"] == 341
    assert snapshot["output_apparent_power"] == 352
    assert snapshot["pv_voltage"] == 88.3
    assert snapshot["pv_power"] == 404
    assert snapshot["battery_voltage"] == 27.4
    assert snapshot["operating_mode"] == "line"
    assert snapshot["charger_status"] == "unknown_13"
    assert snapshot["output_source_priority"] == "solar_first"
    assert snapshot["temperature"] == 44
    assert snapshot["soc_estimate"] == 100
    # Not in the JSON: absent, not zero.
    assert snapshot["battery_soc"] is None
    assert snapshot["rated_battery_voltage"] is None


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {"ac": {}},
        {"inverter": {"valid_info": 0}},
        {"inverter": {"valid_info": True}},
        {"inverter": "1"},
    ],
)
def test_documents_without_valid_data_are_refused(payload: object) -> None:
    with pytest.raises(PowmrInvalidDataError):
        parse_status(payload)


@pytest.mark.parametrize("schema", list(DongleSchema))
async def test_both_schemas_from_the_emulator(
    make_simulator: SimulatorFactory, schema: DongleSchema
) -> None:
    simulator = await make_simulator(http_port=0, dongle_schema=schema, start_hour=12)
    async with aiohttp.ClientSession() as session:
        snapshot = await DongleClient(
            session, "127.0.0.1", simulator.http_port or 0
        ).read_snapshot()
    assert snapshot.number("pv_power") is not None
    assert snapshot.number("pv_power") > 0  # type: ignore[operator]
    assert snapshot.number("pv_voltage") is not None
    assert snapshot.number("battery_voltage") is not None
    assert snapshot["operating_mode"] in ("battery", "line")
    has_pf = snapshot["power_factor"] is not None
    assert has_pf is (schema is DongleSchema.CURRENT)


async def test_emulator_faults(make_simulator: SimulatorFactory) -> None:
    simulator = await make_simulator(http_port=0)
    async with aiohttp.ClientSession() as session:
        client = DongleClient(session, "127.0.0.1", simulator.http_port or 0, timeout=1.0)
        simulator.dongle.fault = DongleFault.HTTP_500
        with pytest.raises(PowmrConnectionError, match="500"):
            await client.read_snapshot()
        simulator.dongle.fault = DongleFault.INVALID
        with pytest.raises(PowmrInvalidDataError):
            await client.read_snapshot()
        simulator.dongle.fault = DongleFault.MISSING_KEYS
        snapshot = await client.read_snapshot()
        assert snapshot["battery_voltage"] is None
        assert snapshot["output_active_power"] is None
        assert snapshot["output_apparent_power"] is not None
        simulator.dongle.fault = DongleFault.NONE
        assert (await client.read_snapshot())["battery_voltage"] is not None


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (DongleFault.NOT_JSON, PowmrInvalidDataError),
        (DongleFault.NOT_UTF8, PowmrInvalidDataError),
        (DongleFault.CUT, PowmrConnectionError),
    ],
)
async def test_bad_bodies_are_refused_then_recover(
    make_simulator: SimulatorFactory, fault: DongleFault, error: type[Exception]
) -> None:
    simulator = await make_simulator(http_port=0)
    async with aiohttp.ClientSession() as session:
        client = DongleClient(session, "127.0.0.1", simulator.http_port or 0, timeout=30.0)
        simulator.dongle.fault = fault
        with pytest.raises(error):  # no snapshot at all: nothing is made up from half a body
            await client.read_snapshot()
        simulator.dongle.fault = DongleFault.NONE
        assert (await client.read_snapshot())["battery_voltage"] is not None


async def test_unreachable_dongle(unused_tcp_port: int) -> None:
    async with aiohttp.ClientSession() as session:
        with pytest.raises(PowmrConnectionError):
            await DongleClient(session, "127.0.0.1", unused_tcp_port).read_snapshot()


async def test_slow_dongle_times_out(make_simulator: SimulatorFactory) -> None:
    simulator = await make_simulator(http_port=0)
    simulator.dongle.fault = DongleFault.STALL
    async with aiohttp.ClientSession() as session:
        client = DongleClient(session, "127.0.0.1", simulator.http_port or 0, timeout=0.1)
        with pytest.raises(PowmrTimeoutError):
            await client.read_snapshot()
