"""Passive learning: build identity and field descriptions from replies that
other masters (a MasterView, MasterAdjust) provoke, without sending anything.

A display re-reads name, unit and visualisation every time it shows a value,
so a listen-only session learns the fields that are actually displayed. Those
repeats teach nothing new, so descriptions are built once and rebuilt only
for what changed: a field whose attribute changed, or every field when one
of the device's strings was completed or changed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field as dataclass_field

from .codec import (
    Attribute,
    Channel,
    FirmwareReply,
    IdentityString,
    Message,
    MetadataReply,
    StringChunkReply,
    StringIdReply,
)
from .models import DeviceIdentity, DeviceSchema, FieldInfo, Visualisation


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
    # Built descriptions, dropped when what they were built from changes.
    fields: dict[int, FieldInfo | None] = dataclass_field(default_factory=dict)
    schema: DeviceSchema | None = None


class PassiveLearner:
    """Accumulates what replies reveal; ask for `identity()` and `schema()`."""

    def __init__(self) -> None:
        self._devices: defaultdict[int, _Observed] = defaultdict(_Observed)

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
        """The identity once article, serial and name strings were all seen."""
        seen = self._devices[address]
        texts = {}
        for kind in (IdentityString.ARTICLE, IdentityString.SERIAL, IdentityString.NAME):
            sid = seen.identity_sids.get(kind)
            text = None if sid is None else self.string(address, sid)
            if text is None:
                return None
            texts[kind] = text
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

    def schema(self, address: int) -> DeviceSchema:
        """Fields whose name string is known (no groups: those are never re-read)."""
        seen = self._devices[address]
        if seen.schema is None:
            for field_id, attributes in seen.attributes.items():
                if field_id not in seen.fields:
                    seen.fields[field_id] = self._field(address, field_id, attributes)
            described = (seen.fields[field_id] for field_id in sorted(seen.fields))
            seen.schema = DeviceSchema((), tuple(info for info in described if info is not None))
        return seen.schema

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


def format_firmware(major: int, minor: int) -> str:
    """Firmware as the tools print it, e.g. ``5.22``."""
    return f"{major}.{minor:02d}"
