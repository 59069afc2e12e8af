"""Mastervolt's MasterBus USB interface, as its hidraw node behaves, on a Unix socket.

A ``SOCK_SEQPACKET`` socket keeps message boundaries, as a hidraw node keeps
report boundaries: a master connects to the socket path like it opens
``/dev/hidrawN``, writes the report number 0 and a 64-byte output report per
frame, and reads 64-byte input reports. Like the real interface (as the
negrusti/masterbus-usb-gateway firmware describes it), an input report
gathers up to four frames that arrived together, sets the "extended" flag
bit in each record, numbers the frames in the sideband bytes and fills the
reserved tail; a master must ignore all of that. Like hidraw, every
connection hears every report.

    sim = MasterBusSimulator(devices)
    async with sim:
        peer = await UsbLinkPeer.serve(sim, "/tmp/mb.sock")   # closed with the simulator
        peer.unplug(); peer.replug()                          # the cable, the node
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket

import can

from custom_components.offgrid_power.protocol.masterbus.codec import Frame
from custom_components.offgrid_power.protocol.masterbus.errors import FrameError
from custom_components.offgrid_power.protocol.masterbus.usb_reports import (
    MAX_RECORDS,
    RECORD_SIZE,
    REPORT_NUMBER,
    REPORT_SIZE,
    decode_report,
    encode_record,
)

from .faults import LinkFaults
from .network import MasterBusSimulator

_EXTENDED_FLAG = 0x08  # record byte 1, bit 3: the MCP2515 EXIDE bit
_TAIL = bytes((0x00, 0x12, 0x80))  # what the original interface puts at 57..59
_TAIL_AT = 1 + MAX_RECORDS * RECORD_SIZE
_SEQUENCE_AT = _TAIL_AT + len(_TAIL)


class UsbLinkPeer:
    """The USB interface on a socket path; tapped into a running simulator."""

    def __init__(self, simulator: MasterBusSimulator, path: str, faults: LinkFaults) -> None:
        self._simulator = simulator
        self._faults = faults
        self.path = path
        self.reports_rejected = 0
        self._listener: socket.socket | None = None
        self._connections: list[socket.socket] = []
        self._records: list[tuple[bytes, object]] = []
        self._sequence = 0
        self._loop = asyncio.get_running_loop()

    @classmethod
    async def serve(cls, simulator: MasterBusSimulator, path: str) -> UsbLinkPeer:
        """Listen on ``path`` and hear the simulator's bus (its link faults apply)."""
        peer = cls(simulator, path, simulator.link_faults)
        peer._listen()
        simulator.tap(peer)
        return peer

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        listener.bind(self.path)
        listener.listen()
        listener.setblocking(False)
        self._loop.add_reader(listener.fileno(), self._accept)
        self._listener = listener

    def _accept(self) -> None:
        assert self._listener is not None
        with contextlib.suppress(BlockingIOError):
            connection, _ = self._listener.accept()
            connection.setblocking(False)
            self._connections.append(connection)
            self._loop.add_reader(connection.fileno(), self._readable, connection)

    def _readable(self, connection: socket.socket) -> None:
        try:
            written = connection.recv(4096)
        except BlockingIOError:
            return
        except OSError:
            written = b""
        if not written:
            self._drop(connection)
            return
        try:
            if written[0] != REPORT_NUMBER:
                raise FrameError(f"report number {written[0]}")
            frames = decode_report(written[1:])
        except FrameError:
            self.reports_rejected += 1
            return
        for frame in frames:
            message = can.Message(arbitration_id=frame.can_id, data=frame.data, is_extended_id=True)
            self._simulator.submit(message, connection)

    def _drop(self, connection: socket.socket) -> None:
        with contextlib.suppress(ValueError, OSError):
            self._loop.remove_reader(connection.fileno())
        connection.close()
        if connection in self._connections:
            self._connections.remove(connection)

    # --- the bus to the masters ------------------------------------------------------

    def write(self, message: can.Message, source: object) -> None:
        if message.is_error_frame or not message.is_extended_id or not self._connections:
            return
        record = encode_record(Frame(message.arbitration_id, bytes(message.data)))
        self._faults.send(message, record, lambda sent: self._gather(sent, source))

    def _gather(self, record: bytes, source: object) -> None:
        # Frames that arrive in one turn of the loop share reports, as on the interface.
        if not self._records:
            self._loop.call_soon(self._flush)
        self._records.append((record, source))

    def _flush(self) -> None:
        records, self._records = self._records, []
        for connection in list(self._connections):
            mine = [record for record, source in records if source is not connection]
            for start in range(0, len(mine), MAX_RECORDS):
                self._send(connection, self._report(mine[start : start + MAX_RECORDS]))

    def _report(self, records: list[bytes]) -> bytes:
        report = bytearray(REPORT_SIZE)
        report[0] = len(records)
        report[_TAIL_AT:_SEQUENCE_AT] = _TAIL
        for slot, record in enumerate(records):
            self._sequence = (self._sequence + 1) % 0x10000
            stamped = bytearray(record)
            stamped[1] |= _EXTENDED_FLAG
            stamped[RECORD_SIZE - 1] = self._sequence >> 8
            report[1 + slot * RECORD_SIZE : 1 + (slot + 1) * RECORD_SIZE] = stamped
            report[_SEQUENCE_AT + slot] = self._sequence & 0xFF
        return bytes(report)

    def _send(self, connection: socket.socket, report: bytes) -> None:
        try:
            connection.send(report)
        except BlockingIOError:
            pass  # the master does not read: the report is lost, as on a full USB queue
        except OSError:
            self._drop(connection)

    # --- the cable -------------------------------------------------------------------------

    def unplug(self) -> None:
        """Pulled out: every open node fails, and the node is gone."""
        for connection in list(self._connections):
            self._drop(connection)
        if self._listener is not None:
            with contextlib.suppress(ValueError, OSError):
                self._loop.remove_reader(self._listener.fileno())
            self._listener.close()
            self._listener = None
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)

    def replug(self) -> None:
        """Back in: the node is there again."""
        if self._listener is None:
            self._listen()

    async def close(self) -> None:
        self.unplug()
