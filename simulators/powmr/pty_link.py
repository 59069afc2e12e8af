"""Two pseudo-terminals joined back to back, like a null-modem cable.

The simulated unit opens one end by path, the client under test opens the
other; the event loop copies bytes between the two masters. The client's end
is reached through a stable link, like ``/dev/serial/by-id/...``, so a USB
adapter can be unplugged (its tty goes away under an open port) and plugged in
again (a new tty behind the same path).
"""

from __future__ import annotations

import asyncio
from contextlib import suppress
import os
import tempfile
import tty


class PtyLink:
    def __init__(self) -> None:
        self._unit_master, self._unit_slave = self._open_pty()
        self._client_master, self._client_slave = self._open_pty()
        self.unit_path = os.ttyname(self._unit_slave)
        self._directory = tempfile.TemporaryDirectory(prefix="powmr-serial-")
        self.client_path = os.path.join(self._directory.name, "usb-PowMr-if00")
        os.symlink(os.ttyname(self._client_slave), self.client_path)
        self._loop: asyncio.AbstractEventLoop | None = None

    @staticmethod
    def _open_pty() -> tuple[int, int]:
        master, slave = os.openpty()
        tty.setraw(slave)
        os.set_blocking(master, False)
        return master, slave

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(self._unit_master, self._pump, self._unit_master, self._client_master)
        self._loop.add_reader(
            self._client_master, self._pump, self._client_master, self._unit_master
        )

    def unplug(self) -> None:
        """The adapter is pulled: its tty hangs up under the open port, the path goes."""
        assert self._loop is not None
        self._loop.remove_reader(self._client_master)
        for fd in (self._client_master, self._client_slave):
            with suppress(OSError):
                os.close(fd)
        self._client_master = self._client_slave = -1  # closed: never close a reused number
        os.unlink(self.client_path)

    def replug(self) -> None:
        """The adapter is back: a new tty behind the same path."""
        assert self._loop is not None
        self._client_master, self._client_slave = self._open_pty()
        os.symlink(os.ttyname(self._client_slave), self.client_path)
        self._loop.add_reader(
            self._client_master, self._pump, self._client_master, self._unit_master
        )

    def _pump(self, source: int, target: int) -> None:
        try:
            data = os.read(source, 4096)
        except OSError:
            return
        # A full buffer on the far side loses bytes, as a real line would.
        with suppress(OSError):
            os.write(target, data)

    def close(self) -> None:
        if self._loop is not None:
            self._loop.remove_reader(self._unit_master)
            if self._client_master >= 0:
                self._loop.remove_reader(self._client_master)
            self._loop = None
        for fd in (self._unit_master, self._unit_slave, self._client_master, self._client_slave):
            if fd >= 0:
                with suppress(OSError):
                    os.close(fd)
        self._directory.cleanup()
