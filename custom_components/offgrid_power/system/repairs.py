"""A repair issue when a chosen battery sensor no longer exists.

The system keeps running (its battery values are unavailable); the issue tells
the user to choose another sensor in the system's options.
"""

from __future__ import annotations

from collections.abc import Iterable

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir

from custom_components.offgrid_power.const import DOMAIN

from .const import ISSUE_BATTERY_MISSING


def issue_id(entry_id: str) -> str:
    """The battery issue of one system entry."""
    return f"{ISSUE_BATTERY_MISSING}_{entry_id}"


def missing_entities(hass: HomeAssistant, entity_ids: Iterable[str]) -> list[str]:
    """Entities neither registered nor in the state machine: deleted, or renamed away."""
    registry = er.async_get(hass)
    return [
        entity_id
        for entity_id in entity_ids
        if registry.async_get(entity_id) is None and hass.states.get(entity_id) is None
    ]


def update_battery_issue(
    hass: HomeAssistant, entry_id: str, title: str, missing: list[str]
) -> None:
    """Raise the issue while a battery sensor is missing, and clear it once none is."""
    if not missing:
        ir.async_delete_issue(hass, DOMAIN, issue_id(entry_id))
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id(entry_id),
        is_fixable=False,
        is_persistent=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key=ISSUE_BATTERY_MISSING,
        translation_placeholders={"title": title, "entities": ", ".join(missing)},
    )
