"""What each family contributes to `make demo`: peers to start and config flows to run.

The demo drives the config flows through Home Assistant's REST API, exactly as
the browser would, so a part describes a flow as the list of user inputs for
its form steps. Progress steps (waiting for an advertisement, bus discovery)
are polled until they finish.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
import os
from pathlib import Path
import time
from typing import Any

from simulators.day import SimulatedDay

FlowInputs = list[dict[str, Any]]

HOST = "127.0.0.1"
HA_PORT = int(os.environ.get("OFFGRID_DEMO_PORT", "8123"))
# A simulated day lasts this many real seconds, so sunrise, a full battery and
# the evening deficit all show within minutes.
DAY_SECONDS = float(os.environ.get("OFFGRID_DEMO_DAY_SECONDS", "720"))


def demo_day() -> SimulatedDay:
    """The demo's compressed day; every family's simulators agree on its hour."""
    return SimulatedDay.on_wall_clock(DAY_SECONDS, time.time())


def peer_port(offset: int) -> int:
    """A fixed port per simulated peer, so entries made by an earlier run still reach it.

    Offsets from the HA port keep a second demo (the end-to-end test runs one
    on a free port) from colliding with the first.
    """
    return HA_PORT + offset


@dataclass(frozen=True, slots=True)
class DemoPart:
    """One family's share of the demo."""

    title: str
    # Starts the simulated peers; the stack stops them when the demo ends.
    start: Callable[[AsyncExitStack], Awaitable[None]]
    # Called after start: the inputs of each config flow, starting with the
    # menu choice, e.g. [{"next_step_id": "powmr"}, {...transport...}, ...].
    flows: Callable[[], list[FlowInputs]]
    # Extra configuration.yaml text, e.g. for a demo-only helper component.
    configuration_yaml: str = ""
    # Demo-only custom components to link into the configuration: name -> folder.
    custom_components: dict[str, Path] = field(default_factory=dict)
