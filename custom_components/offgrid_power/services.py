"""Read-only service actions for advanced users: raw PowMr registers, one MasterBus field.

For debugging a unit the integration does not know yet: they return what the
device answers as the action's response and never write. Each reads through
the entry's own link (the PowMr client's lock, the MasterBus session's
per-device request), so it cannot collide with a poll.
"""

from __future__ import annotations

from typing import Any, NoReturn

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import homeassistant.helpers.config_validation as cv
import voluptuous as vol

from .const import CONF_FAMILY, DOMAIN, Family
from .masterbus.runtime import MasterbusRuntime
from .models import OffGridConfigEntry
from .powmr.runtime import PowmrRuntime
from .protocol.masterbus import MasterBusError
from .protocol.powmr import PowmrError

SERVICE_READ_REGISTERS = "read_registers"
SERVICE_READ_FIELD = "read_field"
ATTR_CONFIG_ENTRY_ID = "config_entry_id"
ATTR_ADDRESS = "address"
ATTR_COUNT = "count"
ATTR_SERIAL = "serial"
ATTR_FIELD = "field"

# Modbus allows 125 holding registers in one read; the register space is 16 bits.
MAX_REGISTER_COUNT = 125
REGISTER_SPACE = 0x10000


def _within_register_space(data: dict[str, Any]) -> dict[str, Any]:
    if data[ATTR_ADDRESS] + data[ATTR_COUNT] > REGISTER_SPACE:
        raise vol.Invalid("address + count runs past register 65535")
    return data


READ_REGISTERS_SCHEMA = vol.All(
    vol.Schema(
        {
            vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
            vol.Required(ATTR_ADDRESS): vol.All(
                vol.Coerce(int), vol.Range(min=0, max=REGISTER_SPACE - 1)
            ),
            vol.Optional(ATTR_COUNT, default=1): vol.All(
                vol.Coerce(int), vol.Range(min=1, max=MAX_REGISTER_COUNT)
            ),
        }
    ),
    _within_register_space,
)
# A MasterBus field number is one byte of the value request.
READ_FIELD_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_SERIAL): cv.string,
        vol.Required(ATTR_FIELD): vol.All(vol.Coerce(int), vol.Range(min=0, max=255)),
    }
)


def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions once, for every entry of the integration."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_READ_REGISTERS,
        _async_read_registers,
        schema=READ_REGISTERS_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_READ_FIELD,
        _async_read_field,
        schema=READ_FIELD_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )


def _loaded_entry(hass: HomeAssistant, call: ServiceCall, family: Family) -> OffGridConfigEntry:
    entry: OffGridConfigEntry | None = hass.config_entries.async_get_entry(
        call.data[ATTR_CONFIG_ENTRY_ID]
    )
    if entry is None or entry.domain != DOMAIN or entry.data.get(CONF_FAMILY) != family.value:
        _invalid("entry_not_of_family", family=family.value)
    if entry.state is not ConfigEntryState.LOADED:
        _invalid("entry_not_loaded", family=family.value)
    return entry


async def _async_read_registers(call: ServiceCall) -> ServiceResponse:
    """Raw holding registers of a PowMr unit, as the wire carries them."""
    runtime = _loaded_entry(call.hass, call, Family.POWMR).runtime_data
    assert isinstance(runtime, PowmrRuntime)
    client = runtime.coordinator.client
    if client is None:
        _invalid("registers_need_modbus")
    address, count = call.data[ATTR_ADDRESS], call.data[ATTR_COUNT]
    try:
        words = await client.read_registers(address, count)
    except PowmrError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="read_failed",
            translation_placeholders={"error": str(err) or type(err).__name__},
        ) from err
    return {ATTR_ADDRESS: address, ATTR_COUNT: count, "registers": list(words)}


async def _async_read_field(call: ServiceCall) -> ServiceResponse:
    """One field of a MasterBus device, read now, with its name and unit where known."""
    runtime = _loaded_entry(call.hass, call, Family.MASTERBUS).runtime_data
    assert isinstance(runtime, MasterbusRuntime)
    coordinator = runtime.coordinator
    if coordinator.listen_only:
        _invalid("field_needs_requests")
    serial, field = call.data[ATTR_SERIAL], call.data[ATTR_FIELD]
    device = next(
        (
            device
            for device in coordinator.session.devices.values()
            if device.identity is not None and device.identity.serial == serial
        ),
        None,
    )
    if device is None:
        _invalid("unknown_device", serial=serial)
    try:
        value = await coordinator.session.read_value(device.address, field)
    except MasterBusError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="read_failed",
            translation_placeholders={"error": str(err) or type(err).__name__},
        ) from err
    info = device.schema.field(field)
    return {
        ATTR_SERIAL: serial,
        ATTR_FIELD: field,
        "value": value,
        "name": None if info is None else info.name,
        "unit": None if info is None else info.unit,
    }


def _invalid(key: str, **placeholders: str) -> NoReturn:
    raise ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )
