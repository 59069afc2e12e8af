"""Hand every frame of a python-can bus to the event loop, and a failure once.

python-can's `Notifier` reads a bus that has a file descriptor (socketcan,
slcan) from the event loop, but a read error there escapes into the loop's
exception handler and the descriptor stays registered: a closed SLCAN socket
or an unplugged adapter stays "readable" and fails again on every loop turn,
without any listener hearing about it. This reader stops at the first error
and reports it once, so the owner can reconnect.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
import threading

import can

# Frames taken per wake-up (of the descriptor, or of the loop by the reader
# thread): drains adapter-side buffers without letting a flood starve the loop.
MAX_FRAMES_PER_WAKE = 64


class BusReader:
    """Reads one bus: on the loop when it has a descriptor, else in a thread."""

    def __init__(
        self,
        bus: can.BusABC,
        on_message: Callable[[can.Message], None],
        on_error: Callable[[Exception], None],
        loop: asyncio.AbstractEventLoop,
        thread_timeout: float = 0.05,
    ) -> None:
        self._bus = bus
        self._on_message = on_message
        self._on_error = on_error
        self._loop = loop
        self._thread_timeout = thread_timeout
        self._fd: int | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False

    def start(self) -> None:
        """Start delivering frames."""
        try:
            fd = self._bus.fileno()
        except (NotImplementedError, OSError, ValueError):
            fd = -1
        if fd >= 0:
            self._fd = fd
            self._loop.add_reader(fd, self._readable)
            return
        self._thread = threading.Thread(
            target=self._read_in_thread, name=f"masterbus-rx {self._bus.channel_info}", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        """Stop delivering; waits up to `timeout` for the reader thread."""
        self._stopped = True
        self._forget_descriptor()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _forget_descriptor(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            with contextlib.suppress(ValueError, OSError):  # already closed with the bus
                self._loop.remove_reader(fd)

    def _readable(self) -> None:
        for _ in range(MAX_FRAMES_PER_WAKE):
            if self._stopped:
                return
            try:
                message = self._bus.recv(0)
            except Exception as err:  # any interface failure ends reading
                self._fail(err)
                return
            if message is None:
                return
            self._on_message(message)

    def _read_in_thread(self) -> None:
        # Frames waiting together cross to the loop together: one wake-up per
        # batch instead of one per frame when the bus is busy.
        while not self._stopped:
            batch: list[can.Message] = []
            failure: Exception | None = None
            try:
                while len(batch) < MAX_FRAMES_PER_WAKE:
                    message = self._bus.recv(0 if batch else self._thread_timeout)
                    if message is None:
                        break
                    batch.append(message)
            except Exception as err:  # any interface failure ends reading
                failure = err
            if batch and not self._hand_over(self._deliver, batch):
                return
            if failure is not None:
                self._hand_over(self._fail, failure)
                return

    def _hand_over[T](self, handler: Callable[[T], None], item: T) -> bool:
        """Run `handler` on the loop; False once the loop is gone."""
        try:
            self._loop.call_soon_threadsafe(handler, item)
        except RuntimeError:
            return False
        return True

    def _deliver(self, batch: list[can.Message]) -> None:
        for message in batch:
            if self._stopped:
                return
            self._on_message(message)

    def _fail(self, err: Exception) -> None:
        if self._stopped:
            return
        self._stopped = True
        self._forget_descriptor()
        self._on_error(err)
