"""Async Modbus client for PowMr units: read plans with fallback, detection, validated writes.

One `PowmrClient` owns one link. All bus traffic is serialised by a lock
because the units (and transparent bridges) only cope with one request at a
time. After a timeout the connection is dropped so that a late answer cannot
be taken for the reply to the next request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict
import time
from types import MappingProxyType, TracebackType
from typing import Self

import pymodbus

from .backoff import Backoff
from .codec import PowmrSnapshot, decode
from .derived import nominal_battery_voltage
from .detect import PROBES, looks_like
from .errors import (
    PowmrConnectionError,
    PowmrError,
    PowmrExceptionResponse,
    PowmrFrameError,
    PowmrInvalidDataError,
    PowmrSettingError,
    PowmrTimeoutError,
    PowmrWriteNotConfirmedError,
)
from .identity import SERIAL_NUMBER_START, SERIAL_NUMBER_WORDS, decode_serial_number
from .link import ModbusLink, build_link
from .read_plan import DEFAULT_REPROBE_INTERVAL_S, PLANS, Block, PlanSelector, PlanState, ReadPlan
from .readings import Value
from .registers import PowmrFamily, RegisterMap, Setting, register_map
from .settings import decode_setting, encode_setting
from .transport import TransportConfig

type WireBlocks = dict[int, list[int]]


class PowmrClient:
    """Reads snapshots from and writes settings to one PowMr unit over Modbus."""

    def __init__(
        self,
        transport: TransportConfig,
        family: PowmrFamily | None = None,
        *,
        charger_priority_variant: int = 1,
        battery_nominal_voltage: float | None = None,
        write_cooldown: float = 1.0,
        reprobe_interval: float = DEFAULT_REPROBE_INTERVAL_S,
        backoff: Backoff | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.transport = transport
        self.charger_priority_variant = charger_priority_variant
        self.battery_nominal_voltage = battery_nominal_voltage
        self.write_cooldown = write_cooldown
        self.reprobe_interval = reprobe_interval
        self._backoff = backoff or Backoff()
        self._clock = clock
        self._lock = asyncio.Lock()
        self._link: ModbusLink | None = None
        self._baudrate: int | None = None
        self._family: PowmrFamily | None = None
        self._map: RegisterMap | None = None
        self._selector: PlanSelector | None = None
        self._last_blocks: WireBlocks = {}
        self._next_write_at = 0.0
        if family is not None:
            self._set_family(family)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def family(self) -> PowmrFamily | None:
        return self._family

    @property
    def register_map(self) -> RegisterMap | None:
        return self._map

    @property
    def last_blocks(self) -> Mapping[int, tuple[int, ...]]:
        """Wire words (before any byte swap) of the last successful poll, by block start."""
        return MappingProxyType({start: tuple(words) for start, words in self._last_blocks.items()})

    @property
    def plan_state(self) -> PlanState | None:
        return None if self._selector is None else self._selector.state

    async def close(self) -> None:
        self._drop_connection()

    async def detect_family(self) -> PowmrFamily:
        """Probe the families in the reference's order; remember and return the one that answers."""
        async with self._lock:
            return await self._detect()

    async def read_snapshot(self) -> PowmrSnapshot:
        """Run the read plan (falling back to smaller reads) and decode the result."""
        async with self._lock:
            if self._family is None:
                await self._detect()
            assert self._selector is not None
            assert self._map is not None
            last_error: PowmrError = PowmrError("no read plan")
            for plan in self._selector.candidates(self._clock()):
                try:
                    blocks = await self._run_plan(plan)
                except PowmrExceptionResponse as err:
                    last_error = err
                except PowmrTimeoutError as err:
                    # A plan the unit has answered before does not suddenly become
                    # unsupported: this is a link problem, not a refusal.
                    if self._selector.state.accepted == plan.name:
                        raise
                    last_error = err
                else:
                    self._selector.accepted(plan)
                    self._last_blocks = blocks
                    snapshot = decode(self._map, blocks)
                    self._learn_nominal_voltage(snapshot)
                    return snapshot
                self._selector.refused(plan)
            raise last_error

    async def read_registers(self, start: int, count: int) -> list[int]:
        """Raw wire words of one block, for diagnostics and tools."""
        async with self._lock:
            if self._family is None:
                await self._detect()
            return await self._read(Block(start, count))

    async def read_serial_number(self) -> str | None:
        """The unit's serial number, for the families that have one (SMG-II); None otherwise."""
        if self.family is not PowmrFamily.SMG_II:
            return None
        return decode_serial_number(
            await self.read_registers(SERIAL_NUMBER_START, SERIAL_NUMBER_WORDS)
        )

    async def write_setting(self, key: str, value: object) -> Value:
        """Validate, write, read back and return the value the unit confirms."""
        async with self._lock:
            if self._family is None:
                await self._detect()
            assert self._map is not None
            setting = self._map.settings_by_key.get(key)
            if setting is None:
                raise PowmrSettingError(f"{key!r} is not a writable {self._family} setting")
            raw = encode_setting(setting, value, self.battery_nominal_voltage)
            await self._write(setting.address, raw)
            confirmed = await self._read_back(setting)
            if confirmed != decode_setting(setting, raw):
                raise PowmrWriteNotConfirmedError(key, value, confirmed)
            return confirmed

    async def send_command(self, key: str) -> None:
        """Send a one-shot command, paced like the writes; raise `PowmrSettingError` if refused.

        A command tied to a working mode is only sent when a fresh read shows
        the unit in that mode. Its register is write-only: the next poll
        shows what the unit made of it.
        """
        async with self._lock:
            if self._family is None:
                await self._detect()
            assert self._map is not None
            command = next((c for c in self._map.commands if c.key == key), None)
            if command is None:
                raise PowmrSettingError(f"{key!r} is not a {self._family} command")
            if command.required_mode is not None:
                mode = await self._read_key("operating_mode")
                if mode != command.required_mode:
                    raise PowmrSettingError(
                        f"{key}: only in {command.required_mode} mode; the unit is in {mode}"
                    )
            await self._write(command.address, command.value)

    def diagnostics(self) -> dict[str, object]:
        state = self.plan_state
        return {
            "transport": self.transport.describe(),
            "family": self._family,
            "pymodbus": pymodbus.__version__,
            "battery_nominal_voltage": self.battery_nominal_voltage,
            "read_plan": None if state is None else asdict(state),
            "wire_blocks": {
                start: " ".join(f"{word:04x}" for word in words)
                for start, words in self._last_blocks.items()
            },
        }

    def _set_family(self, family: PowmrFamily) -> None:
        self._family = family
        self._map = register_map(family, self.charger_priority_variant)
        self._selector = PlanSelector(PLANS[family], self.reprobe_interval)

    def _unit_id(self, family: PowmrFamily | None = None) -> int:
        return self.transport.link(family or self._family or PowmrFamily.FAMILY_A).unit_id

    async def _detect(self) -> PowmrFamily:
        last_error: PowmrError = PowmrInvalidDataError("no family's probe looked plausible")
        for probe in PROBES:
            for blocks in probe.alternatives:
                try:
                    wire = await self._probe(probe.family, blocks)
                except (PowmrExceptionResponse, PowmrTimeoutError, PowmrFrameError) as err:
                    last_error = err
                    continue
                if looks_like(probe.family, wire):
                    self._set_family(probe.family)
                    return probe.family
        raise last_error

    async def _probe(self, family: PowmrFamily, blocks: tuple[Block, ...]) -> dict[int, int]:
        wire: dict[int, int] = {}
        for block in blocks:
            words = await self._read(block, family)
            wire.update(zip(range(block.start, block.stop), words, strict=True))
        return wire

    async def _run_plan(self, plan: ReadPlan) -> WireBlocks:
        blocks: WireBlocks = {}
        refusal: PowmrExceptionResponse | None = None
        for block in plan.blocks:
            try:
                blocks[block.start] = await self._read(block)
            except PowmrExceptionResponse as err:
                if not plan.tolerant:
                    raise
                refusal = err
        if not blocks and refusal is not None:
            raise refusal
        return blocks

    async def _connected(self, family: PowmrFamily) -> ModbusLink:
        baudrate = self.transport.link(family).baudrate
        if self._link is not None and self._baudrate == baudrate and self._link.connected:
            return self._link
        self._drop_connection()
        wait = self._backoff.remaining(self._clock())
        if wait > 0:
            raise PowmrConnectionError(f"reconnect in {wait:.1f} s ({self.transport.describe()})")
        link = build_link(self.transport, baudrate)
        try:
            await link.connect()
        except PowmrConnectionError:
            link.close()
            self._backoff.failed(self._clock())
            raise
        self._backoff.succeeded()
        self._link, self._baudrate = link, baudrate
        return link

    def _drop_connection(self) -> None:
        if self._link is not None:
            self._link.close()
        self._link = None

    async def _read(self, block: Block, family: PowmrFamily | None = None) -> list[int]:
        family = family or self._family or PowmrFamily.FAMILY_A
        link = await self._connected(family)
        with self._dropped_on_failure():
            return await link.read_holding_registers(
                self._unit_id(family), block.start, block.count
            )

    async def _write(self, address: int, raw: int) -> None:
        wait = self._next_write_at - self._clock()
        if wait > 0:
            await asyncio.sleep(wait)
        assert self._family is not None
        link = await self._connected(self._family)
        unit_id = self._unit_id()
        try:
            with self._dropped_on_failure():
                if self._family is PowmrFamily.FAMILY_A:
                    await link.write_register(unit_id, address, raw)
                else:
                    await link.write_registers(unit_id, address, [raw])
        finally:
            self._next_write_at = self._clock() + self.write_cooldown

    @contextmanager
    def _dropped_on_failure(self) -> Iterator[None]:
        """After a timeout or a garbled answer the link may be out of step: start over,
        so a late answer is never taken for the next request. A refusal is an answer."""
        try:
            yield
        except PowmrExceptionResponse:
            raise
        except PowmrError:
            self._drop_connection()
            raise

    async def _read_back(self, setting: Setting) -> Value:
        try:
            return decode_setting(setting, (await self._read(Block(setting.address, 1)))[0])
        except (PowmrExceptionResponse, PowmrTimeoutError):
            if setting.mirror_key is None:
                raise
        return await self._read_key(setting.mirror_key)

    async def _read_key(self, key: str) -> Value:
        """One reading, read fresh from the register that holds it."""
        assert self._map is not None
        address = self._address_of(self._map, key)
        snapshot = decode(self._map, {address: await self._read(Block(address, 1))})
        return snapshot[key]

    @staticmethod
    def _address_of(register_map: RegisterMap, key: str) -> int:
        for register in register_map.registers:
            if register.key == key:
                return register.address
        return next(flag.address for flag in register_map.flags if flag.key == key)

    def _learn_nominal_voltage(self, snapshot: PowmrSnapshot) -> None:
        if self.battery_nominal_voltage is None:
            self.battery_nominal_voltage = nominal_battery_voltage(snapshot)
