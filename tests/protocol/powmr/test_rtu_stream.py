"""The RTU stream link that serves ESPHome serial proxies.

serialx (which opens `esphome-hass://` ports inside Home Assistant 2026.5+) is not
installed here, so the stream comes from a TCP connection to the simulator's
RTU-over-TCP endpoint: the same bytes a serial proxy carries, framed by the link.
"""

from __future__ import annotations

import asyncio
import sys

import pytest

from custom_components.offgrid_power.protocol.powmr import (
    PowmrClient,
    PowmrConnectionError,
    PowmrExceptionResponse,
    PowmrFamily,
    PowmrFrameError,
    PowmrTimeoutError,
    TransportConfig,
    TransportKind,
    link as link_module,
)
from custom_components.offgrid_power.protocol.powmr.rtu_stream import (
    ProtocolFactory,
    RtuStreamLink,
    StreamOpener,
    needs_serialx,
)
from custom_components.offgrid_power.protocol.powmr.transport import safe_address
from simulators.powmr import Fault, PowmrSimulator, Refusal

from .conftest import SimulatorFactory

PROXY_PORT = "esphome-hass://esphome/01KEA18HJC04A8KECEQ6E6HBRP?port_name=PowMr+inverter"


def tcp_opener(simulator: PowmrSimulator) -> StreamOpener:
    async def open_stream(protocol_factory: ProtocolFactory) -> asyncio.BaseTransport:
        assert simulator.rtu_tcp_port is not None
        transport, _ = await asyncio.get_running_loop().create_connection(
            protocol_factory, "127.0.0.1", simulator.rtu_tcp_port
        )
        return transport

    return open_stream


def proxy_config(timeout: float = 0.3) -> TransportConfig:
    return TransportConfig(TransportKind.SERIAL, PROXY_PORT, timeout=timeout)


async def open_link(simulator: PowmrSimulator, answer_within: float = 0.3) -> RtuStreamLink:
    link = RtuStreamLink(proxy_config(answer_within), tcp_opener(simulator))
    await link.connect()
    return link


async def test_reads_and_writes(make_simulator: SimulatorFactory) -> None:
    simulator = await make_simulator(rtu_tcp_port=0, refusal=Refusal.EXCEPTION)
    link = await open_link(simulator)
    try:
        words = await link.read_holding_registers(5, 4501, 45)
        assert len(words) == 45
        assert words[24] == 0xF000  # 4525, 24.0 V, byte-swapped on the wire
        await link.write_register(5, 5018, 1)
        assert simulator.model.settings[5018] == 1  # type: ignore[attr-defined]
        with pytest.raises(PowmrExceptionResponse):
            await link.read_holding_registers(5, 4490, 3)
        assert link.connected
    finally:
        link.close()


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.DROP, PowmrTimeoutError),
        (Fault.CRC, PowmrFrameError),
        (Fault.DELAY, PowmrTimeoutError),
        (Fault.STALL, PowmrTimeoutError),
    ],
)
async def test_faults(
    make_simulator: SimulatorFactory, fault: Fault, error: type[Exception]
) -> None:
    simulator = await make_simulator(rtu_tcp_port=0)
    link = await open_link(simulator, answer_within=0.2)
    try:
        # A stall lasts until cleared; the others hit one answer.
        simulator.unit.faults.set(fault, count=None if fault is Fault.STALL else 1, delay=0.5)
        with pytest.raises(error):
            await link.read_holding_registers(5, 4546, 16)
    finally:
        simulator.unit.faults.clear()
        link.close()


async def test_closed_stream_is_a_connection_error(make_simulator: SimulatorFactory) -> None:
    simulator = await make_simulator(rtu_tcp_port=0)
    link = await open_link(simulator)
    await simulator.stop()
    await asyncio.sleep(0.05)
    with pytest.raises(PowmrConnectionError):
        await link.read_holding_registers(5, 4546, 1)
    assert not link.connected
    link.close()


async def test_client_runs_its_plan_over_a_proxy_port(
    make_simulator: SimulatorFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    simulator = await make_simulator(rtu_tcp_port=0)
    monkeypatch.setattr(link_module, "serialx_opener", lambda url, baudrate: tcp_opener(simulator))
    async with PowmrClient(proxy_config(), write_cooldown=0) as client:
        snapshot = await client.read_snapshot()
        assert client.family is PowmrFamily.FAMILY_A
        assert snapshot["rated_battery_voltage"] == 24.0
        assert await client.write_setting("output_source_priority", "sbu") == "sbu"


async def test_without_serialx_the_error_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    # Newer Home Assistant releases install serialx: hide it, as on 2025.4.
    monkeypatch.setitem(sys.modules, "serialx", None)
    async with PowmrClient(proxy_config(), PowmrFamily.FAMILY_A) as client:
        with pytest.raises(PowmrConnectionError, match="serialx"):
            await client.read_snapshot()


def test_which_ports_need_serialx() -> None:
    assert needs_serialx(PROXY_PORT)
    assert needs_serialx("esphome://192.168.1.42:6053/?port_name=PowMr")
    assert not needs_serialx("/dev/ttyUSB0")
    assert not needs_serialx("socket://192.168.1.42:6638")


def test_credentials_stay_out_of_descriptions() -> None:
    url = "esphome://192.168.1.42:6053/?port_name=PowMr+inverter&noise_psk=c2VjcmV0K2tleQ%3D%3D"
    assert "c2VjcmV0" not in safe_address(url)
    assert "port_name=PowMr+inverter" in safe_address(url)
    described = TransportConfig(TransportKind.SERIAL, url).describe()
    assert "c2VjcmV0" not in described
    assert safe_address(PROXY_PORT) == PROXY_PORT
