"""Faults of the link to the bus, against the simulator: late replies, SLCAN and the UDP bridge.

Each fault must leave the session with real values only: a lost answer is a
retry or a `RequestTimeout` (the value stays unknown, never 0), a damaged or
foreign frame is dropped, and the session keeps reading afterwards.
"""

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
from custom_components.offgrid_power.protocol.masterbus.bridge import (
    BridgeBus,
    BridgeRecord,
    encode_datagram,
)
from custom_components.offgrid_power.protocol.masterbus.codec import (
    ValueReply,
    decode_frame,
)
from custom_components.offgrid_power.protocol.masterbus.errors import (
    FrameError,
    RequestTimeout,
)
from custom_components.offgrid_power.protocol.masterbus.transports import (
    Interface,
    TransportConfig,
    close_bus,
    open_bus,
)
from custom_components.offgrid_power.protocol.masterbus.values import encode_float
from simulators.masterbus import LinkFault, MasterBusSimulator

from .conftest import FAST, SHUNT
from .waiting import until

VOLTS, AMPS = 1, 2


def shunt_value_reply(message: can.Message) -> bool:
    """The link faults hit the shunt's value replies only, not heartbeats or announcements."""
    try:
        decoded = decode_frame(message.arbitration_id, bytes(message.data))
    except FrameError:
        return False
    return isinstance(decoded, ValueReply) and decoded.address == SHUNT


# --- a reply after the time-out ------------------------------------------------------


async def test_late_reply_is_not_taken_for_the_next_request(
    session: MasterBusSession, simulator: MasterBusSimulator
) -> None:
    async with asyncio.timeout(15):
        await session.wait_for_devices(3)
    simulator.hold(SHUNT)
    with pytest.raises(RequestTimeout):
        await session.read_value(SHUNT, VOLTS)  # both attempts time out
    late = len(simulator.held[SHUNT])
    assert late == FAST.retries + 1
    amps = asyncio.create_task(session.read_value(SHUNT, AMPS))
    async with asyncio.timeout(30):  # the amps request reached the device
        await simulator.until_held(SHUNT, late + 1)
    simulator.release(SHUNT, late)  # the volts replies arrive during the amps request
    await until(session, lambda: session.value(SHUNT, VOLTS) is not None)
    assert not amps.done()
    simulator.stop_holding(SHUNT)
    async with asyncio.timeout(30):
        value = await amps
    volts = session.value(SHUNT, VOLTS)
    assert volts is not None
    assert 12.0 < volts < 14.0
    assert value == session.value(SHUNT, AMPS)
    assert value is not None
    assert not 12.0 < value < 14.0  # the amps, not the late volts


# --- SLCAN over TCP --------------------------------------------------------------------


@pytest.fixture
async def slcan() -> AsyncIterator[tuple[MasterBusSimulator, MasterBusSession, can.BusABC]]:
    async with MasterBusSimulator(slcan_port=0) as sim:
        config = TransportConfig(Interface.SLCAN, f"socket://127.0.0.1:{sim.slcan_port}")
        loop = asyncio.get_running_loop()
        bus = await loop.run_in_executor(None, open_bus, config)
        session = MasterBusSession(FAST)
        await session.connect(bus)
        try:
            async with asyncio.timeout(30):
                await session.wait_for_devices(3)
            yield sim, session, bus
        finally:
            await session.disconnect()
            await loop.run_in_executor(None, close_bus, bus)


def connection_losses(session: MasterBusSession) -> list[SessionEvent]:
    lost: list[SessionEvent] = []
    session.add_listener(
        lambda event: lost.append(event) if isinstance(event, ConnectionLost) else None
    )
    return lost


@pytest.mark.parametrize(
    ("fault", "rejected"),
    [(LinkFault.DROP, False), (LinkFault.CORRUPT, True), (LinkFault.GARBAGE, True)],
)
async def test_slcan_bad_line_is_retried(
    slcan: tuple[MasterBusSimulator, MasterBusSession, can.BusABC],
    fault: LinkFault,
    rejected: bool,
) -> None:
    sim, session, bus = slcan
    lost = connection_losses(session)
    sim.link_faults.set(fault, count=1, only=shunt_value_reply)
    volts = await session.read_value(SHUNT, VOLTS)  # the retry is answered
    assert volts is not None
    assert 12.0 < volts < 14.0
    assert sim.link_faults.hits == 1
    assert (bus.lines_rejected > 0) is rejected  # type: ignore[attr-defined]
    # The link still works afterwards, and was never reported lost.
    assert await session.read_value(SHUNT, AMPS) is not None
    assert lost == []


async def test_slcan_every_reply_garbled_leaves_the_value_unknown(
    slcan: tuple[MasterBusSimulator, MasterBusSession, can.BusABC],
) -> None:
    sim, session, _ = slcan
    lost = connection_losses(session)
    sim.link_faults.set(LinkFault.GARBAGE, only=shunt_value_reply)
    with pytest.raises(RequestTimeout):
        await session.read_value(SHUNT, VOLTS)
    assert session.value(SHUNT, VOLTS) is None  # unknown, not 0
    sim.link_faults.clear()
    assert await session.read_value(SHUNT, VOLTS) is not None
    assert lost == []


