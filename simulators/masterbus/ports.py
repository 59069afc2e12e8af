"""The ways a master reaches the emulated bus.

- `VirtualPort`: python-can's in-process ``virtual`` interface (unit tests);
- `SlcanServer`: a Lawicel/SLCAN server on TCP, as an ESP32 Wi-Fi SLCAN bridge
  or a CANable behind ser2net would be (python-can ``slcan`` with
  ``socket://host:port``);
- `BridgeEndpoint`: the ESP32 UDP bridge format of the library's `bridge`.

Every port hands received frames to the network and writes without blocking.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

import can

from custom_components.offgrid_power.protocol.masterbus.bridge import (
    decode_datagram,
    encode_datagram,
    message_from_record,
    record_from_message,
)
from custom_components.offgrid_power.protocol.masterbus.errors import FrameError

from .faults import LinkFaults

_LOGGER = logging.getLogger(__name__)


class Network(Protocol):
    """What a port needs from the emulated bus."""

    def submit(self, message: can.Message, source: object) -> None:
        """Put a frame on the bus; `source` (a connection) does not hear it back."""


class VirtualPort:
    """A python-can virtual bus on a named channel."""

    def __init__(self, network: Network, channel: str) -> None:
        self._bus = can.Bus(interface="virtual", channel=channel, receive_own_messages=False)
        self._network = network
        loop = asyncio.get_running_loop()
        self._notifier = can.Notifier(self._bus, [self._received], timeout=0.05, loop=loop)

    def _received(self, message: can.Message) -> None:
        self._network.submit(message, self)

    def write(self, message: can.Message, source: object) -> None:
        # Other virtual buses on the channel already got it from python-can.
        if source is not self:
            self._bus.send(message)

    async def close(self) -> None:
        self._notifier.stop(timeout=1.0)
        self._bus.shutdown()


def slcan_line(message: can.Message) -> bytes | None:
    """The Lawicel line for a frame (SLCAN has no error frames: None)."""
    if message.is_error_frame:
        return None
    data = bytes(message.data).hex().upper()
    if message.is_extended_id:
        kind = "R" if message.is_remote_frame else "T"
        return f"{kind}{message.arbitration_id:08X}{message.dlc}{data}\r".encode()
    kind = "r" if message.is_remote_frame else "t"
    return f"{kind}{message.arbitration_id:03X}{message.dlc}{data}\r".encode()


def parse_slcan_frame(line: str) -> can.Message:
    """A T/t/R/r command as a message; raise ValueError when malformed."""
    extended = line[0] in "TR"
    id_length = 8 if extended else 3
    can_id = int(line[1 : 1 + id_length], 16)
    dlc = int(line[1 + id_length])
    data = bytes.fromhex(line[2 + id_length :]) if line[0] in "Tt" else b""
    if dlc > 8 or (line[0] in "Tt" and len(data) != dlc):
        raise ValueError(f"bad SLCAN frame {line!r}")
    return can.Message(
        arbitration_id=can_id,
        is_extended_id=extended,
        is_remote_frame=line[0] in "Rr",
        dlc=dlc,
        data=data,
    )


class SlcanServer:
    """A Lawicel server: S0-S8, O, L, C, V, v, N, F and T/t/R/r frames."""

    _OK, _ERROR = b"\r", b"\x07"

    def __init__(self, network: Network, faults: LinkFaults) -> None:
        self._network = network
        self._faults = faults
        self._server: asyncio.Server | None = None
        self._open: dict[asyncio.StreamWriter, bool] = {}

    async def start(self, host: str, port: int) -> None:
        self._server = await asyncio.start_server(self._serve, host, port)

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    def write(self, message: can.Message, source: object) -> None:
        line = slcan_line(message)
        if line is not None:
            self._faults.send(message, line, lambda payload: self._send(payload, source))

    def _send(self, line: bytes, source: object) -> None:
        for writer, is_open in self._open.items():
            if is_open and writer is not source and not writer.is_closing():
                writer.write(line)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._open[writer] = False
        try:
            while True:
                line = (await reader.readuntil(b"\r")).decode("ascii", "replace").strip("\r\n")
                reply = self._command(writer, line)
                if not self._faults.stalled:
                    writer.write(reply)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            self._open.pop(writer, None)
            writer.close()

    def _command(self, writer: asyncio.StreamWriter, line: str) -> bytes:
        if not line:
            return self._OK
        command = line[0]
        if command in "TtRr":
            if not self._open[writer]:
                return self._ERROR
            try:
                self._network.submit(parse_slcan_frame(line), writer)
            except ValueError:
                return self._ERROR
            return b"Z\r" if command in "TR" else b"z\r"
        if command in "OL":
            self._open[writer] = True
        elif command == "C":
            self._open[writer] = False
        replies = {"V": b"V1013\r", "v": b"vSIM1\r", "N": b"NMB01\r", "F": b"F00\r"}
        if command in replies:
            return replies[command]
        return self._OK if command in "SOLCsZ" else self._ERROR

    async def close(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for writer in list(self._open):
            writer.close()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(2):
                await self._server.wait_closed()


class BridgeEndpoint(asyncio.DatagramProtocol):
    """Plays the ESP32 bridge: frames to every known peer, frames from any peer."""

    def __init__(self, network: Network, peers: list[tuple[str, int]], faults: LinkFaults) -> None:
        self._network = network
        self._faults = faults
        self.peers = list(peers)
        self.datagrams_rejected = 0
        self._transport: asyncio.DatagramTransport | None = None

    async def start(self, host: str, port: int) -> None:
        loop = asyncio.get_running_loop()
        await loop.create_datagram_endpoint(lambda: self, local_addr=(host, port))

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.DatagramTransport)
        self._transport = transport

    @property
    def port(self) -> int:
        assert self._transport is not None
        return int(self._transport.get_extra_info("sockname")[1])

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        peer = (str(addr[0]), int(addr[1]))
        if peer not in self.peers:
            self.peers.append(peer)  # like a bridge configured to answer its host
        try:
            records = decode_datagram(data)
        except FrameError:
            self.datagrams_rejected += 1
            return
        for record in records:
            self._network.submit(message_from_record(record), peer)

    def write(self, message: can.Message, source: object) -> None:
        if self._transport is None or self._transport.is_closing():
            return
        datagram = encode_datagram([record_from_message(message)])
        self._faults.send(message, datagram, lambda payload: self._send(payload, source))

    def _send(self, datagram: bytes, source: object) -> None:
        if self._transport is None or self._transport.is_closing():
            return
        for peer in self.peers:
            if peer != source:
                self._transport.sendto(datagram, peer)

    async def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
