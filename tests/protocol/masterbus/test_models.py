"""Field interpretation, simulator pacing and bus failure reporting."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
import time
import uuid

import can
import pytest

from custom_components.offgrid_power.protocol.masterbus import (
    ConnectionLost,
    MasterBusSession,
)
from custom_components.offgrid_power.protocol.masterbus.bridge import BridgeBus
from custom_components.offgrid_power.protocol.masterbus.models import FieldInfo, Visualisation
from custom_components.offgrid_power.protocol.masterbus.values import encode_date
from simulators.masterbus import MasterBusSimulator
from simulators.masterbus.network import WireClock, frame_seconds

from .conftest import FAST


def test_interpret_by_visualisation() -> None:
    fuse = FieldInfo(
        0x13, "Shore fuse", visualisation=Visualisation.DROPDOWN, options=("4 A", "5 A")
    )
    assert fuse.interpret(1.0) == "5 A"
    assert fuse.interpret(7.0) == 7.0  # a label the device never described
    assert FieldInfo(12, "On/Off", visualisation=Visualisation.CHECKBOX).interpret(1.0) is True
    remaining = FieldInfo(4, "Remaining", visualisation=Visualisation.DURATION)
    assert remaining.interpret(305760.0) == timedelta(days=3, hours=12, minutes=56)
    day = FieldInfo(11, "Date", visualisation=Visualisation.DATE)
    assert day.interpret(encode_date(date(2026, 11, 21))) == date(2026, 11, 21)
    assert day.interpret(5.0) is None  # not a valid day
    assert FieldInfo(1, "Battery", "V").interpret(None) is None
    assert Visualisation.from_code(42) is Visualisation.UNKNOWN


async def test_simulator_paces_the_wire_at_250_kbits() -> None:
    channel = uuid.uuid4().hex
    async with MasterBusSimulator(virtual_channel=channel, pacing=True) as simulator:
        bus = can.Bus(interface="virtual", channel=channel)
        try:
            loop = asyncio.get_running_loop()
            start = time.monotonic()
            # The three power-up announcements, one frame time apart at least.
            frames = [await loop.run_in_executor(None, bus.recv, 1.0) for _ in range(3)]
            elapsed = time.monotonic() - start
        finally:
            bus.shutdown()
        assert all(frame is not None for frame in frames)
        assert simulator.pacing
    assert elapsed >= 2 * frame_seconds(can.Message(data=bytes(8)))


def test_wire_clock_runs_frames_back_to_back_whenever_they_are_handed_over() -> None:
    clock = WireClock()
    # Three frames queued at once end one frame time apart, not when the loop got to them.
    assert [clock.end_of(10.0, 0.5) for _ in range(3)] == [10.5, 11.0, 11.5]
    # A frame queued while the wire is busy waits for it; one queued later starts then.
    assert clock.end_of(11.0, 0.5) == 12.0
    assert clock.end_of(20.0, 0.5) == 20.5


# python-can's notifier thread re-raises after reporting the error to the loop.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
async def test_a_failing_bus_is_reported() -> None:
    bus = BridgeBus("127.0.0.1:9", local_port=0, local_host="127.0.0.1")
    session = MasterBusSession(FAST)
    lost = asyncio.Event()
    session.add_listener(lambda event: lost.set() if isinstance(event, ConnectionLost) else None)
    await session.connect(bus)
    try:
        bus.shutdown()  # the socket goes away under the reader
        async with asyncio.timeout(2):
            await lost.wait()
    finally:
        await session.disconnect()
