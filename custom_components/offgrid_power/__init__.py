"""Off-Grid Power: PowMr inverters, Victron Bluetooth devices, MasterBus and the system across them."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError
import homeassistant.helpers.config_validation as cv
from homeassistant.helpers.device_registry import DeviceEntry
from homeassistant.helpers.typing import ConfigType

from .const import CONF_FAMILY, DOMAIN, ENTRY_MINOR_VERSION, ENTRY_VERSION
from .families import ENTRY_MIGRATIONS, ENTRY_REMOVERS, RUNTIME_FACTORIES
from .models import OffGridConfigEntry
from .services import async_setup_services

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the read-only service actions, which serve every entry."""
    async_setup_services(hass)
    return True


async def async_migrate_entry(hass: HomeAssistant, entry: OffGridConfigEntry) -> bool:
    """Bring an entry an older release stored up to date; refuse one a newer major one did."""
    if entry.version > ENTRY_VERSION:
        return False
    if entry.minor_version < ENTRY_MINOR_VERSION:
        if (migrate := ENTRY_MIGRATIONS.get(str(entry.data.get(CONF_FAMILY)))) is not None:
            migrate(hass, entry, entry.minor_version)
        hass.config_entries.async_update_entry(entry, minor_version=ENTRY_MINOR_VERSION)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: OffGridConfigEntry) -> bool:
    """Start the runtime of the entry's family (or of the system) and its platforms."""
    family_name = str(entry.data.get(CONF_FAMILY))
    if (factory := RUNTIME_FACTORIES.get(family_name)) is None:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="unknown_family",
            translation_placeholders={"family": family_name},
        ) from None
    runtime = await factory(hass, entry)
    entry.runtime_data = runtime
    entry.async_on_unload(runtime.async_shutdown)
    await hass.config_entries.async_forward_entry_setups(entry, runtime.platforms)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: OffGridConfigEntry) -> bool:
    """Unload the platforms; the runtime is shut down by its unload callback."""
    return await hass.config_entries.async_unload_platforms(entry, entry.runtime_data.platforms)


async def async_remove_entry(hass: HomeAssistant, entry: OffGridConfigEntry) -> None:
    """Delete what the entry's family stored for it (a MasterBus schema cache)."""
    family = entry.data.get(CONF_FAMILY)
    if (remover := ENTRY_REMOVERS.get(str(family))) is not None:
        await remover(hass, entry)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: OffGridConfigEntry, device_entry: DeviceEntry
) -> bool:
    """Let the user delete a device the family knows has left."""
    return entry.runtime_data.async_remove_device(device_entry)
