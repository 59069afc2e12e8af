"""The runtime of a MasterBus entry: the interface, its coordinator and the entities.

The entry is the bus (a hub device); every Mastervolt device on it is a
device of its own, linked through ``via_device``. Devices that show up later
get their entities when they are first identified; devices that leave make
their entities unavailable and can then be removed from the device page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceEntry, DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from custom_components.offgrid_power.builders import build_entities
from custom_components.offgrid_power.const import DOMAIN
from custom_components.offgrid_power.device_names import unique_device_name
from custom_components.offgrid_power.models import OffGridConfigEntry, OffGridRuntime
from custom_components.offgrid_power.protocol.masterbus import (
    DeviceIdentity,
    SchemaCache,
    TransportError,
    product_name,
)

from . import const
from .const import (
    CONF_ACCESS_CODE,
    CONF_ENABLE_WRITES,
    CONF_FIELDS,
    CONF_INTERFACE,
    CONF_LISTEN_ONLY,
    CONF_SCAN_INTERVAL,
    DEFAULT_SCAN_INTERVAL,
)
from .coordinator import MasterbusCoordinator
from .descriptions import LINK_DESCRIPTION, describe_device
from .entry import PENDING_CACHE, access_code, schema_store, selected_fields, transport_config

READ_PLATFORMS = (Platform.SENSOR, Platform.BINARY_SENSOR)
CONTROL_PLATFORMS = (Platform.NUMBER, Platform.SELECT, Platform.SWITCH)


class MasterbusRuntime(OffGridRuntime):
    """Everything a loaded MasterBus entry owns."""

    def __init__(
        self, hass: HomeAssistant, entry: OffGridConfigEntry, coordinator: MasterbusCoordinator
    ) -> None:
        super().__init__(hass, entry)
        self.coordinator = coordinator
        self.started_data = dict(entry.data)
        self.started_options = dict(entry.options)
        self.platforms = READ_PLATFORMS + (CONTROL_PLATFORMS if coordinator.writes else ())
        self.scan_interval = float(entry.options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL))
        hub_id = (DOMAIN, entry.entry_id)
        self.hub = DeviceInfo(
            identifiers={hub_id},
            # The bus itself, not the devices on it (they are devices of their own).
            name=unique_device_name(hass, "MasterBus network", hub_id),
            manufacturer="Mastervolt",
            model="MasterBus network",
            model_id=str(entry.data.get(CONF_INTERFACE)),
        )
        self._adders: dict[Platform, AddConfigEntryEntitiesCallback] = {}
        self._added: dict[Platform, set[str]] = {}
        self._unsubscribe = coordinator.async_add_listener(self._async_add_new_devices)

    def device_info(self, identity: DeviceIdentity) -> DeviceInfo:
        """The registry entry of one Mastervolt device."""
        info = DeviceInfo(
            identifiers={(DOMAIN, f"masterbus_{identity.serial}")},
            name=identity.name,
            manufacturer="Mastervolt",
            model=product_name(identity),
            model_id=identity.article,
            serial_number=identity.serial,
            sw_version=identity.firmware,
        )
        # Newer releases link to the hub by its registry id and deprecate
        # `via_device` (its identifiers); older ones know only `via_device`.
        if "via_device_id" in DeviceInfo.__optional_keys__:
            hub = dr.async_get(self.hass).async_get_or_create(
                config_entry_id=self.entry.entry_id, **self.hub
            )
            info["via_device_id"] = hub.id  # type: ignore[typeddict-unknown-key]
        else:
            info["via_device"] = (DOMAIN, self.entry.entry_id)
        return info

    def _entities(self, platform: Platform, serial: str) -> list[Entity]:
        coordinator = self.coordinator
        state = coordinator.data.devices[serial]
        identity = state.device.identity
        assert identity is not None
        described = describe_device(
            serial,
            identity,
            state.device.schema,
            coordinator.selection.get(serial),
            writes=coordinator.writes,
            scan_interval=self.scan_interval,
        )
        return build_entities(
            platform,
            coordinator,
            described.by_platform()[platform],
            self.device_info(identity),
            self.entry.entry_id,
        )

    def async_add_platform_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Create the entities of one platform for every device known now."""
        self._adders[platform] = async_add_entities
        self._added[platform] = set()
        entities: list[Entity] = []
        if platform is Platform.BINARY_SENSOR:
            entities += build_entities(
                platform, self.coordinator, [LINK_DESCRIPTION], self.hub, self.entry.entry_id
            )
        for serial in self.coordinator.data.devices:
            entities += self._entities(platform, serial)
            self._added[platform].add(serial)
        async_add_entities(entities)

    @callback
    def _async_add_new_devices(self) -> None:
        if not self.coordinator.last_update_success:
            return
        for platform, add in self._adders.items():
            new = [s for s in self.coordinator.data.devices if s not in self._added[platform]]
            entities: list[Entity] = []
            for serial in new:
                entities += self._entities(platform, serial)
                self._added[platform].add(serial)
            if entities:
                add(entities)

    def async_remove_device(self, device_entry: DeviceEntry) -> bool:
        """A device may be removed once it is no longer on the bus.

        The removal sticks while it stays silent: the coordinator leaves it
        out of its data. When it is heard again it comes back with fresh
        entities.
        """
        for domain, identifier in device_entry.identifiers:
            if domain != DOMAIN or not identifier.startswith("masterbus_"):
                continue
            serial = identifier.removeprefix("masterbus_")
            if self.coordinator.data.online(serial):
                return False
            self.coordinator.forget(serial)
            for added in self._added.values():
                added.discard(serial)
            return True
        return False

    async def async_shutdown(self) -> None:
        """Stop polling, the session and the interface."""
        self._unsubscribe()
        await self.coordinator.async_shutdown()
        await self.coordinator.async_close()

    def diagnostics(self) -> dict[str, Any]:
        """Link, counters, and each device's identity, schema and values."""
        return self.coordinator.diagnostics()

    def diagnostics_settings(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        """The entry's data or options with the field choice keyed by device name, not serial."""
        redacted = super().diagnostics_settings(settings)
        if CONF_FIELDS not in redacted:
            return redacted
        names = {
            serial: state.device.identity.name
            for serial, state in self.coordinator.data.devices.items()
            if state.device.identity is not None
        }
        selection: dict[str, Any] = {}
        for number, (serial, fields) in enumerate(redacted[CONF_FIELDS].items(), start=1):
            name = names.get(serial, "device")
            selection[name if name not in selection else f"{name} ({number})"] = fields
        redacted[CONF_FIELDS] = selection
        return redacted


async def _async_reload_on_change(hass: HomeAssistant, entry: OffGridConfigEntry) -> None:
    runtime = entry.runtime_data
    if isinstance(runtime, MasterbusRuntime) and (
        dict(entry.data) != runtime.started_data or dict(entry.options) != runtime.started_options
    ):
        hass.config_entries.async_schedule_reload(entry.entry_id)


async def async_remove_entry(hass: HomeAssistant, entry: OffGridConfigEntry) -> None:
    """Forget the schema cache of a bus whose entry was deleted."""
    await schema_store(hass, entry.entry_id).async_remove()
    if entry.unique_id is not None:
        hass.data.get(PENDING_CACHE, {}).pop(entry.unique_id, None)


async def async_create_runtime(hass: HomeAssistant, entry: OffGridConfigEntry) -> OffGridRuntime:
    """Open the interface, let the devices announce, poll once, describe the entities."""
    try:
        transport = transport_config(dict(entry.data))
    except (KeyError, ValueError) as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="invalid_entry_data",
            translation_placeholders={"detail": str(err)},
        ) from err
    store = schema_store(hass, entry.entry_id)
    stored = await store.async_load()
    if stored is None and entry.unique_id is not None:
        stored = hass.data.get(PENDING_CACHE, {}).pop(entry.unique_id, None)
    options = entry.options
    selection = selected_fields(entry)
    coordinator = MasterbusCoordinator(
        hass,
        entry,
        transport,
        cache=SchemaCache.from_dict(stored),
        store=store,
        scan_interval=float(options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL)),
        listen_only=bool(options.get(CONF_LISTEN_ONLY, False)),
        writes=bool(options.get(CONF_ENABLE_WRITES, False)),
        selection=selection,
        access_code=access_code(options.get(CONF_ACCESS_CODE)),
    )
    try:
        await coordinator.async_open()
    except TransportError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="masterbus_cannot_open",
            translation_placeholders={"error": str(err)},
        ) from err
    try:
        await coordinator.async_wait_for_devices(len(selection), const.STARTUP_WAIT)
        await coordinator.async_config_entry_first_refresh()
    except BaseException:
        await coordinator.async_close()
        raise
    runtime = MasterbusRuntime(hass, entry, coordinator)
    dr.async_get(hass).async_get_or_create(config_entry_id=entry.entry_id, **runtime.hub)
    entry.async_on_unload(entry.add_update_listener(_async_reload_on_change))
    return runtime
