"""Which fields a master polls and writes, and how a write is committed."""

from __future__ import annotations

from collections.abc import Iterable

from .models import DeviceIdentity, DeviceSchema, FieldInfo, Visualisation
from .products import default_fields, offered, settings, shunt_energy_fields, solar_energy_field


def controls_allowed(info: FieldInfo) -> bool:
    """A field becomes a control only when the device marks it writable."""
    return info.writable and info.visualisation in {
        Visualisation.FLOAT,
        Visualisation.DROPDOWN,
        Visualisation.CHECKBOX,
    }


def needs_commit(schema: DeviceSchema, info: FieldInfo) -> bool:
    """Relay-type switches and choices take the commit token at field + 1.

    The token is sent only where field + 1 is not a named field of the
    schema (a named neighbour is a field of its own, never a commit slot).
    """
    if info.visualisation not in {Visualisation.CHECKBOX, Visualisation.DROPDOWN}:
        return False
    neighbour = schema.field(info.field + 1)
    return neighbour is None or not neighbour.name


def poll_fields(
    identity: DeviceIdentity, schema: DeviceSchema, selected: Iterable[int] | None, writes: bool
) -> list[int]:
    """Every field a poll reads: the selection, energy inputs, controls and settings.

    Settings are read on every poll too: they are few, and one changed on the
    device's own panel shows without a restart.
    """
    fields = list(default_fields(identity, schema) if selected is None else selected)
    extra: list[int] = []
    if (shunt := shunt_energy_fields(identity, schema)) is not None:
        extra += shunt
    if (solar := solar_energy_field(identity, schema)) is not None:
        extra.append(solar)
    if writes:
        extra += [info.field for info in offered(schema) if controls_allowed(info)]
    extra += [info.field for info in settings(schema)]
    known = {info.field for info in schema.fields}
    return [f for f in dict.fromkeys([*fields, *extra]) if f in known]
