"""The one error hierarchy of the PowMr library.

Callers that only care whether a poll worked catch `PowmrError`. The
subclasses tell a coordinator what to do next: retry later (connection,
timeout), fall back to a smaller read (exception response, timeout), or
report a bug in the caller's input (invalid setting value).
"""

from __future__ import annotations


class PowmrError(Exception):
    """Base class of every error raised by this package."""


class PowmrConnectionError(PowmrError):
    """The transport could not be opened or was lost."""


class PowmrPortInUseError(PowmrConnectionError):
    """The local UDP port that answers come back to is taken by another program."""


class PowmrTimeoutError(PowmrConnectionError):
    """The unit did not answer in time (Family A units stay silent on reads they refuse)."""


class PowmrFrameError(PowmrError):
    """A frame was malformed: bad CRC, wrong length or unexpected bytes."""


class PowmrExceptionResponse(PowmrError):
    """The unit answered with a Modbus exception (for example 02, illegal address)."""

    def __init__(self, function_code: int, exception_code: int) -> None:
        super().__init__(f"function {function_code:#04x} refused with exception {exception_code}")
        self.function_code = function_code
        self.exception_code = exception_code


class PowmrInvalidDataError(PowmrError):
    """Data could not be decoded: words out of range, or a dongle payload without valid data."""


class PowmrSettingError(PowmrError):
    """A write was rejected before sending: unknown key, or a value out of range."""


class PowmrWriteNotConfirmedError(PowmrError):
    """The unit accepted a write but the value read back differs from the one written."""

    def __init__(self, key: str, written: object, confirmed: object) -> None:
        super().__init__(f"{key}: wrote {written!r}, read back {confirmed!r}")
        self.key = key
        self.written = written
        self.confirmed = confirmed
