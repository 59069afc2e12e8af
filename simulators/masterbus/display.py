"""A MasterView on the emulated bus: it boots and polls the way a real one does.

A real display knows nothing about the devices in advance. It sends the
heartbeat, and for every device that announces itself asks one request at a
time and waits for the answer before the next (reference §5 and the decoded
frames of §6.2): firmware, the identity string ids and their `0x30` chunks
until a NUL or a short frame, the menu counts, the monitoring schema (group
name, field count, field ids) and each field's metadata on the metadata
address, with the strings it refers to. A rejected or unanswered request is
skipped, so devices that answer only part of it are walked as far as they go.
After the boot it polls its favourites, re-reading their metadata each time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from custom_components.offgrid_power.protocol.masterbus.codec import (
    Attribute,
    FieldCountReply,
    FieldCountRequest,
    FirmwareRequest,
    GroupFieldReply,
    GroupFieldRequest,
    GroupNameReply,
    GroupNameRequest,
    Heartbeat,
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
    ValueRequest,
)
from custom_components.offgrid_power.protocol.masterbus.matching import (
    Answer,
    Request,
    answer_to,
)
from custom_components.offgrid_power.protocol.masterbus.models import Visualisation

# The metadata a display reads for every field, in the order it asks.
FIELD_ATTRIBUTES = (
    Attribute.NAME,
    Attribute.UNIT,
    Attribute.VISUALISATION,
    Attribute.STEP,
    Attribute.MINIMUM,
    Attribute.MAXIMUM,
    Attribute.WRITABLE,
)
# What it re-reads each time it shows a favourite (reference §3.4 note).
FAVOURITE_ATTRIBUTES = (Attribute.NAME, Attribute.UNIT, Attribute.VISUALISATION, Attribute.STEP)
MAX_STRING_CHUNKS = 16  # 64 characters: a device that never ends a string is cut off


class MasterView:
    """Asks through `send`, hears replies through `hear`; see the module docstring."""

    def __init__(
        self,
        address: int,
        send: Callable[[Message], None],
        *,
        reply_timeout: float = 0.25,
    ) -> None:
        self.address = address
        self._send = send
        self._reply_timeout = reply_timeout
        self._pending: tuple[Request, asyncio.Future[Message | None]] | None = None
        self._announced: asyncio.Queue[int] = asyncio.Queue()
        self._strings: dict[tuple[int, int], str] = {}
        self.booted: set[int] = set()  # announced, walked or being walked
        self.walked: set[int] = set()  # walked to the end
        self.refreshes = 0  # favourites shown since the boot
        self._progress = asyncio.Event()

    # --- the wire ------------------------------------------------------------------

    def announced(self, address: int) -> None:
        """A device announced itself: walk it once."""
        if address not in self.booted:
            self.booted.add(address)
            self._announced.put_nowait(address)

    def hear(self, message: Message) -> None:
        """A frame from a device; it may answer the pending request."""
        if self._pending is None:
            return
        request, answer = self._pending
        kind = answer_to(request, message)
        if kind is not None and not answer.done():
            answer.set_result(message if kind is Answer.REPLY else None)

    async def ask(self, request: Request) -> Message | None:
        """Send one request and wait for its reply (None: rejected or silent)."""
        answer: asyncio.Future[Message | None] = asyncio.get_running_loop().create_future()
        self._pending = (request, answer)
        self._send(request)
        try:
            async with asyncio.timeout(self._reply_timeout):
                return await answer
        except TimeoutError:
            return None
        finally:
            self._pending = None

    # --- boot ------------------------------------------------------------------------

    def heartbeat(self) -> None:
        """The heartbeat that makes every device announce itself."""
        self._send(Heartbeat(self.address))

    async def boot(self, until: int | None = None) -> None:
        """Walk every device announced so far; first wait for `until` to announce."""
        while until is not None and until not in self.booted:
            await self.walk(await self._announced.get())
        while not self._announced.empty():
            await self.walk(self._announced.get_nowait())

    async def walk(self, address: int) -> None:
        """Everything a display asks a device it has just met."""
        for part in (0, 1):
            await self.ask(FirmwareRequest(address, part))
        for kind in IdentityString:
            reply = await self.ask(StringIdRequest(address, kind))
            if isinstance(reply, StringIdReply):  # string id 0 is valid here
                await self.read_string(address, reply.string_id, allow_zero=True)
        await self.ask(MenuCountRequest(address, Menu.ALL_TABS))
        groups = await self.ask(MenuCountRequest(address, Menu.MONITORING))
        if isinstance(groups, MenuCountReply):
            for group in range(groups.count):
                for field in await self._walk_group(address, group):
                    await self.describe(address, field)
        self.walked.add(address)
        self._progressed()

    async def _walk_group(self, address: int, group: int) -> list[int]:
        name = await self.ask(GroupNameRequest(address, group))
        if isinstance(name, GroupNameReply):
            await self.read_string(address, name.string_id)
        count = await self.ask(FieldCountRequest(address, group))
        if not isinstance(count, FieldCountReply):
            return []
        fields = []
        for index in range(count.count):
            reply = await self.ask(GroupFieldRequest(address, group, index))
            if isinstance(reply, GroupFieldReply):
                fields.append(reply.field)
        return fields

    async def describe(self, address: int, field: int) -> None:
        """A field's metadata, then the strings it names."""
        answers: dict[Attribute, float | int | None] = {}
        for attribute in FIELD_ATTRIBUTES:
            reply = await self.ask(MetadataRequest(address, attribute, field))
            if isinstance(reply, MetadataReply):
                answers[attribute] = reply.value
        for attribute in (Attribute.NAME, Attribute.UNIT):
            await self.read_string(address, answers.get(attribute))
        if Visualisation.from_code(answers.get(Attribute.VISUALISATION)) is Visualisation.DROPDOWN:
            for option in range(_count(answers.get(Attribute.MAXIMUM))):
                label = await self.ask(
                    MetadataRequest(address, Attribute.OPTION_LABEL, field, option)
                )
                if isinstance(label, MetadataReply):
                    await self.read_string(address, label.value)

    async def read_string(
        self, address: int, string_id: float | int | None, *, allow_zero: bool = False
    ) -> str | None:
        """A string by 4-character chunks until a NUL or a short frame; once per id."""
        if string_id is None or not (0 if allow_zero else 1) <= string_id <= 0xFFFF:
            return None  # in metadata, string id 0 means "no string"
        key = (address, int(string_id))
        if key in self._strings:
            return self._strings[key]
        text = ""
        for sequence in range(MAX_STRING_CHUNKS):
            chunk = await self.ask(StringChunkRequest(address, int(string_id), sequence))
            if not isinstance(chunk, StringChunkReply):
                return None  # a device that stops answering leaves the string unknown
            text += chunk.text
            if chunk.final:
                self._strings[key] = text
                return text
        return None

    # --- favourites ------------------------------------------------------------------

    async def show(self, address: int, field: int) -> None:
        """One refresh of a favourite: its metadata again (and a string the boot
        missed), then its value."""
        for attribute in FAVOURITE_ATTRIBUTES:
            reply = await self.ask(MetadataRequest(address, attribute, field))
            if isinstance(reply, MetadataReply) and attribute in (Attribute.NAME, Attribute.UNIT):
                await self.read_string(address, reply.value)
        await self.ask(ValueRequest(address, field))
        self.refreshes += 1
        self._progressed()

    async def progress(self) -> None:
        """Wait until a device was walked or a favourite shown."""
        await self._progress.wait()

    def _progressed(self) -> None:
        self._progress.set()
        self._progress = asyncio.Event()


def _count(value: float | int | None) -> int:
    """An option count from a maximum attribute (a float on the wire)."""
    if value is None or not 0 <= value <= 64:
        return 0
    return round(value)
