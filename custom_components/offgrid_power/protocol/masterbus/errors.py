"""The one error hierarchy of the MasterBus library.

Every error the library raises on purpose derives from `MasterBusError`, so a
caller (the Home Assistant coordinator) can catch one type:

- `FrameError`: a CAN id or payload that is not a MasterBus frame (bad id
  width, wrong DLC for its class, unknown bridge record). Decoders raise it
  instead of crashing; the session logs and drops such frames.
- `TransportError`: the CAN interface could not be opened or failed to send.
- `RequestTimeout`: a device did not answer a request, retries included.
- `NotSupportedError`: a device explicitly refused a request (the NAK echo).
- `WriteError`: a write was refused before sending (read-only field, value out
  of range, commit field occupied) or never confirmed by the read-back.
"""

from __future__ import annotations


class MasterBusError(Exception):
    """Base class of every error raised by this library."""


class FrameError(MasterBusError, ValueError):
    """A CAN id, payload or bridge datagram that cannot be a MasterBus frame."""


class TransportError(MasterBusError, ConnectionError):
    """The CAN interface is missing, closed, or failed to transmit."""


class RequestTimeout(MasterBusError, TimeoutError):
    """A device did not answer in time, after all retries."""


class NotSupportedError(MasterBusError):
    """A device answered that it does not support the request."""


class WriteError(MasterBusError):
    """A write was refused before sending or not confirmed by the read-back."""
