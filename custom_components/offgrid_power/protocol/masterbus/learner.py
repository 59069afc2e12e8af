"""Passive learning: build identity, groups and field descriptions from
replies that other masters (a MasterView, MasterAdjust) provoke, without
sending anything.

A booting display walks each device (reference §5): identity string ids and
their chunks, the monitoring groups and their field ids, each field's
metadata and the strings it names. Devices answer only part of that: some
reject a request (a NAK echo from the metadata address), some stay silent,
and a display may ask only for the name. So the identity is known once the
name is, with whatever article, serial and firmware were heard ("" when not);
`keyed_identity` is the one that has a serial, the key of caches and
registries.

A display re-reads name, unit and visualisation every time it shows a value;
those repeats teach nothing new, so descriptions are built once and rebuilt
only for what changed: a field whose attribute changed, or every field when
one of the device's strings was completed or changed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field as dataclass_field

from .codec import (
    Attribute,
    Channel,
    FieldCountReply,
    FirmwareReply,
    GroupFieldReply,
    GroupNameReply,
    IdentityString,
    Message,
    MetadataReply,
    PropertyRejected,
    SchemaTab,
    StringChunkReply,
    StringIdReply,
)
from .models import DeviceIdentity, DeviceSchema, FieldInfo, Group, Visualisation


@dataclass(slots=True)
class _Observed:
    """Raw observations about one device."""

    identity_sids: dict[int, int] = dataclass_field(default_factory=dict)
    firmware_parts: dict[int, tuple[int, int]] = dataclass_field(default_factory=dict)
    chunks: defaultdict[int, dict[int, StringChunkReply]] = dataclass_field(
        default_factory=lambda: defaultdict(dict)
    )
    attributes: defaultdict[int, dict[tuple[int, int], float | int | None]] = dataclass_field(
        default_factory=lambda: defaultdict(dict)
    )
    group_sids: dict[int, int] = dataclass_field(default_factory=dict)
    group_sizes: dict[int, int] = dataclass_field(default_factory=dict)
    group_fields: defaultdict[int, dict[int, int]] = dataclass_field(
        default_factory=lambda: defaultdict(dict)
    )
    # Requests the device refused: (first byte, second byte) of each.
    rejected: set[tuple[int, int]] = dataclass_field(default_factory=set)
    # Built descriptions, dropped when what they were built from changes.
    fields: dict[int, FieldInfo | None] = dataclass_field(default_factory=dict)
    schema: DeviceSchema | None = None


class PassiveLearner:
    """Accumulates what replies reveal; ask for `identity()` and `schema()`."""

    def __init__(self) -> None:
        self._devices: defaultdict[int, _Observed] = defaultdict(_Observed)
        self._heard: set[int] = set()  # devices that told something about themselves

    def observe(self, message: Message) -> bool:
        """Record a reply; True when it is about its device (new to us or not)."""
        seen = self._devices[message.address]
        match message:
            case StringIdReply():
                seen.identity_sids[message.kind] = message.string_id
            case FirmwareReply():
                seen.firmware_parts[message.part] = (message.major, message.minor)
            case StringChunkReply():
                chunks = seen.chunks[message.string_id]
                if chunks.get(message.sequence) != message:
                    chunks[message.sequence] = message
                    if self.string(message.address, message.string_id) is not None:
                        seen.fields.clear()  # fields refer to strings by id
                        seen.schema = None
            case GroupNameReply(tab=SchemaTab.MONITORING):
                seen.schema = _changed(seen.group_sids, message.group, message.string_id, seen)
            case FieldCountReply(tab=SchemaTab.MONITORING):
                seen.schema = _changed(seen.group_sizes, message.group, message.count, seen)
            case GroupFieldReply(tab=SchemaTab.MONITORING):
                fields = seen.group_fields[message.group]
                seen.schema = _changed(fields, message.index, message.field, seen)
            case PropertyRejected():
                seen.rejected.add((message.op, message.selector))
            case MetadataReply(channel=Channel.BTM1):
                # Byte 3 of a reply only means something for option labels.
                option = message.option if message.attribute == Attribute.OPTION_LABEL else 0
                known = seen.attributes[message.field]
                key = (message.attribute, option)
                if key not in known or known[key] != message.value:
                    known[key] = message.value
                    seen.fields.pop(message.field, None)
                    seen.schema = None
            case _:
                return False
        self._heard.add(message.address)
        return True

    def string(self, address: int, string_id: int) -> str | None:
        """A string whose chunks were all seen, trimmed; None while incomplete."""
        chunks = self._devices[address].chunks.get(string_id, {})
        text = ""
        for sequence in range(len(chunks)):
            chunk = chunks.get(sequence)
            if chunk is None:
                return None
            text += chunk.text
            if chunk.final:
                return text.strip()
        return None

    def identity(self, address: int) -> DeviceIdentity | None:
        """The identity once the name string was seen; article and serial as far as
        they were heard ("" otherwise: a display may not ask, a device may refuse)."""
        seen = self._devices[address]
        texts = {}
        for kind in (IdentityString.ARTICLE, IdentityString.SERIAL, IdentityString.NAME):
            sid = seen.identity_sids.get(kind)
            texts[kind] = (None if sid is None else self.string(address, sid)) or ""
        if not texts[IdentityString.NAME]:
            return None
        parts = seen.firmware_parts.values()
        firmware = (
            format_firmware(sum(p[0] for p in parts), sum(p[1] for p in parts)) if parts else ""
        )
        return DeviceIdentity(
            article=texts[IdentityString.ARTICLE],
            serial=texts[IdentityString.SERIAL],
            name=texts[IdentityString.NAME],
            firmware=firmware,
        )

    def keyed_identity(self, address: int) -> DeviceIdentity | None:
        """The identity once it has a serial, the key of caches and registries."""
        identity = self.identity(address)
        return identity if identity is not None and identity.serial else None

    def rejected(self, address: int) -> list[tuple[int, int]]:
        """The first two bytes of each request the device refused, sorted."""
        return sorted(self._devices[address].rejected)

    def addresses(self) -> list[int]:
        """Every device something was learned about, sorted."""
        return sorted(self._heard)

    def schema(self, address: int) -> DeviceSchema:
        """Monitoring groups whose size is known, and fields whose name is known."""
        seen = self._devices[address]
        if seen.schema is None:
            for field_id, attributes in seen.attributes.items():
                if field_id not in seen.fields:
                    seen.fields[field_id] = self._field(address, field_id, attributes)
            described = (seen.fields[field_id] for field_id in sorted(seen.fields))
            seen.schema = DeviceSchema(
                self._groups(address, seen), tuple(info for info in described if info is not None)
            )
        return seen.schema

    def _groups(self, address: int, seen: _Observed) -> tuple[Group, ...]:
        # A group whose name was refused still has fields; ids not heard are left out.
        groups = []
        for group, size in sorted(seen.group_sizes.items()):
            sid = seen.group_sids.get(group)
            name = (None if sid is None else self.string(address, sid)) or ""
            members = seen.group_fields.get(group, {})
            fields = tuple(members[index] for index in range(size) if index in members)
            groups.append(Group(group, name, fields))
        return tuple(groups)

    def _field(
        self, address: int, field_id: int, attributes: dict[tuple[int, int], float | int | None]
    ) -> FieldInfo | None:
        def attribute(kind: Attribute) -> float | int | None:
            return attributes.get((kind, 0))

        def text(kind: Attribute, option: int = 0) -> str | None:
            sid = attributes.get((kind, option))
            return None if sid is None else self.string(address, int(sid))

        name = text(Attribute.NAME)
        if name is None:
            return None
        options = [
            text(Attribute.OPTION_LABEL, option)
            for (kind, option) in sorted(attributes)
            if kind == Attribute.OPTION_LABEL
        ]
        step, minimum, maximum = (
            attribute(k) for k in (Attribute.STEP, Attribute.MINIMUM, Attribute.MAXIMUM)
        )
        return FieldInfo(
            field=field_id,
            name=name,
            unit=text(Attribute.UNIT) or "",
            visualisation=Visualisation.from_code(attribute(Attribute.VISUALISATION) or 1),
            step=None if step is None else float(step),
            minimum=None if minimum is None else float(minimum),
            maximum=None if maximum is None else float(maximum),
            options=tuple(label or "" for label in options),
            writable=bool(attribute(Attribute.WRITABLE)),
        )


def _changed(known: dict[int, int], key: int, value: int, seen: _Observed) -> DeviceSchema | None:
    """Store one schema fact; the built schema survives only if nothing changed."""
    if known.get(key) == value:
        return seen.schema
    known[key] = value
    return None


def format_firmware(major: int, minor: int) -> str:
    """Firmware as the tools print it, e.g. ``5.22``."""
    return f"{major}.{minor:02d}"
