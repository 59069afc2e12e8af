"""Many devices: asked at the same time, and a ten-device bus with devices that
take their time to answer."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import can

from custom_components.offgrid_power.protocol.masterbus import MasterBusSession, product_name
from simulators.masterbus import MasterBusSimulator
from simulators.masterbus.fleet import ten_devices
from simulators.masterbus.network import frame_seconds

from .conftest import COMBI, FAST, SHUNT, SOLAR


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


async def test_devices_are_asked_at_the_same_time_one_request_each(channel: str) -> None:
    async with MasterBusSimulator(virtual_channel=channel) as sim:
        for address in (SHUNT, COMBI, SOLAR):
            sim.hold(address)  # no device answers until released
        bus = can.Bus(interface="virtual", channel=channel)
        # No time-out while held, so every request seen is a first one.
        session = MasterBusSession(replace(FAST, request_timeout=60.0))
        try:
            await session.connect(bus)
            async with asyncio.timeout(30):
                for address in (SHUNT, COMBI, SOLAR):
                    await sim.until_held(address, 1)
            # All three were asked before any answered, each with one request.
            assert [len(sim.held[a]) for a in (SHUNT, COMBI, SOLAR)] == [1, 1, 1]
            for address in (SHUNT, COMBI, SOLAR):
                sim.stop_holding(address)
            async with asyncio.timeout(60):
                await session.wait_for_devices(3)
                await session.wait_discovery()
        finally:
            await session.disconnect()
            bus.shutdown()
