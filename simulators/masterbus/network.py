"""The emulated MasterBus: devices, an optional display, ports and faults.

Usage from async tests::

    async with MasterBusSimulator(virtual_channel="t1", bridge=("127.0.0.1", 0)) as sim:
        bus = can.Bus(interface="virtual", channel="t1")
        ...
        sim.device(0x6DB09B).silent = True        # fault: no reply
        sim.unplug(0x31B483); sim.plug(0x31B483)  # a device leaves and returns

Every frame goes over one shared "wire" queue: all ports hear it (except the
connection it came from) and the devices react to frames from masters. With
`pacing` the wire takes as long as 250 kbit/s would: one frame at a time, each
ending `frame_seconds` after the previous one ended (or after it was queued,
when the wire was idle), as `WireClock` keeps it. The frame is handed over
when the loop wakes after that end; a late wake-up (the loop's timers round
up to a millisecond, longer than a frame) delays that hand-over but does not
stretch the bus. `reply_latency` is a device's turnaround: its reply enters
the wire that long after the request has left it, while other frames keep
flowing.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable
import math
import time
from types import TracebackType
from typing import Protocol, Self

import can

from custom_components.offgrid_power.protocol.masterbus.codec import (
    Announcement,
    Heartbeat,
    Message,
    ValueWrite,
    decode_frame,
)
from custom_components.offgrid_power.protocol.masterbus.errors import FrameError

from .devices import SimulatedDevice, default_devices
from .display import MasterView
from .faults import LinkFaults
from .ports import BridgeEndpoint, SlcanServer, VirtualPort

MASTERBUS_BITRATE = 250_000
DISPLAY_ADDRESS = 0x50840A  # a MasterView


class _Port(Protocol):
    def write(self, message: can.Message, source: object) -> None: ...

    async def close(self) -> None: ...


def frame_seconds(message: can.Message) -> float:
    """Time an extended frame occupies the wire, with typical bit stuffing."""
    bits = 67 + 8 * len(message.data)
    return bits * 1.2 / MASTERBUS_BITRATE


class WireClock:
    """When each frame on a paced wire ends, in seconds of the monotonic clock."""

    def __init__(self) -> None:
        self._free_at = -math.inf

    def end_of(self, queued_at: float, duration: float) -> float:
        """The end of a frame queued at ``queued_at``: after the frame before it, never earlier."""
        self._free_at = max(self._free_at, queued_at) + duration
        return self._free_at


def _as_can(message: Message) -> can.Message:
    frame = message.to_frame()
    return can.Message(arbitration_id=frame.can_id, data=frame.data, is_extended_id=True)


class MasterBusSimulator:
    """See the module docstring. Ports bind to 127.0.0.1 only."""

    def __init__(
        self,
        devices: Iterable[SimulatedDevice] | None = None,
        *,
        virtual_channel: str | None = None,
        slcan_port: int | None = None,
        bridge_port: int | None = None,
        bridge_peers: Iterable[tuple[str, int]] = (),
        pacing: bool = False,
        reply_latency: float = 0.0,
        display: bool = False,
        display_heartbeat: float = 30.0,
        display_poll: float = 1.0,
    ) -> None:
        self.devices = {d.address: d for d in (default_devices() if devices is None else devices)}
        self.pacing = pacing
        self.reply_latency = reply_latency
        # Every frame that crossed the wire, and the time it takes at 250 kbit/s.
        self.wire_frames = 0
        self.wire_seconds = 0.0
        self.heard: Counter[str] = Counter()
        # Every write a master sent, commit tokens included, in order.
        self.writes: list[ValueWrite] = []
        self._virtual_channel = virtual_channel
        self._slcan_port, self._bridge_port = slcan_port, bridge_port
        self._bridge_peers = list(bridge_peers)
        # The MasterView speaks from its own address through the shared wire.
        self.display = (
            MasterView(DISPLAY_ADDRESS, lambda m: self.submit(_as_can(m), DISPLAY_ADDRESS))
            if display
            else None
        )
        self._display_timing = (display_heartbeat, display_poll)
        self._ports: list[_Port] = []
        # What the SLCAN and bridge links do to the frames they send (fault injection).
        self.link_faults = LinkFaults()
        # Replies of a held device wait here until released (late replies).
        self.held: dict[int, list[Message]] = {}
        self._held_changed = asyncio.Event()
        self._slcan: SlcanServer | None = None
        self._bridge: BridgeEndpoint | None = None
        # Each frame with who sent it and when it was queued.
        self._wire: asyncio.Queue[tuple[can.Message, object, float]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._started = time.monotonic()

    # --- lifecycle --------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Open the ports and power the devices up (they announce themselves)."""
        loop = asyncio.get_running_loop()
        self._started = time.monotonic()
        self._tasks.append(loop.create_task(self._run_wire()))
        if self._virtual_channel is not None:
            self._ports.append(VirtualPort(self, self._virtual_channel))
        if self._slcan_port is not None:
            self._slcan = SlcanServer(self, self.link_faults)
            await self._slcan.start("127.0.0.1", self._slcan_port)
            self._ports.append(self._slcan)
        if self._bridge_port is not None:
            self._bridge = BridgeEndpoint(self, self._bridge_peers, self.link_faults)
            await self._bridge.start("127.0.0.1", self._bridge_port)
            self._ports.append(self._bridge)
        if self.display is not None:
            self._tasks.append(loop.create_task(self._run_display(self.display)))
        for device in self.devices.values():
            self._emit(device.announcement())

    async def stop(self) -> None:
        """Close every port and task; nothing lingers afterwards."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        for port in self._ports:
            await port.close()
        self._ports.clear()

    @property
    def slcan_port(self) -> int:
        """The TCP port of the SLCAN server (useful when started with port 0)."""
        assert self._slcan is not None, "started without an SLCAN port"
        return self._slcan.port

    @property
    def bridge_port(self) -> int:
        """The UDP port of the bridge endpoint."""
        assert self._bridge is not None, "started without a bridge port"
        return self._bridge.port

    # --- fault injection --------------------------------------------------------

    def tap(self, port: _Port) -> None:
        """Let one more listener hear every frame (a capture, for instance)."""
        self._ports.append(port)

    def device(self, address: int) -> SimulatedDevice:
        """A device, to flip its fault switches (`silent`, `not_available`)."""
        return self.devices[address]

    def unplug(self, address: int) -> None:
        """The device leaves the bus: no announcements, no replies."""
        self.devices[address].present = False

    def plug(self, address: int) -> None:
        """The device returns and announces itself like at power-up."""
        device = self.devices[address]
        device.present = True
        self._emit(device.announcement())

    def bump_change_counter(self, address: int) -> None:
        """A state or configuration change: the device re-announces with a new counter."""
        device = self.devices[address]
        device.change_counter = (device.change_counter + 1) % 256
        self._emit(device.announcement())

    def change_firmware(self, address: int, firmware: tuple[int, int]) -> None:
        """A firmware update: new version, new change counter, a fresh announcement."""
        self.devices[address].firmware = firmware
        self.bump_change_counter(address)

    def hold(self, address: int) -> None:
        """The device's replies wait until `release`: they come after the master's time-out."""
        self.held.setdefault(address, [])

    async def until_held(self, address: int, count: int) -> None:
        """Wait until `count` replies of the device are held."""
        while len(self.held[address]) < count:
            self._held_changed.clear()
            await self._held_changed.wait()

    def release(self, address: int, count: int | None = None) -> None:
        """Send the first `count` held replies (all by default); the rest stay held."""
        replies = self.held[address]
        count = len(replies) if count is None else count
        for reply in replies[:count]:
            self._emit(reply)
        del replies[:count]

    def stop_holding(self, address: int) -> None:
        """Send every held reply and answer on time again."""
        self.release(address)
        del self.held[address]

    def inject_error_frame(self) -> None:
        """A controller error report (RX passive), as SocketCAN delivers them."""
        error = can.Message(
            arbitration_id=0x4, data=bytes([0, 0x10, 0, 0, 0, 0, 0, 0]), is_error_frame=True
        )
        self._queue(error, self)

    # --- the wire ------------------------------------------------------------------

    def submit(self, message: can.Message, source: object) -> None:
        """A master puts a frame on the bus."""
        self._queue(message, source)

    def _emit(self, message: Message) -> None:
        self._queue(_as_can(message), self)

    def _queue(self, message: can.Message, source: object) -> None:
        self._wire.put_nowait((message, source, time.monotonic()))

    async def _run_wire(self) -> None:
        clock = WireClock()
        while True:
            message, source, queued_at = await self._wire.get()
            duration = frame_seconds(message)
            self.wire_frames += 1
            self.wire_seconds += duration
            if self.pacing and (wait := clock.end_of(queued_at, duration) - time.monotonic()) > 0:
                await asyncio.sleep(wait)
            for port in self._ports:
                port.write(message, source)
            if source is not self:
                self._react(message)
            elif self.display is not None:
                self._show_display(message, self.display)

    @staticmethod
    def _show_display(frame: can.Message, display: MasterView) -> None:
        """The display hears what the devices say."""
        if frame.is_error_frame:
            return
        try:
            message = decode_frame(frame.arbitration_id, bytes(frame.data))
        except FrameError:
            return
        if isinstance(message, Announcement):
            display.announced(message.address)
        else:
            display.hear(message)

    def _react(self, frame: can.Message) -> None:
        if frame.is_error_frame or not frame.is_extended_id:
            return
        try:
            message = decode_frame(frame.arbitration_id, bytes(frame.data))
        except FrameError:
            return
        self.heard[type(message).__name__] += 1
        if isinstance(message, ValueWrite):
            self.writes.append(message)
        if isinstance(message, Heartbeat):
            for each in self.devices.values():
                if each.present and not each.silent:
                    self._emit(each.announcement())
            return
        device = self.devices.get(message.address)
        if device is None:
            return
        replies = device.handle(message, time.monotonic() - self._started)
        if device.address in self.held:
            self.held[device.address] += replies
            self._held_changed.set()
        elif replies and self.reply_latency > 0:
            asyncio.get_running_loop().call_later(self.reply_latency, self._emit_all, replies)
        else:
            self._emit_all(replies)

    def _emit_all(self, messages: list[Message]) -> None:
        for message in messages:
            self._emit(message)

    # --- a MasterView that boots, then polls the shunt (for listen-only masters) -----

    async def _run_display(self, display: MasterView) -> None:
        # The heartbeat keeps its own beat, whatever the display is busy with.
        async with asyncio.TaskGroup() as display_tasks:
            display_tasks.create_task(self._run_display_heartbeat(display))
            display_tasks.create_task(self._run_display_pages(display))

    async def _run_display_heartbeat(self, display: MasterView) -> None:
        heartbeat_every, _ = self._display_timing
        while True:
            display.heartbeat()
            await asyncio.sleep(heartbeat_every)

    async def _run_display_pages(self, display: MasterView) -> None:
        _, poll_every = self._display_timing
        shunt = next(d.address for d in self.devices.values() if d.name.startswith("MSH"))
        await display.boot(until=shunt)
        while True:
            await display.boot()
            for field in (1, 2):  # volts and amps, as on a MasterView favourites page
                await display.show(shunt, field)
            await asyncio.sleep(poll_every)
