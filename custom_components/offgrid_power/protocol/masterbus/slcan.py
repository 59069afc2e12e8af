"""python-can's SLCAN bus, made to survive a bad line from the adapter.

SLCAN has no checksum: a line damaged on the serial or TCP link (a flipped
bit, a lost byte, line noise while a USB adapter resets) reaches python-can
as text. python-can parses it with `int()` and `bytes.fromhex()` and lets the
`ValueError` escape, and a byte that is not ASCII fails its `decode()` and
stays in its buffer, so every later read fails the same way. Either ends the
session's reading as if the adapter were gone. Here a bad line is counted and
dropped; the request it answered is retried like a lost frame.
"""

from __future__ import annotations

import logging
from typing import Any

import can
from can.interfaces.slcan import slcanBus

_LOGGER = logging.getLogger(__name__)


class TolerantSlcanBus(slcanBus):
    """An SLCAN bus that drops a malformed line instead of failing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.lines_rejected = 0
        super().__init__(*args, **kwargs)

    def _recv_internal(self, timeout: float | None) -> tuple[can.Message | None, bool]:
        try:
            return super()._recv_internal(timeout)
        except (ValueError, IndexError) as err:  # a frame line with bad digits or too short
            self._reject(err)
        except can.CanOperationError as err:
            if not isinstance(err.__cause__, UnicodeDecodeError):
                raise  # the link itself failed
            # python-can keeps the undecodable bytes; they would fail every read.
            self._buffer.clear()
            self._reject(err.__cause__)
        return None, False

    def _reject(self, err: Exception) -> None:
        self.lines_rejected += 1
        _LOGGER.debug("Dropping a malformed SLCAN line: %s", err)
