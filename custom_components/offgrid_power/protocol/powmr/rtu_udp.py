"""Modbus RTU over UDP, as the ESP32 bridge (esphome/packages/powmr_udp_bridge.yaml) speaks it.

pymodbus' UDP client connects its socket, so it only hears answers from the
exact address and port it sent to. ESPHome's `udp` component cannot answer
the sender: it sends each answer from a socket of its own to a configured
reply address and port (by default the LAN broadcast address, port 8899). So
this link listens on the reply port and takes every datagram whose source IP
is the bridge's, whatever its source port. It sends its requests from that
same socket, so gateways that answer the sender (and the simulator) work too.

One socket per reply port is shared by every link of the event loop: several
bridges may answer to one port (told apart by their IP), and a config flow
can probe a bridge while the entry that uses it keeps polling. Exchanges with
one bridge take turns, one request at a time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
import errno
import ipaddress
import socket
from weakref import WeakKeyDictionary

from .errors import PowmrConnectionError, PowmrPortInUseError
from .frames import RtuRequest
from .rtu_link import AnswerCollector, RtuLink
from .transport import TransportConfig

type _Listener = Callable[[bytes], None]
type _Bind = tuple[str, int]


class _ReplyPort(asyncio.DatagramProtocol):
    """One bound UDP socket; hands each datagram to the exchange waiting on its source IP."""

    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None
        self.closed = asyncio.Event()
        self.users = 0
        self.listeners: dict[str, _Listener] = {}
        self.turns: dict[str, asyncio.Lock] = {}

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.DatagramTransport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self.closed.set()

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        listener = self.listeners.get(str(addr[0]))
        if listener is not None:
            listener(data)

    def error_received(self, exc: Exception) -> None:
        """ICMP errors (port unreachable): the exchange waiting on it times out."""

    @property
    def open(self) -> bool:
        return self.transport is not None and not self.transport.is_closing()

    def turn(self, peer: str) -> asyncio.Lock:
        return self.turns.setdefault(peer, asyncio.Lock())

    def release(self) -> None:
        self.users -= 1
        if self.users <= 0 and self.transport is not None:
            self.transport.close()


@dataclass(slots=True)
class _LoopPorts:
    """The reply ports of one event loop."""

    ports: dict[_Bind, _ReplyPort] = field(default_factory=dict)
    opening: asyncio.Lock = field(default_factory=asyncio.Lock)


_loop_ports: WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopPorts] = WeakKeyDictionary()


async def _open_reply_port(bind: _Bind) -> _ReplyPort:
    """The shared socket on `bind`, bound now unless a link of this loop holds it already."""
    loop = asyncio.get_running_loop()
    registry = _loop_ports.setdefault(loop, _LoopPorts())
    async with registry.opening:
        reply_port = registry.ports.get(bind)
        if reply_port is None or not reply_port.open:
            if reply_port is not None and reply_port.transport is not None:
                # The last user just left; its socket closes on the next loop turn.
                await reply_port.closed.wait()
            _, reply_port = await loop.create_datagram_endpoint(
                _ReplyPort, local_addr=bind, family=socket.AF_INET
            )
            registry.ports[bind] = reply_port
        reply_port.users += 1
        return reply_port


class RtuUdpLink(RtuLink):
    """A `ModbusLink` of RTU frames in UDP datagrams; every answer is CRC-checked."""

    def __init__(self, config: TransportConfig) -> None:
        self.config = config
        self._peer: str | None = None
        self._reply_port: _ReplyPort | None = None

    @property
    def connected(self) -> bool:
        return self._reply_port is not None and self._reply_port.open

    async def connect(self) -> None:
        config = self.config
        try:
            peer = await _resolve(config.address, config.port)
        except OSError as err:
            raise PowmrConnectionError(f"cannot resolve {config.describe()}: {err}") from err
        # A bridge on this machine answers over loopback; any other may answer by broadcast,
        # which only a socket bound to every address receives.
        host = "127.0.0.1" if ipaddress.ip_address(peer).is_loopback else "0.0.0.0"
        try:
            self._reply_port = await _open_reply_port((host, config.local_port))
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise PowmrPortInUseError(
                    f"UDP port {config.local_port} is in use by another program"
                ) from err
            raise PowmrConnectionError(
                f"cannot listen on UDP port {config.local_port}: {err}"
            ) from err
        self._peer = peer

    def close(self) -> None:
        if self._reply_port is not None:
            self._reply_port.release()
        self._reply_port = None

    async def _exchange(self, request: RtuRequest) -> bytes:
        """Send one request and wait for the datagram(s) that make up its answer."""
        reply_port, peer = self._reply_port, self._peer
        if reply_port is None or peer is None:
            raise PowmrConnectionError(f"{self.config.describe()} is not connected")
        async with reply_port.turn(peer):
            transport = reply_port.transport
            if transport is None or transport.is_closing():
                raise PowmrConnectionError(f"{self.config.describe()}: the UDP socket is closed")
            # The bridge sends one frame per datagram, but a pause on the serial line
            # can split one.
            collector = AnswerCollector(request)
            reply_port.listeners[peer] = collector.feed
            try:
                transport.sendto(request.frame, (peer, self.config.port))
                return await collector.answer(self.config.timeout, self.config.describe())
            finally:
                del reply_port.listeners[peer]


async def _resolve(host: str, port: int) -> str:
    """The IPv4 address datagrams from `host` come from (the ESP32's `udp` is IPv4)."""
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, family=socket.AF_INET, type=socket.SOCK_DGRAM
    )
    return str(infos[0][4][0])
