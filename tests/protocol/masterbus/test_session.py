"""The session against the simulator on a virtual bus."""

from __future__ import annotations

import asyncio
import itertools
import json

import can
import pytest

from custom_components.offgrid_power.protocol.masterbus import (
    MasterBusSession,
    SessionConfig,
    SessionEvent,
    ValueUpdated,
)
from custom_components.offgrid_power.protocol.masterbus.cache import SchemaCache
from custom_components.offgrid_power.protocol.masterbus.errors import (
    RequestTimeout,
    TransportError,
    WriteError,
)
from custom_components.offgrid_power.protocol.masterbus.models import Visualisation
from simulators.masterbus import MasterBusSimulator

from .conftest import COMBI, FAST, SHUNT, SOLAR
from .waiting import until


async def discovered(session: MasterBusSession, count: int = 3) -> None:
    async with asyncio.timeout(10):
        await session.wait_for_devices(count)


async def test_discovers_identity_and_schema(session: MasterBusSession) -> None:
    await discovered(session)
    devices = session.devices
    shunt = devices[SHUNT]
    assert shunt.identity is not None
    assert (shunt.identity.article, shunt.identity.serial) == ("77020115", "KL21S0412")
    assert (shunt.identity.name, shunt.identity.firmware, shunt.identity.family) == (
        "MSH Battery",
        "2.04",
        "MSH",
    )
    assert [g.name for g in shunt.schema.groups] == ["Monitoring", "History"]
    assert shunt.schema.groups[0].fields == (0, 4, 3, 1, 2, 5, 10, 11)
    amps = shunt.schema.field(2)
    assert amps is not None
    assert (amps.name, amps.unit, amps.minimum, amps.maximum) == ("Battery", "A", -1500, 1500)
    assert amps.step == pytest.approx(0.1)
    assert shunt.schema.field(4).visualisation == Visualisation.DURATION  # type: ignore[union-attr]
    combi = devices[COMBI]
    inverter = combi.schema.field(0x14)
    assert inverter is not None
    assert inverter.options == ("Off", "On")
    assert inverter.writable
    # The "Overview" group repeats fields; three come from the Configuration menu.
    assert len(combi.schema.fields) == 16
    assert devices[SOLAR].identity.firmware == "5.22"  # type: ignore[union-attr]


async def test_polls_values_and_reports_not_available(
    session: MasterBusSession, simulator: MasterBusSimulator
) -> None:
    await discovered(session)
    events: list[SessionEvent] = []
    session.add_listener(events.append)
    values = await session.read_values(SHUNT, [1, 2, 5, 99])
    assert 12.0 < values[1] < 14.0  # type: ignore[operator]
    assert 99 not in values  # the device has no such field (NoValue)
    simulator.device(SHUNT).not_available.add(5)
    assert await session.read_value(SHUNT, 5) is None
    assert session.value(SHUNT, 1) == values[1]
    assert ValueUpdated(SHUNT, 5, None) in events


async def test_values_move_over_time(session: MasterBusSession) -> None:
    await discovered(session)
    first = await session.read_value(SOLAR, 4)
    await asyncio.sleep(0.2)
    second = await session.read_value(SOLAR, 4)
    assert first is not None
    assert second is not None
    assert first != second


async def test_silent_device_times_out_and_goes_offline(
    session: MasterBusSession, simulator: MasterBusSimulator
) -> None:
    await discovered(session)
    simulator.device(COMBI).silent = True
    with pytest.raises(RequestTimeout):
        await session.read_values(COMBI, [0x06, 0x07])
    assert not session.devices[COMBI].online
    simulator.device(COMBI).silent = False
    assert await session.read_value(COMBI, 0x06) is not None
    assert session.devices[COMBI].online


async def test_device_leaves_and_returns_without_rediscovery(
    session: MasterBusSession, simulator: MasterBusSimulator
) -> None:
    await discovered(session)
    simulator.unplug(SOLAR)
    await until(session, lambda: not session.devices[SOLAR].online)  # silent for `offline_after`
    before = session.requests_sent
    simulator.plug(SOLAR)
    await until(session, lambda: session.devices[SOLAR].online)
    await session.wait_discovery()
    assert session.requests_sent == before  # same change counter: nothing to re-read
    assert await session.read_value(SOLAR, 4) is not None


async def test_firmware_change_triggers_rediscovery(
    session: MasterBusSession, simulator: MasterBusSimulator
) -> None:
    await discovered(session)
    simulator.change_firmware(SHUNT, (2, 10))
    await until(session, lambda: session.devices[SHUNT].identity.firmware == "2.10")  # type: ignore[union-attr]
    entry = session.cache.by_identity("KL21S0412", "2.10")
    assert entry is not None
    assert entry.schema.groups[0].fields == (0, 4, 3, 1, 2, 5, 10, 11)
    assert session.cache.by_identity("KL21S0412", "2.04") is None


