"""Fixtures: a simulator and a session on a private python-can virtual channel."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
import uuid

import can
import pytest

from custom_components.offgrid_power.protocol.masterbus import (
    MasterBusSession,
    SessionConfig,
)
from simulators.masterbus import MasterBusSimulator

SHUNT, COMBI, SOLAR = 0x6DB09B, 0x1A94C7, 0x31B483

# Short timers so fault scenarios play out in a few seconds; the frame gap is
# below the 1 ms default only to keep discovery fast (pacing itself is tested
# with the default configuration). The time-outs leave room for a busy
# machine (`make test-stress`), where an answer can take several tenths of a
# second: too short, and a device that is there would count as silent.
FAST = SessionConfig(
    min_frame_gap=0.0002,
    heartbeat_interval=0.5,
    request_timeout=1.0,
    retries=1,
    offline_after=4.0,
    write_confirm_interval=0.02,
)


@pytest.fixture
def channel() -> str:
    return f"masterbus-{uuid.uuid4().hex}"


@pytest.fixture
async def simulator(channel: str) -> AsyncIterator[MasterBusSimulator]:
    async with MasterBusSimulator(virtual_channel=channel) as sim:
        yield sim


@pytest.fixture
def bus(channel: str) -> Iterator[can.BusABC]:
    bus = can.Bus(interface="virtual", channel=channel)
    yield bus
    bus.shutdown()


@pytest.fixture
async def session(
    bus: can.BusABC, simulator: MasterBusSimulator
) -> AsyncIterator[MasterBusSession]:
    session = MasterBusSession(FAST)
    await session.connect(bus)
    yield session
    await session.disconnect()
