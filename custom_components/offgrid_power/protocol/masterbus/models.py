"""What a device says about itself: identity, schema and field metadata.

Field numbers differ per model and even per firmware, so the library never
hard-codes them: it reads the device's own description and keeps it keyed by
serial and firmware (see `cache`).
"""

from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field, replace
from datetime import date, timedelta
from enum import IntEnum

from .codec import AccessLevel, Menu
from .ids import format_address
from .values import decode_date, decode_duration


class Visualisation(IntEnum):
    """How a device wants a field shown (metadata attribute 0x02)."""

    UNKNOWN = 0
    FLOAT = 1
    GRAY_FLOAT = 2
    DROPDOWN = 3
    EVENTABLE = 4
    CHECKBOX = 5
    TEXT = 6
    DURATION = 7
    DATE = 8
    DEVICE_LIST = 9
    EVENT_COMMAND = 10
    SWITCH_VARIANT = 11

    @classmethod
    def from_code(cls, code: int | float | None) -> Visualisation:
        """The visualisation for a raw code; codes this library does not know are UNKNOWN."""
        try:
            return cls(int(code or 0))
        except (ValueError, OverflowError):  # NaN, infinities, unknown codes
            return cls.UNKNOWN


FieldValue = float | bool | str | date | timedelta | None


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """The self-description of one field."""

    field: int
    name: str
    unit: str = ""
    visualisation: Visualisation = Visualisation.FLOAT
    step: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    options: tuple[str, ...] = ()
    writable: bool = False

    def interpret(self, value: float | None) -> FieldValue:
        """A raw float as the type its visualisation implies.

        Drop-downs give the option label (or the index when the label is
        unknown), check boxes a bool, times a timedelta and dates a date.
        """
        if value is None:
            return None
        match self.visualisation:
            case Visualisation.DROPDOWN:
                index = round(value)
                return self.options[index] if 0 <= index < len(self.options) else float(index)
            case Visualisation.CHECKBOX:
                return value != 0
            case Visualisation.DURATION:
                return decode_duration(value)
            case Visualisation.DATE:
                return decode_date(value)
        return value


@dataclass(frozen=True, slots=True)
class Group:
    """A group (a page of a menu on the display) and its field ids in order."""

    index: int
    name: str
    fields: tuple[int, ...]
    menu: Menu = Menu.MONITORING


@dataclass(frozen=True, slots=True)
class LockedMenu:
    """A menu the device refused to open at the access level it was at."""

    menu: Menu
    level: int  # an `AccessLevel`, or a code this library does not know

    @property
    def level_name(self) -> str:
        """The level's name (``end_user``...), or its number when unknown."""
        known = {level.value: level.name.lower() for level in AccessLevel}
        return known.get(self.level, str(self.level))


@dataclass(frozen=True, slots=True)
class DeviceIdentity:
    """Who a device is; `serial` is the stable key for caches and registries."""

    article: str
    serial: str
    name: str
    firmware: str

    @property
    def family(self) -> str:
        """The 3-letter family prefix of the name (MSH, MCU, SCM...)."""
        return self.name[:3]


@dataclass(frozen=True, slots=True)
class DeviceSchema:
    """The groups of every menu read, plus every known field, deduplicated by field id.

    `locked` lists the menus the device refused at its access level; the
    groups of the menus before them are complete.
    """

    groups: tuple[Group, ...] = ()
    fields: tuple[FieldInfo, ...] = ()
    locked: tuple[LockedMenu, ...] = ()

    def field(self, field_id: int) -> FieldInfo | None:
        """The description of one field, if known."""
        return next((info for info in self.fields if info.field == field_id), None)

    def with_field(self, info: FieldInfo) -> DeviceSchema:
        """A copy that includes (or replaces) one field description."""
        others = tuple(known for known in self.fields if known.field != info.field)
        return replace(self, fields=(*others, info))

    def is_setting(self, field_id: int) -> bool:
        """A field of a settings menu (Configuration, Service) and of no monitoring group."""
        menus = {group.menu for group in self.groups if field_id in group.fields}
        return bool(menus) and Menu.MONITORING not in menus


@dataclass(frozen=True, slots=True)
class Device:
    """A snapshot of one device as the session knows it."""

    address: int
    change_counter: int | None = None
    identity: DeviceIdentity | None = None
    schema: DeviceSchema = dataclass_field(default_factory=DeviceSchema)
    online: bool = True

    @property
    def label(self) -> str:
        """A human-readable name for logs."""
        name = self.identity.name if self.identity else "?"
        return f"{name} ({format_address(self.address)})"