async def test_new_change_counter_rechecks_identity_only(
    session: MasterBusSession, simulator: MasterBusSimulator
) -> None:
    await discovered(session)
    schema = session.devices[COMBI].schema
    before = session.requests_sent
    simulator.bump_change_counter(COMBI)
    await until(session, lambda: session.devices[COMBI].change_counter == 2)
    await session.wait_discovery()
    # firmware (2) + article, serial and name ids and their chunks: no schema walk
    assert 5 < session.requests_sent - before < 20
    assert session.devices[COMBI].schema == schema
    assert session.cache.by_address(COMBI).change_counter == 2  # type: ignore[union-attr]


async def test_valid_cache_means_zero_discovery_requests(
    bus: can.BusABC, simulator: MasterBusSimulator
) -> None:
    first = MasterBusSession(FAST)
    await first.connect(bus)
    try:
        async with asyncio.timeout(10):
            await first.wait_for_devices(3)
        stored = json.loads(json.dumps(first.cache.to_dict()))  # what HA storage keeps
    finally:
        await first.disconnect()

    second = MasterBusSession(FAST, SchemaCache.from_dict(stored))
    await second.connect(bus)
    try:
        async with asyncio.timeout(5):
            devices = await second.wait_for_devices(3)
        await second.wait_discovery()
        assert second.requests_sent == 0
        assert devices[SHUNT].schema == first.devices[SHUNT].schema
    finally:
        await second.disconnect()


def test_unreadable_cache_is_empty() -> None:
    assert len(SchemaCache.from_dict({"version": 99})) == 0
    assert len(SchemaCache.from_dict({"version": 1, "devices": [{"address": 1}]})) == 0
    assert len(SchemaCache.from_dict(None)) == 0


async def test_reconnect_keeps_devices(
    session: MasterBusSession, channel: str, simulator: MasterBusSimulator
) -> None:
    await discovered(session)
    await session.disconnect()
    assert not session.connected
    with pytest.raises(TransportError):
        await session.read_value(SHUNT, 1)
    bus = can.Bus(interface="virtual", channel=channel)
    try:
        await session.connect(bus)
        requests = session.requests_sent
        assert await session.read_value(SHUNT, 1) is not None
        await asyncio.sleep(0.1)
        await session.wait_discovery()
        assert session.requests_sent == requests + 1
    finally:
        await session.disconnect()
        bus.shutdown()


async def test_error_frames_are_counted_and_ignored(
    session: MasterBusSession, simulator: MasterBusSimulator
) -> None:
    await discovered(session)
    simulator.inject_error_frame()
    # The answer follows the error frame on the wire: once it is in, so is the error.
    assert await session.read_value(SHUNT, 0) is not None
    assert session.error_frames == 1


async def test_heartbeat_only_without_another_master(channel: str, bus: can.BusABC) -> None:
    async with MasterBusSimulator(
        virtual_channel=channel, display=True, display_heartbeat=0.1, display_poll=0.1
    ):
        session = MasterBusSession(FAST)
        await session.connect(bus)
        try:
            await asyncio.sleep(1.2)  # more than two heartbeat intervals
            assert session.heartbeats_sent <= 1  # at most the one before the display was heard
        finally:
            await session.disconnect()


async def test_sends_heartbeats_when_alone(session: MasterBusSession) -> None:
    await asyncio.sleep(1.2)
    assert session.heartbeats_sent >= 2


async def test_listen_only_learns_from_a_display(channel: str, bus: can.BusABC) -> None:
    config = SessionConfig(listen_only=True)
    session = MasterBusSession(config)
    await session.connect(bus)
    try:
        async with MasterBusSimulator(virtual_channel=channel, display=True, display_poll=0.05):
            async with asyncio.timeout(5):
                devices = await session.wait_for_devices(1)
            await until(session, lambda: session.value(SHUNT, 2) is not None)
        shunt = devices[SHUNT]
        assert shunt.identity is not None
        assert shunt.identity.serial == "KL21S0412"
        volts = session.devices[SHUNT].schema.field(1)
        assert volts is not None
        assert (volts.name, volts.unit) == ("Battery", "V")
        assert session.frames_sent == 0
        with pytest.raises(TransportError):
            await session.read_value(SHUNT, 1)
        with pytest.raises(WriteError):
            await session.write_value(SHUNT, 19, 300)
        with pytest.raises(TransportError):
            await session.write_btm3(COMBI, 11, 1)
    finally:
        await session.disconnect()


async def test_default_pacing_keeps_frames_a_millisecond_apart(
    channel: str, bus: can.BusABC, simulator: MasterBusSimulator
) -> None:
    sniffer = can.Bus(interface="virtual", channel=channel)
    session = MasterBusSession(SessionConfig())
    await session.connect(bus)
    try:
        await asyncio.gather(*(session.read_value(address, 4) for address in (SHUNT, SOLAR)))
        await session.read_values(SHUNT, [0, 1, 2, 3])
    finally:
        await session.disconnect()
    stamps = []
    while (frame := sniffer.recv(0)) is not None:
        if frame.arbitration_id >> 24 in (0x05, 0x18):  # what the session sent
            stamps.append(frame.timestamp)
    sniffer.shutdown()
    assert len(stamps) >= 6
    assert min(b - a for a, b in itertools.pairwise(stamps)) >= 0.0009
