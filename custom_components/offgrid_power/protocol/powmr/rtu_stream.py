"""Modbus RTU over a byte stream: ESPHome serial proxies, opened through serialx.

Home Assistant 2026.5 and newer offers the UARTs of ESPHome's `serial_proxy`
as serial ports named `esphome-hass://esphome/<entry>?port_name=<name>`
(standalone: `esphome://host:6053/?port_name=<name>`). Only serialx opens
them: Home Assistant's ESPHome integration registers that URL scheme with it
and shares its API connection. pymodbus opens ports with pyserial, so this
link frames RTU itself over the stream serialx provides.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import importlib

from ..redact import mask_address_in, safe_address
from .errors import PowmrConnectionError
from .frames import RtuRequest
from .rtu_link import AnswerCollector, RtuLink
from .transport import TransportConfig

SERIALX_SCHEMES = ("esphome-hass://", "esphome://")
# Opening a proxied port goes through the ESPHome API; give it more time than an answer.
_OPEN_TIMEOUT_S = 10.0

type ProtocolFactory = Callable[[], asyncio.Protocol]
# Opens the stream for a protocol and returns its transport, already connected.
type StreamOpener = Callable[[ProtocolFactory], Awaitable[asyncio.BaseTransport]]


def needs_serialx(address: str) -> bool:
    """Whether a serial port address is one only serialx can open (an ESPHome serial proxy)."""
    return address.lower().startswith(SERIALX_SCHEMES)


def serialx_opener(url: str, baudrate: int) -> StreamOpener:
    """Open `url` with serialx at `baudrate` 8N1 (the proxy sets the UART when it opens)."""

    async def open_stream(protocol_factory: ProtocolFactory) -> asyncio.BaseTransport:
        try:
            serialx = importlib.import_module("serialx")
        except ImportError as err:
            raise PowmrConnectionError(
                f"{safe_address(url)} needs the serialx package, which Home Assistant 2026.5 and newer "
                "install with the ESPHome integration"
            ) from err
        transport, _ = await serialx.create_serial_connection(
            asyncio.get_running_loop(), protocol_factory, url, baudrate
        )
        result: asyncio.BaseTransport = transport
        return result

    return open_stream


class _StreamProtocol(asyncio.Protocol):
    """Hands received bytes to the exchange in progress; bytes between exchanges are dropped."""

    def __init__(self) -> None:
        self.collector: AnswerCollector | None = None
        self.lost = False

    def data_received(self, data: bytes) -> None:
        if self.collector is not None:
            self.collector.feed(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        if self.collector is not None:
            self.collector.fail(PowmrConnectionError(f"the serial stream closed: {exc}"))


class RtuStreamLink(RtuLink):
    """A `ModbusLink` of RTU frames on a stream; every answer is CRC-checked."""

    def __init__(self, config: TransportConfig, open_stream: StreamOpener) -> None:
        self.config = config
        self._open_stream = open_stream
        self._protocol = _StreamProtocol()
        self._transport: asyncio.WriteTransport | None = None

    @property
    def connected(self) -> bool:
        return (
            self._transport is not None
            and not self._transport.is_closing()
            and not self._protocol.lost
        )

    async def connect(self) -> None:
        self._protocol = protocol = _StreamProtocol()
        try:
            async with asyncio.timeout(max(self.config.timeout, _OPEN_TIMEOUT_S)):
                transport = await self._open_stream(lambda: protocol)
        except PowmrConnectionError:
            raise
        except Exception as err:
            # serialx raises its own SerialException, which cannot be named without it.
            raise PowmrConnectionError(
                f"cannot open {self.config.describe()}: "
                + mask_address_in(str(err) or type(err).__name__, self.config.address)
            ) from err
        if not isinstance(transport, asyncio.WriteTransport):
            transport.close()
            raise PowmrConnectionError(f"{self.config.describe()} is not a writable stream")
        self._transport = transport

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
        self._transport = None

    async def _exchange(self, request: RtuRequest) -> bytes:
        transport = self._transport
        if transport is None or not self.connected:
            raise PowmrConnectionError(f"{self.config.describe()} is not open")
        collector = AnswerCollector(request)
        self._protocol.collector = collector
        try:
            transport.write(request.frame)
            return await collector.answer(self.config.timeout, self.config.describe())
        finally:
            self._protocol.collector = None
