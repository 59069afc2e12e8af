"""What the two MQTT-publishing PowMr bridges send for one poll of a simulated unit.

- The early ESP32 dongle firmware (before "no mqtt anymore"): one topic per
  field of the README's JSON layout, ``<prefix>/<group>.<field>``, the value
  printed as Arduino's ``String(float)`` does (two decimals).
- leodesigner's ESP8266 sketch: the two raw reads as hex text under
  ``log/modbus45`` and ``log/modbus16``, then decoded values under ``s/``.

The messages come from the same `FamilyAModel` the Modbus servers and the
HTTP dongle use, so every transport describes the same unit.
"""

from __future__ import annotations

from .dongle_http import DongleSchema, status_document
from .family_a import FamilyAModel

type Message = tuple[str, str]

# Fields of the README layout the firmware kept to itself: validity was never
# published (a message is sent only after a good read), nor the interval.
_UNPUBLISHED = frozenset({"valid_info", "read_interval_ms"})


def dongle_messages(model: FamilyAModel, prefix: str = "/powmr") -> list[Message]:
    """One poll of the early dongle firmware."""
    document = status_document(model, DongleSchema.README)
    return [
        (f"{prefix}/{group}.{field}", f"{value:.2f}")
        for group, fields in document.items()
        for field, value in fields.items()
        if field not in _UNPUBLISHED
    ]


def _dump(words: list[int]) -> str:
    return "".join(f"{word:04x}" for word in words)


def sketch_messages(model: FamilyAModel, prefix: str = "/iot/node/powmr") -> list[Message]:
    """One poll of the ESP8266 sketch: raw dumps, then the values it decodes itself."""
    logical = model.registers()
    wire = model.read(4501, 45)
    decoded = [
        ("ac_voltage", logical[4502] / 10),
        ("ac_freq", logical[4503] / 10),
        ("pv_voltage", logical[4504] / 10),
        ("pv_power", logical[4505]),
        ("batt_voltage", logical[4506] / 10),
        ("batt_charge_current", logical[4508]),
        ("batt_discharge_current", logical[4509]),
        ("output_power", logical[4512]),
        ("output_load", logical[4513] / 20),
    ]
    return [
        (f"{prefix}/log/modbus45", _dump(wire)),
        (f"{prefix}/s/mode", f"{logical[4501]:04x}"),
        *((f"{prefix}/s/{name}", f"{value:3.1f}") for name, value in decoded),
        (f"{prefix}/log/modbus16", _dump(model.read(4546, 16))),
    ]
