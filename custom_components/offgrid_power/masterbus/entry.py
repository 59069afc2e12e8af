"""What a MasterBus entry says: where the bus is, which fields to poll, where its schema cache is.

Shared by the config flow, which writes these settings, and the runtime,
which starts from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from custom_components.offgrid_power.const import DOMAIN
from custom_components.offgrid_power.models import OffGridConfigEntry
from custom_components.offgrid_power.protocol.masterbus import Interface, TransportConfig

from .const import (
    CONF_BITRATE,
    CONF_CHANNEL,
    CONF_FIELDS,
    CONF_INTERFACE,
    CONF_LISTEN,
    DEFAULT_BITRATE,
    DEFAULT_BRIDGE_LISTEN,
)

STORAGE_VERSION = 1
# The flow hands the schema it discovered to the first setup, by unique id.
PENDING_CACHE = f"{DOMAIN}_masterbus_pending_cache"


def storage_key(entry_id: str) -> str:
    """Where an entry's schema cache lives in .storage."""
    return f"{DOMAIN}.masterbus.{entry_id}"


def schema_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """The store of an entry's schema cache."""
    return Store(hass, STORAGE_VERSION, storage_key(entry_id))


def transport_config(data: Mapping[str, Any]) -> TransportConfig:
    """Where the bus is, from entry or flow data; raise KeyError or ValueError."""
    interface = Interface(data[CONF_INTERFACE])
    return TransportConfig(
        interface=interface,
        channel=str(data[CONF_CHANNEL]),
        bitrate=int(data.get(CONF_BITRATE, DEFAULT_BITRATE)),
        listen=str(data.get(CONF_LISTEN) or DEFAULT_BRIDGE_LISTEN),
    )


# An access code travels as a float32, which holds every integer up to 2**24 exactly.
MAX_ACCESS_CODE = 2**24


def access_code(text: object) -> float | None:
    """The access code the user typed, as the device takes it; None when absent or not a code."""
    if not isinstance(text, str) or not text.strip().isdigit():
        return None
    code = int(text.strip())
    return float(code) if code < MAX_ACCESS_CODE else None


def selected_fields(entry: OffGridConfigEntry) -> dict[str, list[int]]:
    """The fields to poll per device serial.

    The choice lives in the options; entries made before the options flow
    offered it keep it in their data.
    """
    selection = entry.options.get(CONF_FIELDS, entry.data.get(CONF_FIELDS))
    return {serial: list(fields) for serial, fields in (selection or {}).items()}
