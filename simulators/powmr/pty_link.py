"""Two pseudo-terminals joined back to back, like a null-modem cable.

The simulated unit opens one end by path, the client under test opens the
other; the event loop copies bytes between the two masters.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress
import os
import tty


class PtyLink:
    def __init__(self) -> None:
        self._unit_master, self._unit_slave = os.openpty()
        self._client_master, self._client_slave = os.openpty()
        for fd in (self._unit_slave, self._client_slave):
            tty.setraw(fd)
        for fd in (self._unit_master, self._client_master):
            os.set_blocking(fd, False)
        self.unit_path = os.ttyname(self._unit_slave)
        self.client_path = os.ttyname(self._client_slave)
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(self._unit_master, self._pump, self._unit_master, self._client_master)
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
            self._loop.remove_reader(self._client_master)
            self._loop = None
        for fd in (self._unit_master, self._unit_slave, self._client_master, self._client_slave):
            with suppress(OSError):
                os.close(fd)
