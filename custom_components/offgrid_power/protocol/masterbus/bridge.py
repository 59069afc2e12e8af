"""ESP32 MasterBus bridge: CAN frames in UDP datagrams, and a python-can bus for it.

Wire format (version 1)
=======================

An ESP32 with a CAN transceiver on its TWAI controller forwards every bus frame
to Home Assistant in UDP, and puts on the bus every frame Home Assistant sends
it. ESPHome implements it with built-in components only: ``esp32_can``
(``on_frame``, ``canbus.send``) and ``udp`` (``udp.write``, ``on_receive``).

Ports: the bridge listens on UDP **47810**; Home Assistant listens on UDP
**47811**. The bridge sends to the Home Assistant host (or the broadcast
address); Home Assistant sends to the bridge's address.

A datagram holds one or more 14-byte **records**, nothing else::

    offset  size  field
    0       1     magic: 0xB1 (MasterBus bridge, format version 1)
    1       1     flags: bit 7 EXT (29-bit id, always set for MasterBus),
                         bit 6 RTR, bit 5 ERR (a bus error report), bits 3..0 DLC (0..8)
    2       4     CAN id, big-endian (29 bits for EXT frames, 11 otherwise)
    6       8     data; the first DLC bytes count, the rest is zero padding

A receiver drops a datagram whose length is not a multiple of 14, or that holds
a record with another magic, a DLC above 8 or an id too wide for its EXT flag.
Bit 4 of the flags is zero, and so are the upper 3 id bits of an EXT record. Home
Assistant sends one record per datagram; a bridge may batch up to 100 records
in one datagram (1400 bytes, under a Wi-Fi MTU).

ESPHome sketch (bridge to host, in ``esp32_can: on_frame`` with ``can_id: 0``,
``can_id_mask: 0``, ``use_extended_id: true``)::

    - udp.write:
        data: !lambda |-
          std::vector<uint8_t> r(14, 0);
          r[0] = 0xB1; r[1] = 0x80 | x.size();
          r[2] = can_id >> 24; r[3] = can_id >> 16; r[4] = can_id >> 8; r[5] = can_id;
          std::copy(x.begin(), x.end(), r.begin() + 6);
          return r;

Host to bridge, in ``udp: on_receive``::

    - if:
        condition:
          lambda: 'return data.size() == 14 && data[0] == 0xB1 && (data[1] & 0x80) && (data[1] & 0xF) <= 8;'
        then:
          - canbus.send:
              use_extended_id: true
              can_id: !lambda 'return (data[2] << 24) | (data[3] << 16) | (data[4] << 8) | data[5];'
              data: !lambda 'return std::vector<uint8_t>(data.begin() + 6, data.begin() + 6 + (data[1] & 0xF));'
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
import logging
import select
import socket
import time
from typing import Any

import can

from .errors import FrameError

_LOGGER = logging.getLogger(__name__)

MAGIC = 0xB1
RECORD_SIZE = 14
MAX_RECORDS = 100
BRIDGE_PORT = 47810
HOST_PORT = 47811
FLAG_EXTENDED = 0x80
FLAG_REMOTE = 0x40
FLAG_ERROR = 0x20
_DLC_MASK = 0x0F
_RESERVED = 0x10


@dataclass(frozen=True, slots=True)
class BridgeRecord:
    """One CAN frame as carried by the bridge."""

    can_id: int
    data: bytes = b""
    extended: bool = True
    remote: bool = False
    error: bool = False

    def encode(self) -> bytes:
        """The 14-byte record."""
        if len(self.data) > 8:
            raise FrameError(f"{len(self.data)} data bytes do not fit a CAN frame")
        if not 0 <= self.can_id <= (0x1FFFFFFF if self.extended else 0x7FF):
            raise FrameError(f"CAN id {self.can_id:#x} is too wide")
        flags = len(self.data)
        flags |= FLAG_EXTENDED if self.extended else 0
        flags |= FLAG_REMOTE if self.remote else 0
        flags |= FLAG_ERROR if self.error else 0
        return bytes([MAGIC, flags]) + self.can_id.to_bytes(4, "big") + self.data.ljust(8, b"\0")

    @classmethod
    def decode(cls, record: bytes) -> BridgeRecord:
        """Parse one 14-byte record; raise `FrameError` if it is not one."""
        if len(record) != RECORD_SIZE or record[0] != MAGIC:
            raise FrameError("not a MasterBus bridge record")
        flags = record[1]
        dlc = flags & _DLC_MASK
        extended = bool(flags & FLAG_EXTENDED)
        can_id = int.from_bytes(record[2:6], "big")
        if dlc > 8 or flags & _RESERVED or can_id > (0x1FFFFFFF if extended else 0x7FF):
            raise FrameError(f"invalid bridge record {record.hex()}")
        return cls(
            can_id=can_id,
            data=bytes(record[6 : 6 + dlc]),
            extended=extended,
            remote=bool(flags & FLAG_REMOTE),
            error=bool(flags & FLAG_ERROR),
        )


def encode_datagram(records: Sequence[BridgeRecord]) -> bytes:
    """A datagram carrying the records (1..`MAX_RECORDS`)."""
    if not 1 <= len(records) <= MAX_RECORDS:
        raise FrameError(f"a datagram carries 1..{MAX_RECORDS} records, not {len(records)}")
    return b"".join(record.encode() for record in records)


def decode_datagram(datagram: bytes) -> list[BridgeRecord]:
    """All records of a datagram; raise `FrameError` for anything else."""
    count, rest = divmod(len(datagram), RECORD_SIZE)
    if rest or not 1 <= count <= MAX_RECORDS:
        raise FrameError(f"a bridge datagram of {len(datagram)} bytes")
    return [
        BridgeRecord.decode(datagram[i : i + RECORD_SIZE])
        for i in range(0, len(datagram), RECORD_SIZE)
    ]


def record_from_message(message: can.Message) -> BridgeRecord:
    """The record for a python-can message."""
    return BridgeRecord(
        can_id=message.arbitration_id,
        data=bytes(message.data),
        extended=message.is_extended_id,
        remote=message.is_remote_frame,
        error=message.is_error_frame,
    )


def message_from_record(record: BridgeRecord, channel: str | None = None) -> can.Message:
    """The python-can message for a record."""
    return can.Message(
        timestamp=time.time(),
        arbitration_id=record.can_id,
        data=record.data,
        is_extended_id=record.extended,
        is_remote_frame=record.remote,
        is_error_frame=record.error,
        channel=channel,
    )


def parse_endpoint(text: str, default_port: int, *, listening: bool = False) -> tuple[str, int]:
    """``host``, ``host:port`` or ``[v6]:port`` as a (host, port) pair.

    Raise `ValueError` for a port outside 1..65535; a ``listening`` endpoint
    may also give 0 (any free port).
    """
    text = text.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.removeprefix(":")
    elif text.count(":") == 1:
        host, port = text.split(":")
    else:
        host, port = text, ""
    if not host:
        raise ValueError(f"no host in {text!r}")
    if not port:
        return host, default_port
    # int() alone takes "-1", "+5", " 5" and "1_000"; a port is 1-5 digits in 1..65535.
    lowest = 0 if listening else 1
    if not (port.isascii() and port.isdigit()) or not lowest <= int(port) <= 0xFFFF:
        raise ValueError(f"port {port!r} in {text!r} is not {lowest}..65535")
    return host, int(port)


class BridgeBus(can.BusABC):
    """A python-can bus over the bridge's UDP format.

    ``channel`` is the bridge as ``host[:port]`` (port 47810 by default). The
    bus listens on ``local_host:local_port`` (all interfaces, 47811 by
    default) and accepts datagrams only from the bridge's IP, unless the
    channel is a broadcast address.
    """

    def __init__(
        self,
        channel: str,
        local_port: int = HOST_PORT,
        local_host: str = "0.0.0.0",
        can_filters: can.typechecking.CanFilters | None = None,
        **kwargs: Any,
    ) -> None:
        host, port = parse_endpoint(channel, BRIDGE_PORT)
        try:
            remote_ip = socket.getaddrinfo(host, port, socket.AF_INET, socket.SOCK_DGRAM)[0][4][0]
            self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        except OSError as err:
            raise can.CanInitializationError(f"cannot reach bridge {channel}: {err}") from err
        self._remote = (str(remote_ip), port)
        # A broadcast channel cannot name the sender: accept every bridge then.
        self._accept_any = str(remote_ip).endswith(".255")
        try:
            self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
            self._socket.bind((local_host, local_port))
        except OSError as err:
            self._socket.close()
            raise can.CanInitializationError(f"cannot listen on UDP {local_port}: {err}") from err
        self._socket.setblocking(False)
        self._pending: deque[can.Message] = deque()
        self.datagrams_rejected = 0
        self.channel_info = f"MasterBus UDP bridge {self._remote[0]}:{port}"
        super().__init__(channel=channel, can_filters=can_filters, **kwargs)

    @property
    def local_address(self) -> tuple[str, int]:
        """The (host, port) this bus listens on (useful with port 0)."""
        host, port = self._socket.getsockname()[:2]
        return str(host), int(port)

    def send(self, msg: can.Message, timeout: float | None = None) -> None:
        try:
            self._socket.sendto(encode_datagram([record_from_message(msg)]), self._remote)
        except (OSError, FrameError) as err:
            raise can.CanOperationError(f"bridge send failed: {err}") from err

    def _recv_internal(self, timeout: float | None) -> tuple[can.Message | None, bool]:
        if not self._pending:
            self._receive(timeout)
        return (self._pending.popleft() if self._pending else None), False

    def _receive(self, timeout: float | None) -> None:
        try:
            readable, _, _ = select.select([self._socket], [], [], timeout)
            if not readable:
                return
            datagram, sender = self._socket.recvfrom(2048)
        except (OSError, ValueError) as err:
            raise can.CanOperationError(f"bridge receive failed: {err}") from err
        if not self._accept_any and sender[0] != self._remote[0]:
            return
        try:
            records = decode_datagram(datagram)
        except FrameError as err:
            self.datagrams_rejected += 1
            _LOGGER.debug("Dropping datagram from %s: %s", sender, err)
            return
        self._pending.extend(message_from_record(r, self.channel_info) for r in records)

    def shutdown(self) -> None:
        super().shutdown()
        self._socket.close()
