"""Update an entry from a reauth or reconfigure flow, and have it reloaded once."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
)


def update_and_reload(flow: ConfigFlow, entry: ConfigEntry, **changes: Any) -> ConfigFlowResult:
    """Store the changes; the loaded entry's update listener reloads it, else the flow does.

    Home Assistant (2026.x) reports a flow that reloads an entry which has an
    update listener: the listener is meant to do it. An entry that is not
    loaded (its setup failed) has none, and is set up again here.
    """
    if not entry.update_listeners:
        return flow.async_update_reload_and_abort(entry, **changes)
    flow.hass.config_entries.async_update_entry(entry, **changes)
    reason = "reconfigure_successful" if flow.source == SOURCE_RECONFIGURE else "reauth_successful"
    return flow.async_abort(reason=reason)
