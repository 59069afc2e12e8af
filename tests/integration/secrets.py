"""Looking for planted secrets everywhere they could escape to.

The family tests run their flows, coordinators and diagnostics with
recognisable secrets, then hand everything a user could see or paste into an
issue to `assert_no_secret`: every log record at DEBUG (with its traceback),
the diagnostics download, error texts, the repr of the runtime objects and
every entity's state and attributes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
import json
import logging
import traceback
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator


def forms(secret: str) -> set[str]:
    """The ways a secret can be written: as typed, either case, and as bytes when hex."""
    found = {secret, secret.lower(), secret.upper()}
    try:
        raw = bytes.fromhex(secret)
    except ValueError:
        return found
    return found | {repr(raw), raw.hex(), str(list(raw))}


def log_text(records: Iterable[logging.LogRecord]) -> Iterator[str]:
    """Each record's message and traceback."""
    for record in records:
        yield f"{record.name}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            yield "".join(traceback.format_exception(record.exc_info[1]))


def reprs(value: object, entry: ConfigEntry, depth: int = 3) -> Iterator[str]:
    """The repr of an object and of what it holds, a few levels down.

    Home Assistant, the config entry and the entry's data and options are
    skipped: the entry holds the secrets by design (it is the store).
    """
    if depth < 0 or isinstance(value, HomeAssistant | ConfigEntry):
        return
    if value is entry.data or value is entry.options or value in (entry.data, entry.options):
        return
    yield repr(value)
    attributes: dict[str, Any] = {}
    if hasattr(value, "__dict__"):
        attributes |= vars(value)
    for slot in getattr(type(value), "__slots__", ()):
        if hasattr(value, slot):
            attributes[slot] = getattr(value, slot)
    for attribute in attributes.values():
        if callable(attribute) or isinstance(attribute, str | bytes | int | float):
            continue
        yield from reprs(attribute, entry, depth - 1)


def entity_text(hass: HomeAssistant) -> Iterator[str]:
    """Every state's value and attributes."""
    for state in hass.states.async_all():
        yield f"{state.entity_id}={state.state} {json.dumps(dict(state.attributes), default=str)}"


async def diagnostics_text(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, entry: ConfigEntry
) -> str:
    """The diagnostics download as the user gets it."""
    return json.dumps(await get_diagnostics_for_config_entry(hass, hass_client, entry))


def assert_no_secret(secrets: Iterable[str], **places: Iterable[str] | str) -> None:
    """Fail naming the place and the text where any form of a secret shows."""
    needles = {form for secret in secrets for form in forms(secret)}
    for place, texts in places.items():
        for text in [texts] if isinstance(texts, str) else texts:
            leaked = sorted(needle for needle in needles if needle in text)
            assert not leaked, f"secret {leaked} in {place}: {text[:2000]}"
