"""The runtime of a PowMr entry: the link, its coordinator and its entities."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PORT, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from custom_components.offgrid_power.builders import build_entities
from custom_components.offgrid_power.const import DOMAIN
from custom_components.offgrid_power.device_names import unique_device_name
from custom_components.offgrid_power.entity import OffGridEntityDescription
from custom_components.offgrid_power.models import OffGridConfigEntry, OffGridRuntime
from custom_components.offgrid_power.protocol.powmr import PowmrError, PowmrFamily
from custom_components.offgrid_power.protocol.redact import without_userinfo

from .const import (
    CONF_ENABLE_WRITES,
    CONF_SCAN_INTERVAL,
    CONF_TRANSPORT,
    DEFAULT_SCAN_INTERVAL,
    Transport,
)
from .coordinator import PowmrCoordinator
from .data import PowmrData
from .descriptions import (
    BINARY_SENSORS,
    SENSORS,
    ControlDescriptions,
    control_descriptions,
    energy_descriptions,
)
from .source import build_source

MODELS = {
    PowmrFamily.FAMILY_A: "Family A (WIFI-VM, 2400 baud)",
    PowmrFamily.SMG_II: "SMG-II",
}
# Device names (and so entity ids): what the inverter is, not where it is.
DEVICE_NAMES = {
    PowmrFamily.FAMILY_A: "PowMr inverter",
    PowmrFamily.SMG_II: "PowMr SMG-II",
}


def configuration_url(data: Mapping[str, Any]) -> str | None:
    """The ESP32 dongle's own web page; the other links have none to offer."""
    if data.get(CONF_TRANSPORT) != Transport.DONGLE_HTTP:
        return None
    port = int(data.get(CONF_PORT, 80))
    return without_userinfo(f"http://{data[CONF_HOST]}" + ("" if port == 80 else f":{port}"))


class PowmrRuntime(OffGridRuntime):
    """Everything a loaded PowMr entry owns."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: OffGridConfigEntry,
        coordinator: PowmrCoordinator,
        serial_number: str | None = None,
    ) -> None:
        super().__init__(hass, entry)
        self.coordinator = coordinator
        self.started_data = dict(entry.data)
        self.started_options = dict(entry.options)
        data = coordinator.data
        self.controls: ControlDescriptions | None = None
        client = coordinator.client
        if entry.options.get(CONF_ENABLE_WRITES) and client is not None:
            assert client.register_map is not None
            self.controls = control_descriptions(
                client.register_map, client.battery_nominal_voltage
            )
        self.descriptions = self._descriptions()
        self.platforms = tuple(self.descriptions)
        snapshot = data.snapshot
        version = snapshot.readings.main_cpu_version
        rated = snapshot.readings.rated_active_power
        identifier = (DOMAIN, entry.entry_id)
        self.device_info = DeviceInfo(
            identifiers={identifier},
            manufacturer="PowMr",
            model=MODELS.get(snapshot.family, str(snapshot.family)),
            model_id=None if rated is None else f"{rated:.0f} W",
            name=unique_device_name(
                hass, DEVICE_NAMES.get(snapshot.family, "PowMr inverter"), identifier
            ),
            sw_version=None if version is None else str(version),
            serial_number=serial_number,
        )
        if (url := configuration_url(entry.data)) is not None:
            self.device_info["configuration_url"] = url

    def _descriptions(self) -> dict[Platform, list[OffGridEntityDescription[PowmrData]]]:
        """What this unit has, per platform; read-only mirrors of settings give way to controls."""
        data, controls = self.coordinator.data, self.controls
        sensors: list[OffGridEntityDescription[PowmrData]] = [
            description
            for description in SENSORS
            if description.exists_fn(data) and not (controls and description.mirrors_setting)
        ]
        sensors += [
            description
            for description in energy_descriptions(self.coordinator.scan_interval)
            if description.exists_fn(data)
        ]
        described: dict[Platform, list[OffGridEntityDescription[PowmrData]]] = {
            Platform.SENSOR: sensors,
            Platform.BINARY_SENSOR: [d for d in BINARY_SENSORS if d.exists_fn(data)],
        }
        if controls is not None:
            described[Platform.NUMBER] = list(controls.numbers)
            described[Platform.SELECT] = list(controls.selects)
            described[Platform.SWITCH] = list(controls.switches)
            if controls.buttons:
                described[Platform.BUTTON] = list(controls.buttons)
        return described

    def async_add_platform_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Create the entities of one platform that this unit has."""
        async_add_entities(
            build_entities(
                platform,
                self.coordinator,
                self.descriptions.get(platform, ()),
                self.device_info,
                self.entry.entry_id,
            )
        )

    async def async_shutdown(self) -> None:
        """Stop polling and close the link."""
        await self.coordinator.async_shutdown()
        await self.coordinator.source.close()

    def diagnostics(self) -> dict[str, Any]:
        """Blocks as received and decoded, read plan, counters and ratings."""
        return {"writes_enabled": self.controls is not None, **self.coordinator.diagnostics()}


async def _async_reload_on_change(hass: HomeAssistant, entry: OffGridConfigEntry) -> None:
    # Options or (after a reconfigure) connection changed: start over with them.
    runtime = entry.runtime_data
    if isinstance(runtime, PowmrRuntime) and (
        dict(entry.data) != runtime.started_data or dict(entry.options) != runtime.started_options
    ):
        hass.config_entries.async_schedule_reload(entry.entry_id)


async def async_create_runtime(hass: HomeAssistant, entry: OffGridConfigEntry) -> OffGridRuntime:
    """Connect, read the first snapshot and describe the entities."""
    if CONF_TRANSPORT not in entry.data:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="invalid_entry_data",
            translation_placeholders={"detail": CONF_TRANSPORT},
        )
    source = build_source(hass, entry.data, entry.options)
    scan_interval = float(entry.options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL))
    coordinator = PowmrCoordinator(hass, entry, source, scan_interval)
    try:
        await coordinator.async_config_entry_first_refresh()
    except BaseException:
        await source.close()
        raise
    runtime = PowmrRuntime(hass, entry, coordinator, await _serial_number(coordinator))
    entry.async_on_unload(entry.add_update_listener(_async_reload_on_change))
    return runtime


async def _serial_number(coordinator: PowmrCoordinator) -> str | None:
    """The unit's serial number for the device page; a unit that does not give it has none."""
    if (client := coordinator.client) is None:
        return None
    try:
        return await client.read_serial_number()
    except PowmrError:
        return None
