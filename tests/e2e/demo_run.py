"""`make demo` as the end-to-end tests run it: on a free port, in a folder of its own.

The demo is an ordinary child process whose output goes to a file, so it does
not belong to any test's event loop: one demo can serve every test of a module.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
import os
from pathlib import Path
import re
import signal
import socket
import subprocess
import sys
import time

from homeassistant.const import __version__ as HA_VERSION
import pytest

ROOT = Path(__file__).parent.parent.parent
# A first run onboards Home Assistant, restarts it and adds every simulated
# device; a busy machine needs minutes for that.
READY_TIMEOUT = 300
STOP_TIMEOUT = 90
POLL = 0.5

# The demo runs the Home Assistant of the venv it is started from; it is made
# for the oldest supported release.
demo_release_only = pytest.mark.skipif(
    not HA_VERSION.startswith("2025.4."), reason="the demo runs HA 2025.4, the oldest supported"
)


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class RunningDemo:
    """A `make demo` process that printed "Ready:"."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def output(self) -> str:
        """Everything it printed so far, for failure messages."""
        return self.log.read_text(errors="replace")

    def ready_page(self) -> str:
        """The page the demo says to open (the system dashboard once it made one)."""
        found = re.search(r"Ready: open (\S+) in", self.output())
        assert found is not None, self.output()
        return found.group(1)


@contextmanager
def running_demo(config: Path) -> Iterator[RunningDemo]:
    """Start `make demo` with its configuration in ``config``; stopped with Ctrl-C on exit."""
    port = free_port()
    config.mkdir(parents=True, exist_ok=True)
    log = config / "demo-output.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "scripts.demo"],
            cwd=ROOT,
            env={**os.environ, "OFFGRID_DEMO_PORT": str(port), "OFFGRID_DEMO_CONFIG": str(config)},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    demo = RunningDemo(process, f"http://127.0.0.1:{port}", log)
    try:
        _wait_until_ready(demo)
        yield demo
    finally:
        _stop(process)


def _wait_until_ready(demo: RunningDemo) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while "Ready:" not in demo.output():
        if demo.process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError("the demo never got ready:\n" + demo.output())
        time.sleep(POLL)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Ctrl-C, as a person stops it: the demo then stops the Home Assistant it started."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


async def exited(process: subprocess.Popen[bytes]) -> int:
    """Wait, without blocking the test's event loop, until ``process`` exits; its code."""
    if (code := process.poll()) is not None:
        return code
    # A pidfd becomes readable when the process exits (Linux).
    pidfd = os.pidfd_open(process.pid)
    loop = asyncio.get_running_loop()
    gone = asyncio.Event()
    loop.add_reader(pidfd, gone.set)
    try:
        await gone.wait()
    finally:
        loop.remove_reader(pidfd)
        os.close(pidfd)
    return process.wait()
