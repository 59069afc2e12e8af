"""How MasterBus fields are named: as entities, and as choices in the config flow."""

from __future__ import annotations

from custom_components.offgrid_power.protocol.masterbus import (
    DeviceIdentity,
    DeviceSchema,
    FieldInfo,
    offered,
    settings,
)

from .known_fields import plain_name

# How a repeated field name ("Battery" in V, A and °C) is told apart.
UNIT_WORDS = {
    "V": "voltage",
    "mV": "voltage",
    "A": "current",
    "mA": "current",
    "W": "power",
    "kW": "power",
    "Wh": "energy",
    "kWh": "energy",
    "°C": "temperature",
    "C": "temperature",
    "Hz": "frequency",
    "%": "level",
}


def field_label(identity: DeviceIdentity, info: FieldInfo) -> str:
    """How a field is offered in the config flow."""
    unit = f" ({info.unit})" if info.unit else ""
    return f"{identity.name}: {info.name}{unit}"


def entity_names(schema: DeviceSchema) -> dict[int, str]:
    """Entity names from the device's field names; repeated names get their quantity.

    Only fields without a translation (``known_fields``) show these names.
    """
    fields = [*offered(schema), *settings(schema)]
    counts: dict[str, int] = {}
    for info in fields:
        counts[info.name] = counts.get(info.name, 0) + 1
    names: dict[int, str] = {}
    for info in fields:
        name = plain_name(info.name)
        if counts[info.name] > 1 and info.unit:
            word = UNIT_WORDS.get(info.unit)
            name = f"{name} {word}" if word else f"{name} ({info.unit})"
        names[info.field] = name
    return names
