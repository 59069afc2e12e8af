"""Waiting for the bus: a condition that a session event will make true."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from custom_components.offgrid_power.protocol.masterbus.session import MasterBusSession


async def until(
    session: MasterBusSession, condition: Callable[[], bool], limit: float = 60.0
) -> None:
    """Wait for a condition that a session event will make true.

    The limit is only reached when the event never comes; it is generous so
    a busy machine (`make test-stress`) does not fail a slow but sound run.
    """
    changed = asyncio.Event()
    unsubscribe = session.add_listener(lambda _: changed.set())
    try:
        async with asyncio.timeout(limit):
            while not condition():
                await changed.wait()
                changed.clear()
    finally:
        unsubscribe()
