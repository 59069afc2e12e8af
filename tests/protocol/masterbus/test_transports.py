"""The same session over real loopback sockets: the UDP bridge and SLCAN over TCP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import socket

import can
import pytest

from custom_components.offgrid_power.protocol.masterbus import (
    ConnectionLost,
    MasterBusSession,
    SessionEvent,
)
from custom_components.offgrid_power.protocol.masterbus.bridge import MAGIC, BridgeBus
from custom_components.offgrid_power.protocol.masterbus.errors import TransportError
from custom_components.offgrid_power.protocol.masterbus.transports import (
    Interface,
    TransportConfig,
    available_interfaces,
    close_bus,
    open_bus,
)
from simulators.masterbus import MasterBusSimulator

from .conftest import FAST, SHUNT, SOLAR
from .waiting import until


@pytest.fixture
async def network() -> AsyncIterator[MasterBusSimulator]:
    async with MasterBusSimulator(slcan_port=0, bridge_port=0) as sim:
        yield sim


async def exercise(bus: can.BusABC) -> None:
    """Discover everyone, poll, and write with commit over this bus."""
    session = MasterBusSession(FAST)
    await session.connect(bus)
    try:
        async with asyncio.timeout(15):
            devices = await session.wait_for_devices(3)
        assert devices[SHUNT].identity.serial == "KL21S0412"  # type: ignore[union-attr]
        values = await session.read_values(SHUNT, [0, 1, 2])
        assert set(values) == {0, 1, 2}
        assert await session.write_value(SOLAR, 12, 0, commit=True) == 0.0
    finally:
        await session.disconnect()


async def test_session_over_the_udp_bridge(network: MasterBusSimulator) -> None:
    bus = BridgeBus(f"127.0.0.1:{network.bridge_port}", local_port=0, local_host="127.0.0.1")
    try:
        await exercise(bus)
    finally:
        bus.shutdown()


async def test_bridge_bus_drops_garbage(network: MasterBusSimulator) -> None:
    bus = BridgeBus(f"127.0.0.1:{network.bridge_port}", local_port=0, local_host="127.0.0.1")
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as stranger:
            stranger.bind(("127.0.0.1", 0))
            stranger.sendto(b"hello", bus.local_address)
            stranger.sendto(bytes([MAGIC, 0x8F]) + bytes(12), bus.local_address)  # DLC 15
        await asyncio.sleep(0.05)
        assert bus.recv(0.05) is None
        assert bus.datagrams_rejected == 2
    finally:
        bus.shutdown()


async def test_bridge_endpoint_reaches_python_can_and_back(network: MasterBusSimulator) -> None:
    bus = BridgeBus(f"127.0.0.1:{network.bridge_port}", local_port=0, local_host="127.0.0.1")
    try:
        bus.send(can.Message(arbitration_id=0x05000001, is_extended_id=True))  # heartbeat
        loop = asyncio.get_running_loop()
        seen: set[int] = set()
        async with asyncio.timeout(3):
            while len(seen) < 3:
                frame = await loop.run_in_executor(None, bus.recv, 0.5)
                if frame is not None and frame.arbitration_id >> 24 == 0x04:
                    seen.add(frame.arbitration_id & 0x7FFFFF)
        network.inject_error_frame()
        async with asyncio.timeout(3):
            frame = await loop.run_in_executor(None, bus.recv, 1.0)
            while frame is not None and not frame.is_error_frame:
                frame = await loop.run_in_executor(None, bus.recv, 1.0)
        assert frame is not None
        assert frame.is_error_frame
    finally:
        bus.shutdown()


async def test_session_over_slcan_tcp(network: MasterBusSimulator) -> None:
    config = TransportConfig(Interface.SLCAN, f"socket://127.0.0.1:{network.slcan_port}")
    loop = asyncio.get_running_loop()
    bus = await loop.run_in_executor(None, open_bus, config)
    try:
        await exercise(bus)
    finally:
        bus.shutdown()


async def test_closed_slcan_socket_is_reported_once(network: MasterBusSimulator) -> None:
    loop = asyncio.get_running_loop()
    loop_errors: list[dict[str, object]] = []
    loop.set_exception_handler(lambda _, context: loop_errors.append(context))
    config = TransportConfig(Interface.SLCAN, f"socket://127.0.0.1:{network.slcan_port}")
    bus = await loop.run_in_executor(None, open_bus, config)
    session = MasterBusSession(FAST)
    lost: list[SessionEvent] = []
    session.add_listener(
        lambda event: lost.append(event) if isinstance(event, ConnectionLost) else None
    )
    await session.connect(bus)
    try:
        async with asyncio.timeout(15):
            await session.wait_for_devices(3)
        await network.stop()  # the adapter's TCP server goes away
        await until(session, lambda: bool(lost), limit=3)
        await asyncio.sleep(0.2)  # a dead descriptor would keep failing meanwhile
        assert len(lost) == 1
        assert loop_errors == []
    finally:
        await session.disconnect()
        loop.set_exception_handler(None)
    # Closing a dead link neither raises nor leaves the socket open.
    await loop.run_in_executor(None, close_bus, bus)
    assert not bus.serialPortOrig.is_open  # type: ignore[attr-defined]


async def test_open_bus_reports_failures_as_transport_errors() -> None:
    assert Interface.BRIDGE in available_interfaces()
    with pytest.raises(TransportError):
        open_bus(TransportConfig(Interface.SLCAN, "socket://127.0.0.1:1"))
    with pytest.raises(TransportError):
        open_bus(TransportConfig(Interface.SOCKETCAN, "no-such-can-interface"))
