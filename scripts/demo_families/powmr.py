"""A PowMr Family A inverter behind an ESP32 RTU-over-TCP bridge, as most users wire one."""

from __future__ import annotations

from contextlib import AsyncExitStack

from scripts.demo_parts import HOST, DemoPart, FlowInputs, demo_day, peer_port
from simulators.powmr.simulator import PowmrSimulator, SimulatorConfig

RTU_TCP_PORT = peer_port(1001)


async def start(stack: AsyncExitStack) -> None:
    """Serve the inverter on a fixed port, its PV following the demo's compressed day."""
    day = demo_day()
    config = SimulatorConfig(
        rtu_tcp_port=RTU_TCP_PORT, start_hour=day.start_hour, time_scale=day.time_scale
    )
    await stack.enter_async_context(PowmrSimulator(config))


def flows() -> list[FlowInputs]:
    """Add it as a user would: transport, then address; the family is detected by probing."""
    return [
        [
            {"next_step_id": "powmr"},
            {"transport": "rtu_over_tcp"},
            {"host": HOST, "port": RTU_TCP_PORT, "protocol": "auto"},
        ]
    ]


PART = DemoPart(title="PowMr inverter", start=start, flows=flows)
