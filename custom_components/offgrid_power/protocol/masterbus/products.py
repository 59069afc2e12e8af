"""Which Mastervolt product a device is, and which of its fields matter by default.

Field numbers differ per model and firmware, so nothing here names one: the
choice goes by the family prefix of the device name, the unit and the
visualisation a device gives each field.
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import DeviceIdentity, DeviceSchema, FieldInfo, Visualisation

PRODUCTS = {
    "77020100": "MasterShunt",
    "77020110": "MasterShunt",
    "77020115": "MasterShunt 500",
    "35013000": "CombiMaster",
    "38013000": "Mass Combi Ultra",
    "44010250": "ChargeMaster",
    "40021006": "Mass Charger",
    "131906000": "Solar ChargeMaster",
    "45513000": "Alpha Pro MB",
    "81205100": "Mac Plus",
    "81205105": "Mac Plus",
    "81205300": "Mac Plus",
    "66016000": "MLI Ultra",
    "77030500": "DC relay interface",
    "77031500": "AC switch interface",
    "77030900": "Digital input interface",
    "77020200": "DC distribution",
    "77020400": "Digital switch",
    "77010310": "MasterView",
    "88000355": "Isolation transformer",
}
FAMILIES = {
    "MSH": "MasterShunt",
    "MCU": "Mass Combi Ultra",
    "CMR": "CombiMaster",
    "SCM": "Solar ChargeMaster",
    "CHG": "ChargeMaster",
    "MAC": "Mac Plus",
    "APR": "Alpha Pro",
    "BAT": "MLI battery",
}

# Visualisations that carry a reading or a setting; text, device lists and
# commands do not.
SHOWN = frozenset(
    {
        Visualisation.FLOAT,
        Visualisation.GRAY_FLOAT,
        Visualisation.DROPDOWN,
        Visualisation.CHECKBOX,
        Visualisation.DURATION,
        Visualisation.DATE,
    }
)
NUMERIC = frozenset({Visualisation.FLOAT, Visualisation.GRAY_FLOAT})

# Fields polled unless the user picks others, per device family (name prefix).
SHUNT_UNITS = frozenset({"%", "V", "A", "Ah", "°C"})
COMBI_UNITS = frozenset({"V", "A", "W", "Hz", "°C"})
CHARGER_UNITS = frozenset({"V", "A", "W", "kWh", "°C", "Hz", "%"})
COMBI_FAMILIES = frozenset({"MCU", "CMR", "INT"})


def product_name(identity: DeviceIdentity) -> str:
    """The product behind an article number, else behind the name prefix."""
    return PRODUCTS.get(identity.article) or FAMILIES.get(identity.family, "MasterBus device")


def offered(schema: DeviceSchema) -> list[FieldInfo]:
    """Readings: fields that carry a value, in the device's own group order.

    The fields of the settings menus alone are `settings`, not readings.
    """
    return _in_group_order(
        schema, (info for info in schema.fields if not schema.is_setting(info.field))
    )


def settings(schema: DeviceSchema) -> list[FieldInfo]:
    """Fields of the settings menus (Configuration, Service) that carry a value or a text."""
    fields = (info for info in schema.fields if schema.is_setting(info.field))
    return _in_group_order(schema, fields, SHOWN | {Visualisation.TEXT})


def _in_group_order(
    schema: DeviceSchema, fields: Iterable[FieldInfo], kinds: frozenset[Visualisation] = SHOWN
) -> list[FieldInfo]:
    order = {f: i for i, f in enumerate(f for g in schema.groups for f in g.fields)}
    return sorted(
        (info for info in fields if info.visualisation in kinds and info.name),
        key=lambda info: order.get(info.field, len(order) + info.field),
    )


def default_fields(identity: DeviceIdentity, schema: DeviceSchema) -> list[int]:
    """The fields polled when the user keeps the defaults.

    Per family, mostly by unit and visualisation: a shunt's state of charge,
    voltage, current, amp-hours, temperature and time remaining; a combi's
    states and its AC and DC readings; a charger's or Solar ChargeMaster's
    states, output and yield. Settings (writable numbers such as a fuse
    size) are not measurements and are left out.
    """
    chosen = []
    for info in offered(schema):
        if info.writable and info.visualisation in NUMERIC:
            continue
        family = identity.family
        if family == "MSH":
            keep = (info.unit in SHUNT_UNITS and not info.name.startswith("MB")) or (
                info.visualisation == Visualisation.DURATION and "remain" in info.name.lower()
            )
        elif family in COMBI_FAMILIES:
            keep = info.visualisation == Visualisation.DROPDOWN or info.unit in COMBI_UNITS
        else:
            keep = info.visualisation in {
                Visualisation.DROPDOWN,
                Visualisation.CHECKBOX,
            } or (info.unit in CHARGER_UNITS)
        if keep:
            chosen.append(info.field)
    return chosen


def shunt_energy_fields(identity: DeviceIdentity, schema: DeviceSchema) -> tuple[int, int] | None:
    """The battery voltage and current of a shunt, found by unit."""
    if identity.family != "MSH":
        return None
    volts = [f for f in offered(schema) if f.unit == "V" and not f.name.startswith("MB")]
    amps = [f for f in offered(schema) if f.unit == "A"]
    if not volts or not amps:
        return None
    return volts[0].field, amps[0].field


def solar_energy_field(identity: DeviceIdentity, schema: DeviceSchema) -> int | None:
    """A Solar ChargeMaster's lifetime yield (kWh)."""
    if identity.family != "SCM":
        return None
    return next((f.field for f in offered(schema) if f.unit == "kWh"), None)
