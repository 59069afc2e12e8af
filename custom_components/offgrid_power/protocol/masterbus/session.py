"""An async MasterBus master (or silent listener) over any python-can bus.

The session owns no bus: the caller opens one (see `transports`), hands it to
`connect()` and may `disconnect()` and reconnect with a new bus at any time;
devices, values and the schema cache survive a reconnect.

What it does:

- keeps devices announcing: it sends the heartbeat only while no other master
  (a MasterView, an EasyView) is heard;
- tracks devices from their announcements, online/offline by traffic;
- discovers identity and monitoring schema (strings from the `catalogue` when
  the device passes its spot check), unless the `SchemaCache` already knows
  the device (same address and change counter: zero requests); on a new
  change counter it re-reads the identity and re-reads the schema only if the
  firmware changed, because the counter also moves on ordinary state changes;
- reads and writes values: one request in flight per device (different devices
  are asked at the same time, so discoveries and polls of several devices
  overlap on the bus), frames at least `min_frame_gap` apart, time-outs with
  retries, the commit-token rule and a read-back for writes;
- in listen-only mode sends nothing and learns values, strings and metadata
  from the replies other masters provoke.

Every reply heard (also one to another master) updates the value store and
notifies listeners, which is what a Home Assistant coordinator subscribes to.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
import logging
import math
import time

import can

from .cache import CacheEntry, SchemaCache
from .catalogue import SHIPPED_CATALOGUE, StringCatalogue
from .codec import (
    Announcement,
    Btm3Request,
    Btm3Value,
    Btm3Write,
    Frame,
    Heartbeat,
    Message,
    ValueReply,
    ValueRequest,
    ValueWrite,
    decode_frame,
)
from .discovery import SchemaReader
from .errors import (
    FrameError,
    MasterBusError,
    NotSupportedError,
    RequestTimeout,
    TransportError,
    WriteError,
)
from .events import (
    ConnectionLost,
    DeviceUpdated,
    Listener,
    SessionConfig,
    SessionEvent,
    ValueUpdated,
)
from .ids import decode_id
from .learner import PassiveLearner
from .matching import Answer, Request, answer_to
from .models import Device, DeviceIdentity, DeviceSchema, FieldInfo
from .reader import BusReader
from .recent import RecentFrames
from .values import COMMIT_TOKEN, encode_float
from .writes import check_write, confirm_write, finite_value

_LOGGER = logging.getLogger(__name__)


class _PacedSender:
    """Sends frames at least `gap` apart; runs in the session's one sending thread.

    The pause is taken in that thread, just before the frame is handed over:
    a thread sleeps to within tens of microseconds, where a pause on the event
    loop rounds up to its millisecond timer and then adds the hand-over to
    the thread, so each frame would cost two or three gaps on a busy bus.
    """

    def __init__(self, gap: float) -> None:
        self._gap = gap
        self._last = -gap

    def send(self, bus: can.BusABC, message: can.Message) -> None:
        # Never more than one gap, even if the clock was set back (a test's clock).
        wait = min(self._last + self._gap - time.monotonic(), self._gap)
        if wait > 0:
            time.sleep(wait)
        self._last = time.monotonic()
        bus.send(message)


class MasterBusSession:
    """One MasterBus master; see the module docstring."""

    def __init__(
        self,
        config: SessionConfig | None = None,
        cache: SchemaCache | None = None,
        catalogue: StringCatalogue = SHIPPED_CATALOGUE,
    ) -> None:
        self.config = config or SessionConfig()
        self.cache = cache if cache is not None else SchemaCache()
        self.requests_sent = 0
        self.frames_sent = 0
        self.heartbeats_sent = 0
        self.frames_received = 0
        self.frames_malformed = 0
        self.error_frames = 0
        self.recent = RecentFrames()
        self._devices: dict[int, Device] = {}
        self._values: dict[tuple[int, int, bool], float | None] = {}
        self._next_write: dict[int, float] = {}
        self._last_seen: dict[int, float] = {}
        self._learner = PassiveLearner()
        self._listeners: list[Listener] = []
        self._waiters: list[tuple[Request, asyncio.Future[Message]]] = []
        self._device_locks: dict[int, asyncio.Lock] = {}
        self._discoveries: dict[int, asyncio.Task[None]] = {}
        self._changed = asyncio.Event()
        self._bus: can.BusABC | None = None
        self._reader: BusReader | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._housekeeping: asyncio.Task[None] | None = None
        self._sender = _PacedSender(self.config.min_frame_gap)
        self._last_heartbeat_sent = -math.inf
        self._last_foreign_heartbeat = -math.inf
        self._schema_reader = SchemaReader(
            self._ask, self._optional, catalogue, self.config.access_code
        )

    # --- lifecycle ------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """True between `connect()` and `disconnect()` (or a bus failure)."""
        return self._bus is not None

    async def connect(self, bus: can.BusABC) -> None:
        """Start using a bus: listen, and (unless listen-only) send a heartbeat."""
        if self._bus is not None:
            raise TransportError("already connected; disconnect first")
        loop = asyncio.get_running_loop()
        self._bus = bus
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="masterbus-tx")
        self._reader = BusReader(bus, self._on_can_message, self._on_bus_error, loop)
        self._reader.start()
        self._housekeeping = loop.create_task(self._housekeeping_loop())

    async def disconnect(self) -> None:
        """Stop listening and sending; the bus itself stays open for its owner."""
        tasks = [t for t in (self._housekeeping, *self._discoveries.values()) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._housekeeping = None
        self._discoveries.clear()
        if self._reader is not None:
            self._reader.stop()
            self._reader = None
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        self._bus = None
        for _, waiter in self._waiters:
            if not waiter.done():
                waiter.set_exception(TransportError("disconnected"))
        self._waiters.clear()

    # --- observation API --------------------------------------------------------

    @property
    def devices(self) -> dict[int, Device]:
        """Snapshot of every known device by address."""
        return dict(self._devices)

    def value(self, address: int, field: int, *, btm3: bool = False) -> float | None:
        """The last value heard for a field (None if never heard or not available)."""
        return self._values.get((address, field, btm3))

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` for every `SessionEvent`; returns the unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    async def wait_for_devices(self, count: int) -> dict[int, Device]:
        """Wait until `count` devices have a known identity; return them.

        Wrap it in `asyncio.timeout()`: a device may never show up.
        """
        while sum(1 for d in self._devices.values() if d.identity) < count:
            await self._changed.wait()
        return {a: d for a, d in self._devices.items() if d.identity}

    async def wait_discovery(self) -> None:
        """Wait until every discovery that is running (or starts meanwhile) has ended."""
        while pending := [t for t in self._discoveries.values() if not t.done()]:
            await asyncio.gather(*pending, return_exceptions=True)

    # --- requests -------------------------------------------------------------------

    async def discover(self, address: int) -> Device:
        """Read identity and schema of a device now, ignoring the cache."""
        device = self._device(address)
        identity = await self._schema_reader.identity(address)
        schema = await self._schema_reader.schema(address, identity)
        return self._remember(device, identity, schema)

    async def describe_field(self, address: int, field: int) -> FieldInfo:
        """Read the metadata of one field (also one outside the monitoring groups)."""
        info = await self._schema_reader.field(address, field, {})
        device = self._device(address)
        if device.identity is not None:
            self._remember(device, device.identity, device.schema.with_field(info))
        return info

    async def read_value(self, address: int, field: int) -> float | None:
        """Read one Btm1 field; None means the device reports "not available"."""
        return (await self._ask(ValueRequest(address, field), ValueReply)).value

    async def read_values(self, address: int, fields: Iterable[int]) -> dict[int, float | None]:
        """Poll several fields of one device; fields it refuses are left out.

        A time-out (which also marks the device offline) ends the poll with
        `RequestTimeout` rather than waiting for every remaining field.
        """
        values: dict[int, float | None] = {}
        for field in fields:
            try:
                values[field] = await self.read_value(address, field)
            except NotSupportedError:
                continue
        return values

    async def read_text(self, address: int, string_id: int) -> str:
        """Read one string of a device (a text field's value is a string id)."""
        return await self._schema_reader.string(address, string_id)

    async def read_btm3(self, address: int, field: int) -> float | None:
        """Read one field of the newer 16-bit "Btm3" set."""
        return (await self._ask(Btm3Request(address, field), Btm3Value)).value

    async def write_value(
        self, address: int, field: int, value: float, *, commit: bool = False, verify: bool = True
    ) -> float | None:
        """Write a Btm1 field and return the value read back.

        `commit` sends the commit token to field + 1 afterwards, which relay-type
        controls need (inverter/charger on-off on combis, SCM on/off). It is
        refused when field + 1 is a named field of the schema. Booleans are
        written as 1.0/0.0 and options as their index.
        """
        device = self._device(address)
        info = device.schema.field(field)
        if self.config.listen_only:
            raise WriteError("the session is listen-only")
        number = check_write(device, field, value, info, commit=commit)
        async with self._device_lock(address):
            await self._write_slot(address)
            await self._transmit(ValueWrite(address, field, encode_float(number)).to_frame())
            if commit:
                await self._transmit(ValueWrite(address, field + 1, COMMIT_TOKEN).to_frame())
        if not verify:
            return number
        return await confirm_write(
            lambda: self.read_value(address, field), number, info, self.config
        )

    async def write_btm3(
        self, address: int, field: int, value: float, *, verify: bool = True
    ) -> float | None:
        """Write a Btm3 field (no commit token on this channel) and read it back.

        Btm3 fields carry no metadata, so only a finite float32 is checked.
        """
        number = finite_value(value)
        async with self._device_lock(address):
            await self._write_slot(address)
            await self._transmit(Btm3Write(address, field, encode_float(number)).to_frame())
        if not verify:
            return number
        return await confirm_write(
            lambda: self.read_btm3(address, field), number, None, self.config
        )

    async def _write_slot(self, address: int) -> None:
        """Wait until the device's last write is `write_interval` old (held under its lock)."""
        loop = asyncio.get_running_loop()
        wait = self._next_write.get(address, 0.0) - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        self._next_write[address] = loop.time() + self.config.write_interval

    # --- internals: discovery ----------------------------------------------------------

    def _schedule_discovery(self, address: int, counter: int) -> None:
        if self.config.listen_only or not self.config.discover or address in self._discoveries:
            return
        task = asyncio.get_running_loop().create_task(self._discover_announced(address, counter))
        self._discoveries[address] = task
        task.add_done_callback(lambda _: self._discoveries.pop(address, None))

    async def _discover_announced(self, address: int, counter: int) -> None:
        device = self._device(address)
        cached = self.cache.by_address(address)
        try:
            # With an access code, a schema with a locked menu is read again.
            unlock = self.config.access_code is not None
            fresh = cached is not None and not (unlock and cached.schema.locked)
            if cached is not None and fresh and cached.change_counter == counter:
                self._remember(device, cached.identity, cached.schema)
                return
            identity = await self._schema_reader.identity(address)
            known = self.cache.by_identity(identity.serial, identity.firmware)
            if known is not None and not (unlock and known.schema.locked):
                schema = known.schema
            else:
                schema = await self._schema_reader.schema(address, identity)
            self._remember(device, identity, schema)
        except MasterBusError as err:
            _LOGGER.warning("Discovery of %s failed: %s", device.label, err)

    def _remember(self, device: Device, identity: DeviceIdentity, schema: DeviceSchema) -> Device:
        counter = self._devices.get(device.address, device).change_counter
        updated = replace(
            self._devices.get(device.address, device), identity=identity, schema=schema
        )
        self.cache.store(CacheEntry(device.address, counter or 0, identity, schema))
        self._set_device(updated)
        return updated

    # --- internals: request/response ---------------------------------------------------

    def _device_lock(self, address: int) -> asyncio.Lock:
        return self._device_locks.setdefault(address, asyncio.Lock())

    async def _optional(self, request: Request) -> Message | None:
        """A request whose absence is normal (optional metadata, firmware part 1)."""
        try:
            return await self._request(request)
        except (NotSupportedError, RequestTimeout):
            return None

    async def _ask[R](self, request: Request, reply_type: type[R]) -> R:
        """A request whose reply type is known (`answer_to` guarantees it)."""
        reply = await self._request(request)
        if not isinstance(reply, reply_type):
            raise FrameError(f"{reply} does not answer {request}")
        return reply

    async def _request(self, request: Request) -> Message:
        loop = asyncio.get_running_loop()
        async with self._device_lock(request.address):
            for _ in range(self.config.retries + 1):
                waiter: asyncio.Future[Message] = loop.create_future()
                entry = (request, waiter)
                self._waiters.append(entry)
                try:
                    await self._transmit(request.to_frame())
                    self.requests_sent += 1
                    async with asyncio.timeout(self.config.request_timeout):
                        reply = await waiter
                except TimeoutError:
                    continue
                finally:
                    if entry in self._waiters:
                        self._waiters.remove(entry)
                if answer_to(request, reply) is Answer.REJECTED:
                    raise NotSupportedError(
                        f"{self._device(request.address).label} refused {request}"
                    )
                return reply
        self._set_online(request.address, online=False)
        raise RequestTimeout(f"no answer to {request}")

    async def _transmit(self, frame: Frame) -> None:
        if self.config.listen_only:
            raise TransportError("the session is listen-only")
        bus, executor = self._bus, self._executor
        if bus is None or executor is None:
            raise TransportError("not connected")
        message = can.Message(arbitration_id=frame.can_id, data=frame.data, is_extended_id=True)
        self.recent.record(decode_id(frame.can_id).address, frame, "tx")
        loop = asyncio.get_running_loop()
        try:
            # One sending thread: frames leave in the order they were handed over.
            await loop.run_in_executor(executor, self._sender.send, bus, message)
            self.frames_sent += 1
        except can.CanError as err:
            raise TransportError(f"sending {frame} failed: {err}") from err

    # --- internals: receiving ----------------------------------------------------------

    def _on_can_message(self, msg: can.Message) -> None:
        if msg.is_error_frame:
            self.error_frames += 1  # controller state reports, not MasterBus content
            return
        if not msg.is_extended_id or msg.is_remote_frame:
            return
        raw = Frame(msg.arbitration_id, bytes(msg.data))
        try:
            message = decode_frame(raw.can_id, raw.data)
        except FrameError as err:
            self.frames_malformed += 1
            self.recent.record_malformed(raw)
            _LOGGER.debug("Dropping malformed frame %08X: %s", msg.arbitration_id, err)
            return
        self.frames_received += 1
        self.recent.record(message.address, raw)
        self._observe(message)
        for request, waiter in self._waiters:
            if not waiter.done() and answer_to(request, message) is not None:
                waiter.set_result(message)

    def _on_bus_error(self, exc: Exception) -> None:
        _LOGGER.warning("MasterBus interface failed: %s", exc)
        self._emit(ConnectionLost(exc))

    def _observe(self, message: Message) -> None:
        match message:
            case Heartbeat():
                if message.address != self.config.master_address:
                    self._last_foreign_heartbeat = time.monotonic()
                return
            case Announcement():
                self._on_announcement(message)
            case ValueReply() | Btm3Value():
                btm3 = isinstance(message, Btm3Value)
                self._values[(message.address, message.field, btm3)] = message.value
                self._set_online(message.address, online=True)
                self._emit(ValueUpdated(message.address, message.field, message.value, btm3))
            case _ if self._learner.observe(message):
                self._set_online(message.address, online=True)
                if self.config.listen_only:
                    self._learn_passively(message.address)

    def _on_announcement(self, message: Announcement) -> None:
        known = self._devices.get(message.address)
        self._set_online(message.address, online=True)
        device = self._device(message.address)
        changed = known is None or known.change_counter != message.change_counter
        if changed:
            device = replace(device, change_counter=message.change_counter)
            self._set_device(device)
        if self.config.listen_only:
            self._learn_passively(message.address)
        elif changed or device.identity is None:
            self._schedule_discovery(message.address, message.change_counter)

    def _learn_passively(self, address: int) -> None:
        device = self._device(address)
        cached = self.cache.by_address(address)
        identity = cached.identity if cached else self._learner.keyed_identity(address)
        schema = cached.schema if cached else self._learner.schema(address)
        if (identity, schema) != (device.identity, device.schema):
            self._set_device(replace(device, identity=identity, schema=schema))

    # --- internals: device table ---------------------------------------------------

    def _device(self, address: int) -> Device:
        return self._devices.get(address) or Device(address, online=False)

    def _set_online(self, address: int, *, online: bool) -> None:
        if online:
            self._last_seen[address] = time.monotonic()
        device = self._device(address)
        if device.online != online or address not in self._devices:
            self._set_device(replace(device, online=online))

    def _set_device(self, device: Device) -> None:
        self._devices[device.address] = device
        self._emit(DeviceUpdated(device))
        # Wake every waiter once, then arm a fresh event for the next change.
        self._changed.set()
        self._changed = asyncio.Event()

    def _emit(self, event: SessionEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                _LOGGER.exception("MasterBus listener failed on %s", event)

    async def _housekeeping_loop(self) -> None:
        tick = min(1.0, self.config.heartbeat_interval / 4)
        while True:
            now = time.monotonic()
            quiet = now - self._last_foreign_heartbeat >= self.config.heartbeat_interval
            due = now - self._last_heartbeat_sent >= self.config.heartbeat_interval
            if not self.config.listen_only and quiet and due:
                self._last_heartbeat_sent = now
                try:
                    await self._transmit(Heartbeat(self.config.master_address).to_frame())
                    self.heartbeats_sent += 1
                except TransportError as err:
                    _LOGGER.debug("Heartbeat not sent: %s", err)
            for address, seen in list(self._last_seen.items()):
                if now - seen > self.config.offline_after:
                    self._set_online(address, online=False)
            await asyncio.sleep(tick)
