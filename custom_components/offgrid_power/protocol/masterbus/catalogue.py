"""The strings of known devices, shipped with the integration.

Strings travel 4 characters per frame, and they are most of a cold
discovery's requests. Every device of one model and firmware answers the
same string table (group and field names, units, option labels), so
`string_catalogue.json` keeps those tables by article number and firmware
and a first discovery asks a device only for the strings it does not hold.

The catalogue is trusted for a device only after a spot check: a few of its
string ids, spread over the table, are read from the device and must match.
A device whose strings differ (another language, a firmware that moved its
strings) is asked for every string, as without a catalogue.

The file is data, checked when it is loaded: an entry that does not read is
dropped, a file that does not read gives an empty catalogue; loading never
raises. It is generated from the simulator's devices (which follow the
protocol reference) by ``scripts/masterbus_string_catalogue.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
import json
import logging
from pathlib import Path
from typing import Any

_LOGGER = logging.getLogger(__name__)

CATALOGUE_FORMAT_VERSION = 1
CATALOGUE_PATH = Path(__file__).with_name("string_catalogue.json")
SPOT_CHECKS = 3
MAX_STRING_ID = 0xFFFF
MAX_STRING_LENGTH = 64  # what discovery reads at most (16 chunks of 4)


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    """The string table of one article at one firmware."""

    article: str
    firmware: str
    strings: Mapping[int, str]

    def spot_check_ids(self) -> tuple[int, ...]:
        """The ids a device is asked for before the table is trusted: first, middle, last."""
        ids = sorted(self.strings)
        if len(ids) <= SPOT_CHECKS:
            return tuple(ids)
        step = (len(ids) - 1) / (SPOT_CHECKS - 1)
        return tuple(ids[round(i * step)] for i in range(SPOT_CHECKS))


class StringCatalogue:
    """String tables by (article, firmware); see the module docstring."""

    def __init__(self, entries: Iterable[CatalogueEntry] = ()) -> None:
        self._entries = {(e.article, e.firmware): e for e in entries}

    def __len__(self) -> int:
        return len(self._entries)

    def entry(self, article: str, firmware: str) -> CatalogueEntry | None:
        """The table of a model at a firmware, if the catalogue has it."""
        return self._entries.get((article, firmware))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the file, entries and strings in a stable order."""
        return {
            "version": CATALOGUE_FORMAT_VERSION,
            "devices": [
                {
                    "article": entry.article,
                    "firmware": entry.firmware,
                    "strings": {str(sid): entry.strings[sid] for sid in sorted(entry.strings)},
                }
                for _, entry in sorted(self._entries.items())
            ],
        }

    @classmethod
    def from_dict(cls, data: Any) -> StringCatalogue:
        """Read the JSON form; entries that do not read are dropped."""
        if not isinstance(data, dict) or data.get("version") != CATALOGUE_FORMAT_VERSION:
            _LOGGER.warning("The MasterBus string catalogue has an unknown format; not used")
            return cls()
        devices = data.get("devices")
        if not isinstance(devices, list):
            _LOGGER.warning("The MasterBus string catalogue lists no devices; not used")
            return cls()
        entries = []
        for raw in devices:
            try:
                entries.append(_entry_from_dict(raw))
            except (KeyError, TypeError, ValueError, AttributeError) as err:
                _LOGGER.warning("Dropping an unreadable MasterBus catalogue entry: %s", err)
        return cls(entries)

    @classmethod
    def load(cls, path: Path = CATALOGUE_PATH) -> StringCatalogue:
        """Read a catalogue file; one that cannot be read or parsed gives an empty catalogue."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            _LOGGER.warning("MasterBus string catalogue %s not read: %s", path.name, err)
            return cls()
        return cls.from_dict(data)


def _entry_from_dict(raw: Any) -> CatalogueEntry:
    article, firmware, strings = raw["article"], raw["firmware"], raw["strings"]
    if not isinstance(article, str) or not isinstance(firmware, str) or not article:
        raise TypeError("article and firmware must be text")
    if not isinstance(strings, dict) or not strings:
        raise TypeError("strings must be a non-empty mapping")
    table: dict[int, str] = {}
    for key, text in strings.items():
        sid = int(key)  # ValueError for a key that is not a number
        if not 0 < sid <= MAX_STRING_ID or str(sid) != key:
            raise ValueError(f"string id {key!r} is out of range")
        if not isinstance(text, str) or not 0 < len(text) <= MAX_STRING_LENGTH:
            raise TypeError(f"string {sid} must be 1 to {MAX_STRING_LENGTH} characters")
        if text != text.strip():
            raise ValueError(f"string {sid} is not trimmed, as discovery trims")
        table[sid] = text
    return CatalogueEntry(article, firmware, table)


# Read once, when the package is imported (Home Assistant imports integrations
# in its executor, so the event loop never waits for the file).
SHIPPED_CATALOGUE = StringCatalogue.load()
