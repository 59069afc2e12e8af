"""Schema cache: discovery is slow (strings travel 4 characters per frame), so a
device's identity and schema are kept per serial + firmware and persisted by the
caller (Home Assistant stores `to_dict()` in its storage).

An entry also remembers the address and the announcement's change counter, so
a device that announces with an unchanged counter needs zero discovery
requests.

Format 2 added the settings menus (each group's menu, the locked menus). A
format-1 cache lacks them, so it is treated as stale: it loads as an empty
cache, and every device is discovered once more.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
import logging
import math
from typing import Any

from .codec import Menu
from .models import DeviceIdentity, DeviceSchema, FieldInfo, Group, LockedMenu, Visualisation

_LOGGER = logging.getLogger(__name__)
CACHE_FORMAT_VERSION = 2


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """Everything discovery learned about one device."""

    address: int
    change_counter: int
    identity: DeviceIdentity
    schema: DeviceSchema


class SchemaCache:
    """In-memory cache with a plain-dict (JSON-safe) form for storage."""

    def __init__(self, entries: Iterable[CacheEntry] = ()) -> None:
        self._entries: dict[str, CacheEntry] = {}
        for entry in entries:
            self.store(entry)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[CacheEntry]:
        return iter(list(self._entries.values()))

    def by_address(self, address: int) -> CacheEntry | None:
        """The entry last seen at an address."""
        return next((e for e in self._entries.values() if e.address == address), None)

    def by_identity(self, serial: str, firmware: str) -> CacheEntry | None:
        """The entry of a serial, only if its firmware still matches."""
        entry = self._entries.get(serial)
        return entry if entry and entry.identity.firmware == firmware else None

    def store(self, entry: CacheEntry) -> None:
        """Add or replace the entry of a serial (an older firmware's schema is dropped)."""
        stale = [key for key, old in self._entries.items() if old.address == entry.address]
        for key in stale:
            del self._entries[key]
        self._entries[entry.identity.serial] = entry

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe form for storage."""
        return {
            "version": CACHE_FORMAT_VERSION,
            "devices": [_entry_to_dict(entry) for entry in self._entries.values()],
        }

    @classmethod
    def from_dict(cls, data: Any) -> SchemaCache:
        """Rebuild from `to_dict()` output; unreadable data gives an empty cache."""
        if not isinstance(data, dict) or data.get("version") != CACHE_FORMAT_VERSION:
            return cls()
        devices = data.get("devices", [])
        if not isinstance(devices, list):
            return cls()
        entries = []
        for raw in devices:
            try:
                entries.append(_entry_from_dict(raw))
            except (KeyError, TypeError, ValueError, OverflowError, AttributeError):
                # Stored data is outside data too: an entry that does not read is dropped.
                _LOGGER.warning("Dropping an unreadable MasterBus cache entry")
        return cls(entries)


def _entry_to_dict(entry: CacheEntry) -> dict[str, Any]:
    return {
        "address": entry.address,
        "change_counter": entry.change_counter,
        "identity": asdict(entry.identity),
        "groups": [
            {"index": g.index, "name": g.name, "fields": list(g.fields), "menu": int(g.menu)}
            for g in entry.schema.groups
        ],
        "locked": [
            {"menu": int(lock.menu), "level": int(lock.level)} for lock in entry.schema.locked
        ],
        "fields": [
            {
                **asdict(info),
                "visualisation": int(info.visualisation),
                "options": list(info.options),
            }
            for info in entry.schema.fields
        ],
    }


def _entry_from_dict(raw: dict[str, Any]) -> CacheEntry:
    groups = tuple(
        Group(
            _integer(g["index"]),
            str(g["name"]),
            tuple(_integer(f) for f in g["fields"]),
            Menu(_integer(g["menu"])),
        )
        for g in raw["groups"]
    )
    locked = tuple(
        LockedMenu(Menu(_integer(lock["menu"])), _integer(lock["level"])) for lock in raw["locked"]
    )
    fields = tuple(
        FieldInfo(
            field=_integer(f["field"]),
            name=str(f["name"]),
            unit=str(f["unit"]),
            visualisation=Visualisation.from_code(_integer(f["visualisation"])),
            step=_optional_float(f["step"]),
            minimum=_optional_float(f["minimum"]),
            maximum=_optional_float(f["maximum"]),
            options=tuple(str(o) for o in f["options"]),
            writable=bool(f["writable"]),
        )
        for f in raw["fields"]
    )
    return CacheEntry(
        address=_integer(raw["address"]),
        change_counter=_integer(raw["change_counter"]),
        identity=DeviceIdentity(**{k: str(v) for k, v in raw["identity"].items()}),
        schema=DeviceSchema(groups, fields, locked),
    )


def _integer(value: Any) -> int:
    """An integer exactly as `to_dict` wrote it; a float, a string or a bool is not one."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{value!r} is not an integer")
    return int(value)


def _optional_float(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    return number
