"""Fields of the devices we know are translated; anything else keeps the device's words."""

from __future__ import annotations

import json
from pathlib import Path

import custom_components.offgrid_power as integration
from custom_components.offgrid_power.masterbus.descriptions import describe_device
from custom_components.offgrid_power.masterbus.known_fields import (
    FIELDS,
    KNOWN_FAMILIES,
    plain_name,
    state_key,
)
from custom_components.offgrid_power.protocol.masterbus import (
    DeviceIdentity,
    DeviceSchema,
    FieldInfo,
    Group,
    Visualisation,
)

TRANSLATIONS = json.loads(
    (Path(integration.__file__).parent / "translations" / "en.json").read_text()
)["entity"]

SCHEMA = DeviceSchema(
    groups=(Group(0, "Monitoring", (0, 1, 2, 3)),),
    fields=(
        FieldInfo(0, "Battery temp.", "°C", Visualisation.FLOAT, step=0.1),
        FieldInfo(1, "Device state", "", Visualisation.DROPDOWN, options=("Standby", "Low Bat")),
        FieldInfo(2, "Cap. consumed", "Ah", Visualisation.FLOAT, step=0.1),
        FieldInfo(3, "Remaining", "", Visualisation.DURATION),
    ),
)


def _describe(name: str) -> dict[str, tuple[str | None, str | None, list[str] | None]]:
    identity = DeviceIdentity(article="0", serial="S1", name=name, firmware="1.0")
    described = describe_device(
        "S1", identity, SCHEMA, [0, 1, 2, 3], writes=False, scan_interval=10
    )
    return {
        d.key: (
            d.translation_key,
            d.name if isinstance(d.name, str) else None,
            list(d.options) if getattr(d, "options", None) else None,
        )
        for d in described.sensors
        if d.key.split("_")[-1].isdigit()
    }


def test_a_known_device_gets_translated_names_and_state_keys() -> None:
    described = _describe("MSH House")
    assert described["S1_0"] == ("battery_temperature", None, None)
    assert described["S1_1"] == ("mb_device_state", None, ["standby", "low_bat"])
    assert described["S1_2"] == ("consumed_ah", None, None)
    assert described["S1_3"] == ("mb_time_remaining", None, None)


def test_an_unknown_device_keeps_its_own_names_and_labels() -> None:
    described = _describe("XYZ Gadget")
    assert described["S1_0"] == (None, "Battery temp", None)
    assert described["S1_1"] == ("masterbus_state", None, ["Standby", "Low Bat"])
    assert described["S1_3"] == (None, "Remaining", None)


def test_every_known_field_has_a_translated_name() -> None:
    readings = TRANSLATIONS["sensor"] | TRANSLATIONS["binary_sensor"]
    for (name, unit), key in FIELDS.items():
        assert key in readings, (name, unit, key)
        assert "{" not in readings[key]["name"], key
    assert {"MSH", "CMR", "MCU", "SCM"} <= KNOWN_FAMILIES


def test_state_keys_and_plain_names() -> None:
    assert state_key("Low Bat") == "low_bat"
    assert state_key("AC out 1 & 2") == "ac_out_1_2"
    assert state_key("Constant voltage") == "constant_voltage"
    assert plain_name("temp. heat sink") == "Temp heat sink"
    assert plain_name("Cap. consumed") == "Cap consumed"
