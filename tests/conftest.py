"""Fixtures for the whole suite.

pytest-homeassistant-custom-component disables sockets for every test. Our
tests talk to real peers (simulators, HTTP servers, buses) on loopback, so
sockets are enabled again, but only towards loopback addresses.
"""

from __future__ import annotations

import pytest
import pytest_socket


@pytest.fixture(autouse=True)
def loopback_sockets_only(socket_enabled: None) -> None:
    """Allow sockets, and connections to loopback addresses only."""
    pytest_socket.socket_allow_hosts(["127.0.0.1", "::1", "localhost"], allow_unix_socket=True)
