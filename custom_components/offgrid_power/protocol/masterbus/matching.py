"""Which incoming message answers which request.

MasterBus has no correlation token: a reply is recognised by its address, its
class and the request bytes it echoes. A device that does not support a
request says so with a `PropertyRejected` (properties) or `NoValue` (values).
"""

from __future__ import annotations

from enum import Enum

from .codec import (
    AccessLevelReply,
    AccessLevelRequest,
    Attribute,
    Btm3Request,
    Btm3Value,
    FieldCountReply,
    FieldCountRequest,
    FirmwareReply,
    FirmwareRequest,
    GroupFieldReply,
    GroupFieldRequest,
    GroupNameReply,
    GroupNameRequest,
    MenuCountReply,
    MenuCountRequest,
    Message,
    MetadataReply,
    MetadataRequest,
    NoValue,
    PropertyRejected,
    StringChunkReply,
    StringChunkRequest,
    StringIdReply,
    StringIdRequest,
    ValueReply,
    ValueRequest,
)

Request = (
    FirmwareRequest
    | StringIdRequest
    | StringChunkRequest
    | MenuCountRequest
    | AccessLevelRequest
    | GroupNameRequest
    | FieldCountRequest
    | GroupFieldRequest
    | MetadataRequest
    | ValueRequest
    | Btm3Request
)


class Answer(Enum):
    """How a message relates to a pending request."""

    REPLY = "reply"
    REJECTED = "rejected"


def answer_to(request: Request, message: Message) -> Answer | None:
    """REPLY or REJECTED when `message` answers `request`, otherwise None."""
    if message.address != request.address:
        return None
    if isinstance(message, PropertyRejected):
        head = request.to_frame().data[:2]
        property_request = isinstance(
            request,
            FirmwareRequest
            | StringIdRequest
            | StringChunkRequest
            | MenuCountRequest
            | AccessLevelRequest,
        )
        return (
            Answer.REJECTED
            if property_request and head == bytes([message.op, message.selector])
            else None
        )
    if isinstance(message, NoValue) and isinstance(request, ValueRequest):
        return Answer.REJECTED if message.field == request.field else None
    return Answer.REPLY if _is_reply(request, message) else None


def _is_reply(request: Request, message: Message) -> bool:
    match request, message:
        case FirmwareRequest(), FirmwareReply():
            return message.part == request.part
        case StringIdRequest(), StringIdReply():
            return message.kind == request.kind
        case StringChunkRequest(), StringChunkReply():
            return (message.string_id, message.sequence) == (request.string_id, request.sequence)
        case MenuCountRequest(), MenuCountReply():
            return message.menu == request.menu
        case AccessLevelRequest(), AccessLevelReply():
            return True
        case GroupNameRequest(), GroupNameReply():
            return (message.group, message.tab) == (request.group, request.tab)
        case FieldCountRequest(), FieldCountReply():
            return (message.group, message.tab) == (request.group, request.tab)
        case GroupFieldRequest(), GroupFieldReply():
            return (message.group, message.index, message.tab) == (
                request.group,
                request.index,
                request.tab,
            )
        case MetadataRequest(), MetadataReply():
            same = (message.attribute, message.field, message.channel) == (
                request.attribute,
                request.field,
                request.channel,
            )
            option_matches = (
                request.attribute != Attribute.OPTION_LABEL or message.option == request.option
            )
            return same and option_matches
        case ValueRequest(), ValueReply():
            return message.field == request.field and message.tab == 0
        case Btm3Request(), Btm3Value():
            return message.field == request.field
    return False
