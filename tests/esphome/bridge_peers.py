"""Python stand-ins for the ESP32 bridges, doing exactly what the YAML lambdas do.

`EspRtuUdpBridge` is packages/powmr_udp_bridge.yaml: a listen socket on the bridge port,
a separate send socket towards (reply_host, reply_port), CRC-checked datagrams written to a
UART, and UART bytes cut into frames after a line silence, polled every `poll_s`. The UART
is modelled at its baud rate: each byte of a reply becomes readable one character time
after the previous one.

`EspMasterBusBridge` is packages/masterbus_can.yaml: 14-byte records both ways, batches
flushed at `batch_records` records or every `flush_s`, listen-only dropping host records.

Both run in one thread each and are stopped (and joined) by `close()`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
import select
import socket
import threading
import time

from custom_components.offgrid_power.protocol.powmr.frames import crc16

# --------------------------------------------------------------------------- PowMr


class VirtualUart:
    """A UART line at `baud` with `bits_per_char` (start + data + parity + stop)."""

    def __init__(self, baud: int, bits_per_char: int) -> None:
        self.char_time = bits_per_char / baud
        self._lock = threading.Lock()
        self._rx: deque[tuple[float, int]] = deque()  # (time the byte is complete, byte)
        self.written: list[bytes] = []
        self.on_write: Callable[[bytes], None] | None = None

    def write(self, frame: bytes) -> None:
        """ESP32 -> device (uart.write)."""
        self.written.append(frame)
        if self.on_write:
            self.on_write(frame)

    def device_sends(
        self, data: bytes, start_delay: float = 0.0, pause_after: int = -1, pause: float = 0.0
    ) -> None:
        """Device -> ESP32, one character time per byte (optionally with a pause inside)."""
        with self._lock:
            t = max(time.monotonic(), self._rx[-1][0] if self._rx else 0.0) + start_delay
            for index, byte in enumerate(data):
                t += self.char_time
                self._rx.append((t, byte))
                if index == pause_after:
                    t += pause

    def read_available(self) -> bytes:
        """What `available()`/`read_byte()` return right now."""
        now = time.monotonic()
        out = bytearray()
        with self._lock:
            while self._rx and self._rx[0][0] <= now:
                out.append(self._rx.popleft()[1])
        return bytes(out)


class EspRtuUdpBridge:
    """packages/powmr_udp_bridge.yaml, in Python."""

    def __init__(
        self,
        uart: VirtualUart,
        *,
        listen_port: int,
        reply_host: str,
        reply_port: int,
        frame_gap_ms: int,
        poll_s: float,
        bind_host: str = "127.0.0.1",
    ) -> None:
        self.uart = uart
        self.frame_gap_s = frame_gap_ms / 1000
        self.poll_s = poll_s
        self.reply_addr = (reply_host, reply_port)
        self.listen = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.listen.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listen.bind((bind_host, listen_port))
        self.listen.setblocking(False)
        # ESPHome's udp component sends from its own ("broadcast") socket.
        self.sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.frame = bytearray()
        self.last_rx = 0.0
        self.requests = self.responses = self.rejected = 0
        self.sent: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="esp-rtu-udp-bridge")
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self.listen.getsockname()[1])

    def _on_receive(self, data: bytes) -> None:
        n = len(data)
        if 4 <= n <= 256 and crc16(data[:-2]).to_bytes(2, "little") == data[-2:]:
            self.frame.clear()
            self.requests += 1
            self.uart.write(data)
        else:
            self.rejected += 1

    def _interval(self) -> None:
        for byte in self.uart.read_available():
            if len(self.frame) >= 256:
                self.frame.clear()
            self.frame.append(byte)
            self.last_rx = time.monotonic()
        if self.frame and time.monotonic() - self.last_rx >= self.frame_gap_s:
            self.responses += 1
            frame, self.frame = bytes(self.frame), bytearray()
            self.sent.append(frame)
            self.sender.sendto(frame, self.reply_addr)

    def _run(self) -> None:
        next_poll = time.monotonic()
        while not self._stop.is_set():
            timeout = max(0.0, next_poll - time.monotonic())
            readable, _, _ = select.select([self.listen], [], [], timeout)
            if readable:
                try:
                    data = self.listen.recv(508)  # ESPHome's MAX_PACKET_SIZE
                except BlockingIOError:
                    data = b""
                if data:
                    self._on_receive(data)
            if time.monotonic() >= next_poll:
                self._interval()
                next_poll = time.monotonic() + self.poll_s

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.listen.close()
        self.sender.close()


class ModbusRtuDevice:
    """A minimal PowMr-like RTU slave behind a VirtualUart: FC03 and FC06."""

    def __init__(
        self, uart: VirtualUart, unit_id: int, registers: dict[int, int], turnaround_s: float = 0.02
    ) -> None:
        self.uart = uart
        self.unit_id = unit_id
        self.registers = registers
        self.turnaround_s = turnaround_s
        uart.on_write = self._handle

    def _handle(self, frame: bytes) -> None:
        if frame[0] != self.unit_id:
            return
        body = frame[:-2]
        function = body[1]
        if function == 0x03:
            start = int.from_bytes(body[2:4], "big")
            count = int.from_bytes(body[4:6], "big")
            words = [self.registers.get(start + i, 0) for i in range(count)]
            payload = b"".join(word.to_bytes(2, "big") for word in words)
            reply = bytes([self.unit_id, 0x03, len(payload)]) + payload
        elif function == 0x06:
            self.registers[int.from_bytes(body[2:4], "big")] = int.from_bytes(body[4:6], "big")
            reply = body
        else:
            reply = bytes([self.unit_id, function | 0x80, 0x01])
        self.uart.device_sends(reply + crc16(reply).to_bytes(2, "little"), self.turnaround_s)


# --------------------------------------------------------------------------- MasterBus


class EspMasterBusBridge:
    """packages/masterbus_can.yaml, in Python. `bus_sent` collects frames put on the bus."""

    def __init__(
        self,
        *,
        bridge_port: int,
        host_address: str,
        host_port: int,
        batch_records: int,
        flush_s: float,
        listen_only: bool,
    ) -> None:
        self.host_addr = (host_address, host_port)
        self.batch_records = batch_records
        self.flush_s = flush_s
        self.listen_only = listen_only
        self.listen = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.listen.bind(("127.0.0.1", bridge_port))
        self.listen.setblocking(False)
        self.sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.batch = bytearray()
        self.datagrams: list[bytes] = []
        self.bus_sent: list[tuple[int, bool, bytes]] = []
        self.rejected = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="esp-masterbus-bridge")
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self.listen.getsockname()[1])

    def _send_batch(self) -> None:
        data, self.batch = bytes(self.batch), bytearray()
        self.datagrams.append(data)
        self.sender.sendto(data, self.host_addr)

    def on_frame(self, can_id: int, data: bytes, rtr: bool = False) -> None:
        """esp32_can on_frame (can_id 0, mask 0, use_extended_id true)."""
        with self._lock:
            dlc = min(len(data), 8)
            record = bytes([0xB1, 0x80 | (0x40 if rtr else 0) | dlc]) + bytes(
                [(can_id >> 24) & 0x1F, (can_id >> 16) & 0xFF, (can_id >> 8) & 0xFF, can_id & 0xFF]
            )
            self.batch += record + bytes(data[:dlc]).ljust(8, b"\0")
            if len(self.batch) >= 14 * self.batch_records:
                self._send_batch()

    def _on_receive(self, data: bytes) -> None:
        n = len(data)
        ok = n >= 14 and n % 14 == 0 and n <= 14 * 100
        off = 0
        while ok and off < n:
            flags = data[off + 1]
            ok = (
                data[off] == 0xB1
                and bool(flags & 0x80)
                and not flags & 0x10
                and (flags & 0x0F) <= 8
                and (data[off + 2] & 0xE0) == 0
            )
            off += 14
        if ok and self.listen_only:
            ok = False
        if not ok:
            self.rejected += 1
            return
        for off in range(0, n, 14):
            flags = data[off + 1]
            can_id = int.from_bytes(data[off + 2 : off + 6], "big")
            self.bus_sent.append(
                (can_id, bool(flags & 0x40), data[off + 6 : off + 6 + (flags & 0x0F)])
            )

    def _run(self) -> None:
        next_flush = time.monotonic() + self.flush_s
        while not self._stop.is_set():
            readable, _, _ = select.select(
                [self.listen], [], [], max(0.0, next_flush - time.monotonic())
            )
            if readable:
                self._on_receive(self.listen.recv(508))
            if time.monotonic() >= next_flush:
                with self._lock:
                    if self.batch:
                        self._send_batch()
                next_flush = time.monotonic() + self.flush_s

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.listen.close()
        self.sender.close()
