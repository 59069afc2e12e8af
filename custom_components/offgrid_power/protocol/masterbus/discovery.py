"""Reading what a device says about itself: identity, menu groups, field metadata.

The session hands in its two ways of asking: ``ask`` for a reply that must
come, ``optional`` for one whose absence is normal (optional metadata,
firmware part 1), and the string catalogue: a device of a catalogued model
and firmware that passes the spot check is asked only for strings the
catalogue lacks. The settings menus after the monitoring menu, and the
access level they may need, are `menus`'.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from .catalogue import StringCatalogue
from .codec import (
    Attribute,
    FieldCountReply,
    FieldCountRequest,
    FirmwareReply,
    FirmwareRequest,
    GroupFieldReply,
    GroupFieldRequest,
    GroupNameReply,
    GroupNameRequest,
    IdentityString,
    Menu,
    MenuCountReply,
    MenuCountRequest,
    Message,
    MetadataReply,
    MetadataRequest,
    StringChunkReply,
    StringChunkRequest,
    StringIdReply,
    StringIdRequest,
)
from .errors import NotSupportedError
from .learner import format_firmware
from .matching import Request
from .menus import MenuWalker
from .models import DeviceIdentity, DeviceSchema, FieldInfo, Group, Visualisation

MAX_STRING_CHUNKS = 16  # 64 characters; names are at most 16
MAX_OPTIONS = 64


class Ask(Protocol):
    """The session's request for a reply of a known type."""

    async def __call__[R](self, request: Request, reply_type: type[R]) -> R:
        """Send the request and return its reply; raise on refusal or time-out."""


type AskOptional = Callable[[Request], Awaitable[Message | None]]


class SchemaReader:
    """Reads identity and schema with the session's requests."""

    def __init__(
        self,
        ask: Ask,
        optional: AskOptional,
        catalogue: StringCatalogue,
        access_code: float | None = None,
    ) -> None:
        self._ask = ask
        self._optional = optional
        self._catalogue = catalogue
        self._menus = MenuWalker(ask, self.group, access_code)

    async def identity(self, address: int) -> DeviceIdentity:
        major = minor = 0
        for part in (0, 1):
            reply = await self._optional(FirmwareRequest(address, part))
            if isinstance(reply, FirmwareReply):
                major, minor = major + reply.major, minor + reply.minor
        texts: dict[int, str] = {}
        for kind in (IdentityString.ARTICLE, IdentityString.SERIAL, IdentityString.NAME):
            reply = await self._ask(StringIdRequest(address, kind), StringIdReply)
            texts[kind] = await self._string(address, reply.string_id, {})
        return DeviceIdentity(
            article=texts[IdentityString.ARTICLE],
            serial=texts[IdentityString.SERIAL],
            name=texts[IdentityString.NAME],
            firmware=format_firmware(major, minor),
        )

    async def string(self, address: int, string_id: int) -> str:
        """One of the device's strings, read now."""
        return await self._string(address, string_id, {})

    async def _string(self, address: int, string_id: int, known: dict[int, str]) -> str:
        if string_id in known:
            return known[string_id]
        text = ""
        for sequence in range(MAX_STRING_CHUNKS):
            request = StringChunkRequest(address, string_id, sequence)
            reply = await self._ask(request, StringChunkReply)
            text += reply.text
            if reply.final:
                break
        known[string_id] = text.strip()  # some article strings carry trailing spaces
        return known[string_id]

    async def known_strings(self, address: int, identity: DeviceIdentity) -> dict[int, str]:
        """The catalogue's strings for the device if it passes the spot check, else none."""
        entry = self._catalogue.entry(identity.article, identity.firmware)
        if entry is None:
            return {}
        # What the device says is kept either way: it is right for this device.
        heard: dict[int, str] = {}
        try:
            for sid in entry.spot_check_ids():
                if await self._string(address, sid, heard) != entry.strings[sid]:
                    return heard
        except NotSupportedError:
            return heard
        return {**entry.strings, **heard}

    async def schema(self, address: int, identity: DeviceIdentity) -> DeviceSchema:
        strings = await self.known_strings(address, identity)
        count = await self._ask(MenuCountRequest(address, Menu.MONITORING), MenuCountReply)
        groups = [await self.group(address, index, strings) for index in range(count.count)]
        settings = await self._menus.walk(address, len(groups), strings)
        groups += settings.groups
        # The same field can sit in several groups: describe it once.
        field_ids = dict.fromkeys(f for g in groups for f in g.fields)
        fields = [await self.field(address, f, strings) for f in field_ids]
        return DeviceSchema(tuple(groups), tuple(fields), settings.locked)

    async def group(
        self, address: int, group: int, strings: dict[int, str], menu: Menu = Menu.MONITORING
    ) -> Group:
        """One group of a menu: its name and its fields in order."""
        name = await self._ask(GroupNameRequest(address, group), GroupNameReply)
        size = await self._ask(FieldCountRequest(address, group), FieldCountReply)
        members = []
        for index in range(size.count):
            member = GroupFieldRequest(address, group, index)
            members.append((await self._ask(member, GroupFieldReply)).field)
        label = await self._string(address, name.string_id, strings)
        return Group(group, label, tuple(members), menu)

    async def field(self, address: int, field: int, strings: dict[int, str]) -> FieldInfo:
        async def attribute(kind: Attribute, option: int | None = None) -> float | int | None:
            reply = await self._optional(MetadataRequest(address, kind, field, option))
            return reply.value if isinstance(reply, MetadataReply) else None

        async def text(kind: Attribute, option: int | None = None) -> str:
            sid = await attribute(kind, option)
            return await self._string(address, int(sid), strings) if sid else ""

        name = await text(Attribute.NAME)
        unit = await text(Attribute.UNIT)
        visualisation = Visualisation.from_code(await attribute(Attribute.VISUALISATION))
        step, minimum, maximum = [
            await attribute(kind) for kind in (Attribute.STEP, Attribute.MINIMUM, Attribute.MAXIMUM)
        ]
        options: tuple[str, ...] = ()
        if visualisation == Visualisation.DROPDOWN and maximum:
            count = min(round(maximum), MAX_OPTIONS)
            options = tuple([await text(Attribute.OPTION_LABEL, option) for option in range(count)])
        return FieldInfo(
            field=field,
            name=name,
            unit=unit,
            visualisation=visualisation,
            step=None if step is None else float(step),
            minimum=None if minimum is None else float(minimum),
            maximum=None if maximum is None else float(maximum),
            options=options,
            writable=bool(await attribute(Attribute.WRITABLE)),
        )
