"""The simulated ten-device bus, with devices that take their time to answer."""

from __future__ import annotations

import asyncio

import can

from custom_components.offgrid_power.protocol.masterbus import MasterBusSession, product_name
from simulators.masterbus import MasterBusSimulator
from simulators.masterbus.fleet import ten_devices
from simulators.masterbus.network import frame_seconds

from .conftest import FAST


async def test_ten_devices_with_a_turnaround_are_all_discovered(channel: str) -> None:
    devices = ten_devices()
    async with MasterBusSimulator(devices, virtual_channel=channel, reply_latency=0.002) as sim:
        bus = can.Bus(interface="virtual", channel=channel)
        session = MasterBusSession(FAST)
        try:
            await session.connect(bus)
            async with asyncio.timeout(60):
                found = await session.wait_for_devices(len(devices))
                await session.wait_discovery()
        finally:
            await session.disconnect()
            bus.shutdown()
    assert len({device.identity.serial for device in found.values() if device.identity}) == 10
    for device in found.values():
        assert device.identity is not None
        assert product_name(device.identity) != "MasterBus device", device.identity.name
        assert device.schema.fields
    # Every request and its reply crossed the simulator's wire, and were timed there.
    assert sim.wire_frames >= 2 * session.requests_sent
    shortest = frame_seconds(can.Message(is_extended_id=True, data=b""))
    assert sim.wire_seconds >= sim.wire_frames * shortest
