"""A MasterBus with a MasterShunt, a Mass Combi Ultra and a Solar ChargeMaster,
reached through an SLCAN-over-TCP adapter (an ESP32 or CANable behind ser2net)."""

from __future__ import annotations

from contextlib import AsyncExitStack

from scripts.demo_parts import HOST, DemoPart, FlowInputs, demo_day, peer_port
from simulators.masterbus import MasterBusSimulator, default_devices

SLCAN_PORT = peer_port(1101)


async def start(stack: AsyncExitStack) -> None:
    """Serve the three devices on a fixed port, paced like a real 250 kbit/s bus,
    their battery, solar and loads following the demo's compressed day."""
    devices = default_devices(demo_day())
    await stack.enter_async_context(MasterBusSimulator(devices, slcan_port=SLCAN_PORT, pacing=True))


def flows() -> list[FlowInputs]:
    """Add the bus as a user would: interface, where it is, then keep the default fields."""
    return [
        [
            {"next_step_id": "masterbus"},
            {"interface": "slcan"},
            {"channel": f"socket://{HOST}:{SLCAN_PORT}", "bitrate": 250_000},
            {},
        ]
    ]


PART = DemoPart(title="MasterBus network", start=start, flows=flows)
