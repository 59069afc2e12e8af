"""MasterBus: receive throughput next to what the bus can carry, and discovery.

1. A capture: the simulated three-device bus, paced like 250 kbit/s, is
   discovered from cold and then polled (every field of every device,
   ``POLLS`` times); every frame on the wire is written as a candump -L log
   (``build/masterbus_capture.log``).
2. That log replayed, (a) through the codec alone and (b) through the whole
   receive path: a python-can bus, the reader, and a session that decodes,
   matches, stores values, learns and emits events (listen-only, since a
   replay answers nothing). (b) is timed in CPU seconds of the whole process
   and uses the reader's thread mode, the slower of its two paths, with one
   hand-over to the event loop per frame (as when frames arrive one by one).
3. Discovery of a ten-device bus (`simulators.masterbus.fleet`), paced like
   250 kbit/s and with each device taking `DEVICE_TURNAROUND` to answer: the
   time from connecting to knowing all ten, next to the wire time of every
   frame on the bus meanwhile (target: at most twice that), and the CPU time
   it took (this one process runs the devices too; on a machine busier than
   its cores, the wall time follows the CPU share it gets); the requests it
   sends with the shipped string catalogue, next to those without it (the
   discovery before the catalogue); and the requests a restarted session
   sends when its schema cache is valid (target: none).

Wire time of a frame: an extended (29-bit) data frame with n data bytes is
67 + 8n bits (SOF 1, arbitration 32, control 6, data 8n, CRC 16, ACK 2, EOF
7, inter-frame space 3), times 1.2 for bit stuffing, at 250 kbit/s: 0.475 ms
for a 4-byte request, 0.629 ms for an 8-byte reply.

The bus ceiling: with 8 data bytes that is 131 bits. Bit stuffing can add up
to 29 bits to the 118 stuffed ones; we assume 20 % of the frame (26 bits,
close to the worst case), as the simulator's pacing does: 157 bits, 1590
frames/s at 250 kbit/s. Without stuffing the ceiling would be 1908 frames/s.
A saturated bus may cost at most 5 % of one core.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
import threading
import time
from typing import Any
import uuid

import can

from custom_components.offgrid_power.protocol.masterbus import (
    MasterBusSession,
    SchemaCache,
    SessionConfig,
    SessionEvent,
    ValueUpdated,
)
from custom_components.offgrid_power.protocol.masterbus.catalogue import (
    SHIPPED_CATALOGUE,
    StringCatalogue,
)
from custom_components.offgrid_power.protocol.masterbus.codec import ValueReply, decode_frame
from custom_components.offgrid_power.protocol.masterbus.reader import BusReader
from custom_components.offgrid_power.protocol.masterbus.values import encode_float
from simulators.masterbus import MasterBusSimulator, SimulatedDevice, default_devices
from simulators.masterbus.fleet import ten_devices
from simulators.masterbus.network import frame_seconds

from .harness import BenchRecord, best_of

CAPTURE = Path(__file__).resolve().parent.parent / "build" / "masterbus_capture.log"
BUS_FRAMES_PER_SECOND = 1 / frame_seconds(can.Message(is_extended_id=True, data=bytes(8)))
BUS_NAME = "MasterBus ceiling: 250 kbit/s, 8-byte 29-bit frames, 20 % stuffing"
CPU_BUDGET_PERCENT = 5.0
DEVICES = 10
# A device's time to answer: the captures' median from request to reply is
# 2.3 ms, of which the reply itself takes about 0.6 ms on the wire.
DEVICE_TURNAROUND = 0.0017
WIRE_FORMULA = "(67 + 8n) bits x 1.2 stuffing per frame at 250 kbit/s"
POLLS = 20
REPLAYS = 10
END_MARKER = 0x7FFFFF


@dataclass(frozen=True, slots=True)
class Discovery:
    """What discovering a simulated bus took."""

    seconds: float
    cpu_seconds: float
    wire_seconds: float
    frames: int
    requests: int
    cache: dict[str, Any]


async def run() -> list[BenchRecord]:
    capture = await _capture()
    _write_log(capture, CAPTURE)
    frames = list(can.LogReader(str(CAPTURE)))
    codec_rate = _codec_rate(frames)
    cpu_per_frame = await _receive_cpu_per_frame(frames * REPLAYS)
    before = await _discover(ten_devices(), SchemaCache(), StringCatalogue())
    cold = await _discover(ten_devices(), SchemaCache())
    warm = await _discover(ten_devices(), SchemaCache.from_dict(cold.cache))
    return [
        BenchRecord(
            name="masterbus_codec_throughput",
            unit=f"frames/s ({len(frames)}-frame capture)",
            ours=codec_rate,
            peer=BUS_FRAMES_PER_SECOND,
            peer_name=BUS_NAME,
            target=100 / CPU_BUDGET_PERCENT,
            better="higher",
        ),
        BenchRecord(
            name="masterbus_receive_throughput",
            unit="frames per CPU second (bus, reader, session)",
            ours=1 / cpu_per_frame,
            peer=BUS_FRAMES_PER_SECOND,
            peer_name=BUS_NAME,
            target=100 / CPU_BUDGET_PERCENT,
            better="higher",
        ),
        BenchRecord(
            name="masterbus_saturated_bus_cpu",
            unit="% of one core",
            ours=100 * BUS_FRAMES_PER_SECOND * cpu_per_frame,
            peer=CPU_BUDGET_PERCENT,
            peer_name="budget",
            target=1.0,
        ),
        BenchRecord(
            name="masterbus_discovery_time",
            unit=(
                f"s for {DEVICES} devices, {cold.requests} requests, "
                f"{cold.frames} frames on the wire"
            ),
            ours=cold.seconds,
            peer=cold.wire_seconds,
            peer_name=f"wire time of those frames: {WIRE_FORMULA}",
            target=2.0,
        ),
        BenchRecord(
            name="masterbus_discovery_cpu",
            unit=f"CPU s of this process (simulator included) for {DEVICES} devices",
            ours=cold.cpu_seconds,
            peer=cold.wire_seconds,
            peer_name="wire time of its frames",
            target=None,
        ),
        BenchRecord(
            name="masterbus_discovery_requests",
            unit=f"requests to discover {DEVICES} devices from cold, string catalogue",
            ours=cold.requests,
            peer=before.requests,
            peer_name="without the catalogue (before)",
            target=None,
        ),
        BenchRecord(
            name="masterbus_discovery_time_without_catalogue",
            unit=(
                f"s for {DEVICES} devices, {before.requests} requests, "
                f"{before.frames} frames on the wire"
            ),
            ours=before.seconds,
            peer=before.wire_seconds,
            peer_name=f"wire time of those frames: {WIRE_FORMULA}",
            target=None,
        ),
        BenchRecord(
            name="masterbus_restart_discovery_requests",
            unit="requests with a valid schema cache",
            ours=warm.requests,
            peer=cold.requests,
            peer_name="cold discovery",
            target=0.0,
        ),
        BenchRecord(
            name="masterbus_restart_discovery_time",
            unit=f"s until {DEVICES} devices are known again",
            ours=warm.seconds,
            peer=cold.seconds,
            peer_name="cold discovery",
            target=None,
        ),
    ]


async def _capture() -> list[can.Message]:
    """Discover the paced three-device bus from cold, then poll it; every frame on the wire."""
    wire: list[can.Message] = []
    await _discover(default_devices(), SchemaCache(), wire=wire, polls=POLLS, turnaround=0.0)
    return wire


async def _discover(
    devices: list[SimulatedDevice],
    cache: SchemaCache,
    catalogue: StringCatalogue = SHIPPED_CATALOGUE,
    *,
    wire: list[can.Message] | None = None,
    polls: int = 0,
    turnaround: float = DEVICE_TURNAROUND,
) -> Discovery:
    """Discover a paced bus with `cache`; record the wire into `wire` if given.

    The wire time is the simulator's own count of what crossed its wire; a
    tap (another bus on the channel, which costs CPU in this process) is
    opened only to record.
    """
    loop = asyncio.get_running_loop()
    channel = f"bench-masterbus-{uuid.uuid4().hex}"
    heard: list[can.Message] = []
    async with MasterBusSimulator(
        devices, virtual_channel=channel, pacing=True, reply_latency=turnaround
    ) as simulator:
        tap = can.Bus(interface="virtual", channel=channel) if wire is not None else None
        tap_reader = None if tap is None else BusReader(tap, heard.append, _ignore, loop)
        if tap_reader is not None:
            tap_reader.start()
        bus = can.Bus(interface="virtual", channel=channel)
        session = MasterBusSession(SessionConfig(), cache, catalogue)
        try:
            frames, wire_seconds = simulator.wire_frames, simulator.wire_seconds
            start, cpu = time.perf_counter(), time.process_time()
            await session.connect(bus)
            async with asyncio.timeout(120):
                await session.wait_for_devices(len(devices))
                await session.wait_discovery()
            seconds = time.perf_counter() - start
            cpu = time.process_time() - cpu
            frames = simulator.wire_frames - frames
            wire_seconds = simulator.wire_seconds - wire_seconds
            requests = session.requests_sent
            for _ in range(polls):
                for address, device in session.devices.items():
                    await session.read_values(address, [f.field for f in device.schema.fields])
        finally:
            await session.disconnect()
            if tap_reader is not None and tap is not None:
                tap_reader.stop()
                tap.shutdown()
            bus.shutdown()
    if wire is not None:
        wire.extend(heard)
    return Discovery(seconds, cpu, wire_seconds, frames, requests, session.cache.to_dict())


def _ignore(_: Exception) -> None:
    """A virtual bus does not fail."""


def _write_log(frames: Iterable[can.Message], path: Path) -> None:
    path.parent.mkdir(exist_ok=True)
    with can.CanutilsLogWriter(str(path), channel="can0") as log:
        for frame in frames:
            log.on_message_received(frame)


def _codec_rate(frames: list[can.Message]) -> float:
    raw = [(frame.arbitration_id, bytes(frame.data)) for frame in frames]

    def decode_all() -> None:
        for can_id, data in raw:
            decode_frame(can_id, data)

    return len(raw) / best_of(5, decode_all)


class ReplayBus(can.BusABC):
    """Plays recorded frames back as fast as they are read (the adapter, faked).

    A frame is never "already waiting" (a read that must not block finds
    none), as on a bus where frames arrive one at a time: the reader pays its
    hand-over to the event loop for every frame, never for a batch.
    """

    def __init__(self, frames: list[can.Message]) -> None:
        self._frames = iter(frames)
        self.exhausted = threading.Event()
        self.channel_info = "replay"
        super().__init__(channel="replay")

    def _recv_internal(self, timeout: float | None) -> tuple[can.Message | None, bool]:
        if timeout == 0:
            return None, False
        frame = next(self._frames, None)
        if frame is None:
            self.exhausted.set()
            time.sleep(timeout or 0)
        return frame, False

    def send(self, msg: can.Message, timeout: float | None = None) -> None:
        raise can.CanOperationError("a replay does not transmit")


async def _receive_cpu_per_frame(frames: list[can.Message]) -> float:
    """CPU seconds per frame from the bus through the session, listeners included."""
    # A value from an address the capture never uses marks the end of the replay.
    marker = ValueReply(END_MARKER, 0, encode_float(1.0)).to_frame()
    end = can.Message(arbitration_id=marker.can_id, data=marker.data, is_extended_id=True)
    bus = ReplayBus([*frames, end])
    session = MasterBusSession(SessionConfig(listen_only=True))
    replayed = asyncio.Event()
    events = 0

    def listener(event: SessionEvent) -> None:
        nonlocal events
        events += 1
        if isinstance(event, ValueUpdated) and event.address == END_MARKER:
            replayed.set()

    session.add_listener(listener)
    cpu = time.process_time()
    await session.connect(bus)
    try:
        async with asyncio.timeout(120):
            await replayed.wait()
        cpu = time.process_time() - cpu
    finally:
        await session.disconnect()
        bus.shutdown()
    assert session.frames_received == len(frames) + 1, "frames were lost in the replay"
    assert events > 1, "the replay produced no session events"
    return cpu / len(frames)
