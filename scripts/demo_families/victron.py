"""Five Victron Bluetooth devices heard through a (simulated) ESPHome Bluetooth proxy.

The devices and the proxy live inside Home Assistant (the demo-only
``offgrid_demo_ble`` component), because advertisements reach integrations
through Home Assistant's own Bluetooth manager. Each device is then added as a
user would: pick it from the devices heard, paste its key.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from pathlib import Path

from scripts.demo_parts import DAY_SECONDS, DemoPart, FlowInputs
from simulators.victron import demo_devices

COMPONENT = Path(__file__).resolve().parent.parent / "demo_components" / "offgrid_demo_ble"


async def start(stack: AsyncExitStack) -> None:
    """Nothing runs outside Home Assistant: the proxy starts with it."""


def flows() -> list[FlowInputs]:
    """One flow per device: the Victron menu entry, the device, its key."""
    return [
        [{"next_step_id": "victron"}, {"address": device.address}, {"key": device.key.hex()}]
        for device in demo_devices()
    ]


PART = DemoPart(
    title="Victron devices",
    start=start,
    flows=flows,
    configuration_yaml=(
        "\n# Demo only: a simulated Bluetooth proxy hearing Victron devices.\n"
        f"offgrid_demo_ble:\n  day_seconds: {DAY_SECONDS}\n"
    ),
    custom_components={"offgrid_demo_ble": COMPONENT},
)
