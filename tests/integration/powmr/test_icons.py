"""Every PowMr entity without a device class (whose icon would come from it) has an icon."""

from __future__ import annotations

import json
from pathlib import Path

from homeassistant.components.sensor import SensorDeviceClass

from custom_components.offgrid_power.powmr.descriptions import (
    BINARY_SENSORS,
    SENSORS,
    control_descriptions,
)
from custom_components.offgrid_power.protocol.powmr import FAMILY_A, SMG_II

ICONS = json.loads(
    (Path(__file__).parents[3] / "custom_components/offgrid_power/icons.json").read_text()
)["entity"]


def test_entities_without_a_device_class_have_icons() -> None:
    needed: dict[str, set[str]] = {
        # An enum sensor has no icon of its own either.
        "sensor": {d.key for d in SENSORS if d.device_class in (None, SensorDeviceClass.ENUM)},
        "binary_sensor": {d.key for d in BINARY_SENSORS if d.device_class is None},
        "select": set(),
        "switch": set(),
        "number": set(),
    }
    for register_map in (FAMILY_A, SMG_II):
        controls = control_descriptions(register_map, 24.0)
        needed["select"] |= {d.key for d in controls.selects}
        needed["switch"] |= {d.key for d in controls.switches}
        needed["number"] |= {d.key for d in controls.numbers if d.device_class is None}
    for platform, keys in needed.items():
        assert keys <= set(ICONS.get(platform, {})), (platform, keys - set(ICONS[platform]))


def test_state_icons_name_real_states() -> None:
    for description in SENSORS:
        states = ICONS["sensor"].get(description.key, {}).get("state", {})
        assert set(states) <= set(description.options or ()), description.key
