"""Diagnostics carry each device's last raw frames, without identifying the installation."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.offgrid_power.protocol.masterbus.codec import Frame
from custom_components.offgrid_power.protocol.masterbus.recent import RecentFrames
from simulators.masterbus import MasterBusSimulator

from .conftest import SHUNT_SERIAL, bridge_data, make_entry, setup_entry, unload


async def test_each_device_reports_its_last_frames(
    hass: HomeAssistant, simulator: MasterBusSimulator, hass_client: ClientSessionGenerator
) -> None:
    entry = make_entry(hass, bridge_data(simulator))
    await setup_entry(hass, entry)

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    shunt = next(d for d in diagnostics["runtime"]["devices"] if d["name"] == "MSH Battery")
    frames = shunt["last_frames"]
    assert any(line.startswith("rx ") for line in frames)
    assert any(line.startswith("tx ") for line in frames)
    text = str(diagnostics)
    assert SHUNT_SERIAL not in text
    assert SHUNT_SERIAL.encode().hex().upper()[:8] not in text
    assert diagnostics["runtime"]["malformed_frames"] == []
    await unload(hass, entry)


def test_history_is_bounded_per_device_and_in_devices() -> None:
    recent = RecentFrames(per_device=3, devices=2)
    for address in range(5):
        for n in range(10):
            recent.record(address, Frame(0x08000000 | address, bytes([n])))
    assert recent.of(0) == []
    assert recent.of(4) == ["rx 080*****#07", "rx 080*****#08", "rx 080*****#09"]
    recent.record(3, Frame(0x06012345, b"KL21S041"))
    assert recent.of(3)[-1] == "rx 060*****#<8 bytes>"
