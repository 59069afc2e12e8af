"""The session over the MasterBus USB interface: a simulated HID peer on a report-keeping socket."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
import os
import socket

import can
import pytest

from custom_components.offgrid_power.protocol.masterbus import (
    ConnectionLost,
    MasterBusSession,
    SessionEvent,
)
from custom_components.offgrid_power.protocol.masterbus.errors import TransportError
from custom_components.offgrid_power.protocol.masterbus.transports import (
    Interface,
    TransportConfig,
    available_interfaces,
    close_bus,
    open_bus,
)
from custom_components.offgrid_power.protocol.masterbus.usb_link import (
    UsbInterface,
    UsbLinkBus,
    find_interfaces,
    resolve_channel,
)
from simulators.masterbus import LinkFault, MasterBusSimulator
from simulators.masterbus.usb_link import UsbLinkPeer

from .conftest import FAST
from .test_transports import exercise
from .usb_node import KEYBOARD_HID_ID, FakeHost, fake_host
from .waiting import until


@pytest.fixture
def host() -> Iterator[FakeHost]:
    with fake_host() as fake:
        yield fake


@pytest.fixture
async def usb_sim() -> AsyncIterator[MasterBusSimulator]:
    async with MasterBusSimulator() as sim:
        yield sim


@pytest.fixture
async def peer(usb_sim: MasterBusSimulator, host: FakeHost) -> UsbLinkPeer:
    """The three simulated devices behind a USB interface at <dev>/hidraw3."""
    return await UsbLinkPeer.serve(usb_sim, host.attach("hidraw3"))


async def _open(channel: str, host: FakeHost) -> UsbLinkBus:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(
        None, lambda: UsbLinkBus(channel, sysfs=host.sysfs, dev=host.dev)
    )


async def test_session_over_the_usb_interface(peer: UsbLinkPeer, host: FakeHost) -> None:
    bus = await _open("auto", host)
    try:
        assert bus.fileno() >= 0  # read on the event loop, no thread
        await exercise(bus)
        assert peer.reports_rejected == 0
        assert bus.reports_rejected == 0
    finally:
        bus.shutdown()


async def test_open_bus_reaches_the_interface_by_its_path(peer: UsbLinkPeer) -> None:
    assert Interface.MASTERVOLT_USB in available_interfaces()
    loop = asyncio.get_running_loop()
    bus = await loop.run_in_executor(
        None, open_bus, TransportConfig(Interface.MASTERVOLT_USB, peer.path)
    )
    try:
        await exercise(bus)
    finally:
        await loop.run_in_executor(None, close_bus, bus)


async def test_bad_reports_are_dropped_and_requests_retried(
    usb_sim: MasterBusSimulator, peer: UsbLinkPeer, host: FakeHost
) -> None:
    """Garbage records (a DLC above 8, mostly) spoil their report; the session retries."""
    bus = await _open(peer.path, host)
    session = MasterBusSession(FAST)
    await session.connect(bus)
    try:
        async with asyncio.timeout(15):
            await session.wait_for_devices(3)
        usb_sim.link_faults.set(
            LinkFault.GARBAGE, count=1, only=lambda m: m.arbitration_id >> 24 == 8
        )
        values = await session.read_values(0x6DB09B, [0, 1, 2])
        assert set(values) == {0, 1, 2}
        assert bus.reports_rejected >= 1
    finally:
        await session.disconnect()
        bus.shutdown()


async def test_unplugging_is_reported_once(peer: UsbLinkPeer, host: FakeHost) -> None:
    loop = asyncio.get_running_loop()
    loop_errors: list[dict[str, object]] = []
    loop.set_exception_handler(lambda _, context: loop_errors.append(context))
    bus = await _open("auto", host)
    session = MasterBusSession(FAST)
    lost: list[SessionEvent] = []
    session.add_listener(
        lambda event: lost.append(event) if isinstance(event, ConnectionLost) else None
    )
    await session.connect(bus)
    try:
        async with asyncio.timeout(15):
            await session.wait_for_devices(3)
        peer.unplug()
        await until(session, lambda: bool(lost), limit=10)
        assert len(lost) == 1
        assert loop_errors == []
        with pytest.raises(TransportError):
            open_bus(TransportConfig(Interface.MASTERVOLT_USB, peer.path))
    finally:
        await session.disconnect()
        loop.set_exception_handler(None)
        await loop.run_in_executor(None, close_bus, bus)
    peer.replug()
    again = await _open("auto", host)
    again.shutdown()


async def test_a_report_of_the_wrong_size_is_counted(host: FakeHost) -> None:
    """A write from a stranger's side of the socket: a 63-byte and a 65-byte report."""
    path = host.node("hidraw0")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    listener.bind(path)
    listener.listen()
    try:
        bus = UsbLinkBus(path)
        device, _ = listener.accept()
        with device:
            device.send(bytes([1]) + bytes(62))
            device.send(bytes([1]) + bytes(64))
            device.send(bytes([1]) + bytes.fromhex("c3631297020100") + bytes(56))
            frame = bus.recv(5)
            assert frame is not None
            assert (frame.arbitration_id, bytes(frame.data)) == (0x186F1297, b"\x01\x00")
            assert frame.is_extended_id
            assert bus.reports_rejected == 2
            bus.send(can.Message(arbitration_id=0x05000001, is_extended_id=True))
            assert device.recv(4096) == bytes([0, 1, 0x28, 0, 0, 1]) + bytes(59)
            with pytest.raises(can.CanOperationError):
                bus.send(can.Message(arbitration_id=0x123, is_extended_id=False))
        with pytest.raises(can.CanOperationError, match="gone"):
            bus.recv(5)
        bus.shutdown()
    finally:
        listener.close()


def test_attached_interfaces_are_found_in_sysfs(host: FakeHost) -> None:
    host.attach("hidraw0", KEYBOARD_HID_ID)
    host.attach("hidraw10", serial="MB0042")
    host.attach("hidraw2")
    host.attach("hidrawX")  # not a kernel name
    broken = host.root / "sys" / "class" / "hidraw" / "hidraw5"
    broken.mkdir(parents=True)  # a node without a device description
    assert find_interfaces(host.sysfs, host.dev) == [
        UsbInterface(host.node("hidraw2"), "Mastervolt MasterBus USB Interface", ""),
        UsbInterface(host.node("hidraw10"), "Mastervolt MasterBus USB Interface", "MB0042"),
    ]
    assert resolve_channel("auto", host.sysfs, host.dev) == host.node("hidraw2")


def test_channels_that_are_not_the_interface_are_refused(host: FakeHost) -> None:
    with pytest.raises(can.CanInitializationError, match="no Mastervolt"):
        resolve_channel("auto", host.sysfs, host.dev)
    with pytest.raises(can.CanInitializationError, match="cannot open"):
        resolve_channel(host.node("hidraw9"), host.sysfs, host.dev)
    # A character device sysfs does not know as the interface (a keyboard, say).
    with pytest.raises(can.CanInitializationError, match="not a Mastervolt"):
        resolve_channel(os.devnull, host.sysfs, host.dev)
    plain = host.node("hidraw1")
    with open(plain, "w", encoding="utf-8"):
        pass
    with pytest.raises(can.CanInitializationError, match="not a hidraw"):
        resolve_channel(plain, host.sysfs, host.dev)
    with pytest.raises(TransportError):
        open_bus(TransportConfig(Interface.MASTERVOLT_USB, plain))