async def test_slcan_delayed_line_within_the_time_out(
    slcan: tuple[MasterBusSimulator, MasterBusSession, can.BusABC],
) -> None:
    sim, session, _ = slcan
    sim.link_faults.set(LinkFault.DELAY, delay=0.2, only=shunt_value_reply)
    volts = await session.read_value(SHUNT, VOLTS)
    assert volts is not None
    assert 12.0 < volts < 14.0
    assert sim.link_faults.hits >= 1


async def test_slcan_stalled_adapter_times_out_then_recovers(
    slcan: tuple[MasterBusSimulator, MasterBusSession, can.BusABC],
) -> None:
    sim, session, _ = slcan
    lost = connection_losses(session)
    sim.link_faults.set(LinkFault.STALL)
    with pytest.raises(RequestTimeout):
        await session.read_value(SHUNT, VOLTS)
    assert session.value(SHUNT, VOLTS) is None
    assert not session.devices[SHUNT].online
    sim.link_faults.clear()
    volts = await session.read_value(SHUNT, VOLTS)
    assert volts is not None
    assert 12.0 < volts < 14.0
    assert session.devices[SHUNT].online
    assert lost == []  # a stall is not a lost link: the socket is still there


# --- the UDP bridge --------------------------------------------------------------------


@pytest.fixture
async def bridge() -> AsyncIterator[tuple[MasterBusSimulator, MasterBusSession, BridgeBus]]:
    async with MasterBusSimulator(bridge_port=0) as sim:
        bus = BridgeBus(f"127.0.0.1:{sim.bridge_port}", local_port=0, local_host="127.0.0.1")
        session = MasterBusSession(FAST)
        await session.connect(bus)
        try:
            async with asyncio.timeout(30):
                await session.wait_for_devices(3)
            yield sim, session, bus
        finally:
            await session.disconnect()
            bus.shutdown()


@pytest.mark.parametrize("fault", [LinkFault.DROP, LinkFault.DUPLICATE])
async def test_bridge_loss_and_duplicates(
    bridge: tuple[MasterBusSimulator, MasterBusSession, BridgeBus], fault: LinkFault
) -> None:
    sim, session, _ = bridge
    sim.link_faults.set(fault, count=1, only=shunt_value_reply)
    volts = await session.read_value(SHUNT, VOLTS)
    assert volts is not None
    assert 12.0 < volts < 14.0
    amps = await session.read_value(SHUNT, AMPS)  # a duplicate volts is not the amps
    assert amps is not None
    assert not 12.0 < amps < 14.0
    assert sim.link_faults.hits == 1


async def test_bridge_total_loss_leaves_the_value_unknown(
    bridge: tuple[MasterBusSimulator, MasterBusSession, BridgeBus],
) -> None:
    sim, session, _ = bridge
    sim.link_faults.set(LinkFault.DROP, only=shunt_value_reply)
    with pytest.raises(RequestTimeout):
        await session.read_values(SHUNT, [VOLTS, AMPS])
    assert session.value(SHUNT, VOLTS) is None
    assert session.value(SHUNT, AMPS) is None
    sim.link_faults.clear()
    assert set(await session.read_values(SHUNT, [VOLTS, AMPS])) == {VOLTS, AMPS}


async def test_bridge_reordered_replies_each_answer_their_request(
    bridge: tuple[MasterBusSimulator, MasterBusSession, BridgeBus],
) -> None:
    sim, session, _ = bridge
    sim.link_faults.set(LinkFault.REORDER, count=1, only=shunt_value_reply)
    volts, amps = await asyncio.gather(
        session.read_value(SHUNT, VOLTS), session.read_value(SHUNT, AMPS)
    )
    assert volts is not None
    assert 12.0 < volts < 14.0
    assert amps is not None
    assert not 12.0 < amps < 14.0


def _volts_reply(value: float) -> bytes:
    frame = ValueReply(SHUNT, VOLTS, encode_float(value)).to_frame()
    return encode_datagram([BridgeRecord(frame.can_id, frame.data)])


async def test_bridge_ignores_a_foreign_sender(
    bridge: tuple[MasterBusSimulator, MasterBusSession, BridgeBus],
) -> None:
    _, session, bus = bridge
    volts = await session.read_value(SHUNT, VOLTS)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as stranger:
        stranger.bind(("127.0.0.2", 0))  # another host: not the bridge's address
        stranger.sendto(_volts_reply(0.0), bus.local_address)
    # A real frame after the stranger's shows the stranger's was read and dropped.
    assert await session.read_value(SHUNT, AMPS) is not None
    assert session.value(SHUNT, VOLTS) == volts
    assert session.value(SHUNT, VOLTS) != 0.0


async def test_bridge_flood_keeps_the_session_answering(
    bridge: tuple[MasterBusSimulator, MasterBusSession, BridgeBus],
) -> None:
    _, session, bus = bridge
    lost = connection_losses(session)
    garbage = bytes(14)  # a record without the magic
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as flood:
        flood.bind(("127.0.0.1", 0))
        for _ in range(5000):
            flood.sendto(garbage, bus.local_address)
    volts = await session.read_value(SHUNT, VOLTS)
    assert volts is not None
    assert 12.0 < volts < 14.0
    assert bus.datagrams_rejected > 0
    assert lost == []
