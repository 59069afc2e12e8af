"""Fixtures for the whole suite.

pytest-homeassistant-custom-component disables sockets for every test. Our
tests talk to real peers (simulators, HTTP servers, buses) on loopback, so
sockets are enabled again, but only towards loopback addresses.

Home Assistant logs a custom integration's use of a deprecated API ("Detected
that custom integration 'offgrid_power' ... This will stop working in ...")
and carries on; users see it in their log. Every such report fails the test
that caused it, on every Home Assistant release the suite runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
import logging
import platform

import pytest
import pytest_socket

DOMAIN = "offgrid_power"
# Where Home Assistant reports deprecated use: frame.report_usage, and the
# deprecated-constant helper of older releases.
REPORTING_LOGGERS = ("homeassistant.helpers.frame", "homeassistant.helpers.deprecation")
# The libraries Home Assistant also installs, whose version is the release's choice.
SHARED_LIBRARIES = ("homeassistant", "pymodbus", "python-can", "aiohttp", "bleak", "cryptography")


def pytest_report_header() -> list[str]:
    """Show the Python and library versions this leg runs, at the start of the run."""

    def installed(name: str) -> str:
        try:
            return f"{name} {version(name)}"
        except PackageNotFoundError:
            return f"{name} (not installed)"

    return [
        f"leg: Python {platform.python_version()}; "
        + ", ".join(installed(name) for name in SHARED_LIBRARIES)
    ]


@pytest.fixture(autouse=True)
def loopback_sockets_only(socket_enabled: None) -> None:
    """Allow sockets, and connections to loopback addresses only."""
    pytest_socket.socket_allow_hosts(["127.0.0.1", "::1", "localhost"], allow_unix_socket=True)


class _UsageReports(logging.Handler):
    """Collects Home Assistant's reports of deprecated use by us (or by code it cannot place)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.reports: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if f"'{DOMAIN}'" in message or message.startswith("Detected code that"):
            self.reports.append(message)


@pytest.fixture(autouse=True)
def no_deprecated_use() -> Iterator[None]:
    """Fail the test when Home Assistant reported deprecated use during it."""
    handler = _UsageReports()
    loggers = [logging.getLogger(name) for name in REPORTING_LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    if handler.reports:
        pytest.fail("Home Assistant reported deprecated use:\n" + "\n".join(handler.reports))
