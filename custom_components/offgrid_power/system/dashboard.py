"""The system dashboard: a real Lovelace dashboard in the sidebar, made on the user's request.

The "Create dashboard" button of the system device builds it from the system's
current choice and saves it as a storage-mode dashboard, exactly as one made
in Settings → Dashboards. Pressing it again rewrites the same dashboard (one
url per system entry), so it never duplicates; a changed choice (options)
rewrites it too, so it never shows entities the system no longer uses.
Removing the system entry raises a repair issue that offers to remove it.
"""

from __future__ import annotations

from typing import Any, Final

from homeassistant.components import websocket_api
from homeassistant.components.lovelace.const import (
    CONF_REQUIRE_ADMIN,
    CONF_SHOW_IN_SIDEBAR,
    CONF_TITLE,
    CONF_URL_PATH,
    LOVELACE_DATA,
)
from homeassistant.components.lovelace.dashboard import DashboardsCollection
from homeassistant.const import CONF_ICON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store

from custom_components.offgrid_power.const import DOMAIN
from custom_components.offgrid_power.models import OffGridConfigEntry

from .choice import parse_choice
from .dashboard_cards import ICON, lovelace_config
from .dashboard_content import async_dashboard_content

# The lovelace component keeps its dashboards collection only inside its
# websocket API; this command's handler is a method of the object that holds it.
_DASHBOARDS_COMMAND: Final = "lovelace/dashboards/list"
STORE_VERSION: Final = 1
ISSUE_DASHBOARD_LEFT: Final = "system_dashboard_left"


def url_path(entry_id: str) -> str:
    """The dashboard's address: one per system entry, stable across renames."""
    return f"offgrid-{entry_id.lower()}"


def issue_id(entry_id: str) -> str:
    """The repair issue that offers to remove a removed system's dashboard."""
    return f"{ISSUE_DASHBOARD_LEFT}_{entry_id}"


def _store(hass: HomeAssistant) -> Store[dict[str, list[str]]]:
    """Per system entry: the entities its dashboard was last built from."""
    return Store(hass, STORE_VERSION, f"{DOMAIN}.system_dashboards")


def _collection(hass: HomeAssistant) -> DashboardsCollection:
    """Home Assistant's own collection of storage dashboards.

    Going through that one object keeps the sidebar panel, Settings →
    Dashboards and the storage file in step. A second DashboardsCollection on
    the same file would be overwritten by the first, or duplicate its items.
    """
    handlers: dict[str, tuple[Any, Any]] = hass.data.get(websocket_api.DOMAIN, {})
    handler, _schema = handlers.get(_DASHBOARDS_COMMAND, (None, None))
    collection = getattr(getattr(handler, "__self__", None), "storage_collection", None)
    if LOVELACE_DATA not in hass.data or not isinstance(collection, DashboardsCollection):
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="dashboards_unavailable"
        )
    return collection


def _item_id(collection: DashboardsCollection, path: str) -> str | None:
    for item_id, item in collection.data.items():
        if item.get(CONF_URL_PATH) == path:
            return item_id
    return None


def _exists(hass: HomeAssistant, path: str) -> bool:
    """Whether the dashboard is still there (the user may have deleted it in Settings)."""
    return LOVELACE_DATA in hass.data and path in hass.data[LOVELACE_DATA].dashboards


def _built_from(entry: OffGridConfigEntry) -> list[str]:
    return sorted(parse_choice(entry.options).entity_ids)


async def async_create_or_update(hass: HomeAssistant, entry: OffGridConfigEntry) -> str:
    """Write the dashboard of a system entry from its current choice; its url path."""
    collection = _collection(hass)
    path = url_path(entry.entry_id)
    item = {CONF_TITLE: entry.title, CONF_ICON: ICON}
    if (item_id := _item_id(collection, path)) is None:
        await collection.async_create_item(
            {**item, CONF_URL_PATH: path, CONF_SHOW_IN_SIDEBAR: True, CONF_REQUIRE_ADMIN: False}
        )
    else:
        await collection.async_update_item(item_id, item)
    content = await async_dashboard_content(hass, entry)
    await hass.data[LOVELACE_DATA].dashboards[path].async_save(lovelace_config(content))
    store = _store(hass)
    built = await store.async_load() or {}
    built[entry.entry_id] = _built_from(entry)
    await store.async_save(built)
    return path


async def async_follow_choice(hass: HomeAssistant, entry: OffGridConfigEntry) -> None:
    """Rebuild an existing dashboard whose system chose other entities since (options)."""
    store = _store(hass)
    built = await store.async_load() or {}
    if entry.entry_id not in built or built[entry.entry_id] == _built_from(entry):
        return
    if LOVELACE_DATA not in hass.data:
        # Without the frontend there is nothing to keep up to date.
        return
    if not _exists(hass, url_path(entry.entry_id)):
        # Deleted by the user: not ours to bring back.
        del built[entry.entry_id]
        await store.async_save(built)
        return
    await async_create_or_update(hass, entry)


async def async_entry_removed(hass: HomeAssistant, entry: OffGridConfigEntry) -> None:
    """Offer, as a repair issue, to remove the dashboard of a removed system."""
    store = _store(hass)
    built = await store.async_load() or {}
    if built.pop(entry.entry_id, None) is None:
        return
    await store.async_save(built)
    if not _exists(hass, url_path(entry.entry_id)):
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id(entry.entry_id),
        is_fixable=True,
        is_persistent=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key=ISSUE_DASHBOARD_LEFT,
        translation_placeholders={"title": entry.title},
        data={CONF_URL_PATH: url_path(entry.entry_id), CONF_TITLE: entry.title},
    )


async def async_remove(hass: HomeAssistant, path: str) -> None:
    """Delete a dashboard made here, if the user has not already."""
    collection = _collection(hass)
    if (item_id := _item_id(collection, path)) is not None:
        await collection.async_delete_item(item_id)
