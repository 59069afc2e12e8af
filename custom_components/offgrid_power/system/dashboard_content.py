"""What the system dashboard shows, found in Home Assistant's registries.

Only entities that exist (registered and enabled, or with a state) are shown,
so a dashboard never carries a card for an entity that is gone. The devices
are those of the entities the system listens to; their charger target
voltages draw the lines over the battery voltage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Final

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.energy.data import async_get_manager
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er

from custom_components.offgrid_power.const import DOMAIN
from custom_components.offgrid_power.models import OffGridConfigEntry

from .choice import SystemChoice, parse_choice
from .dashboard_cards import DashboardContent, DeviceSection, TargetVoltage

# The system device's insights, in the order a person reads their day.
INSIGHT_KEYS: Final = (
    "solar_yield_today",
    "solar_start_at",
    "solar_covered_load_at",
    "solar_stop_at",
    "solar_peak_power",
    "charging_started_at",
    "battery_full_at",
    "time_to_full",
    "battery_min_voltage",
    "battery_max_voltage",
    "battery_min_soc",
    "battery_max_charge_power",
    "overnight_consumption",
    "deficit_time_today",
)
NOW_KEYS: Final = ("solar_power", "battery_power", "load_power", "balance")

# Off-Grid Power entities that are a charger's target voltage, by translation
# key (the same for a setting's sensor and, with writes on, its number).
TARGET_NAMES: Final = {
    "bulk_charge_voltage": "Absorption target",
    "float_charge_voltage": "Float target",
    "network_charge_voltage_setpoint": "Charge voltage set-point",
}


class _Finder:
    """Registry look-ups for one dashboard build."""

    def __init__(self, hass: HomeAssistant, entry: OffGridConfigEntry) -> None:
        self.hass = hass
        self.entry = entry
        self.entities = er.async_get(hass)
        self.devices = dr.async_get(hass)

    def present(self, entity_id: str | None) -> bool:
        """Registered and enabled, or (not registered) with a state."""
        if not entity_id:
            return False
        if (registered := self.entities.async_get(entity_id)) is not None:
            return registered.disabled_by is None
        return self.hass.states.get(entity_id) is not None

    def existing(self, entity_ids: Iterable[str | None]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e for e in entity_ids if e and self.present(e)))

    def system_entity(self, key: str) -> str | None:
        entity_id = self.entities.async_get_entity_id(
            Platform.SENSOR, DOMAIN, f"{self.entry.entry_id}_{key}"
        )
        return entity_id if self.present(entity_id) else None

    def device_ids(self, choice: SystemChoice) -> list[str]:
        """The devices of the chosen entities, in the order they were chosen."""
        found: dict[str, None] = {}
        for entity_id in choice.entity_ids:
            registered = self.entities.async_get(entity_id)
            if registered is not None and registered.device_id:
                found[registered.device_id] = None
        return list(found)

    def device_entities(self, device_id: str) -> list[er.RegistryEntry]:
        return [
            registered
            for registered in er.async_entries_for_device(self.entities, device_id)
            if registered.disabled_by is None
        ]

    def targets(self, device_id: str) -> list[TargetVoltage]:
        return [
            TargetVoltage(registered.entity_id, TARGET_NAMES[registered.translation_key])
            for registered in self.device_entities(device_id)
            if registered.platform == DOMAIN and registered.translation_key in TARGET_NAMES
        ]

    def named_targets(self, device_ids: Iterable[str]) -> dict[str, list[TargetVoltage]]:
        """The devices' targets by device; with two chargers, each line says whose it is."""
        by_device = {
            device_id: found for device_id in device_ids if (found := self.targets(device_id))
        }
        if len(by_device) < 2:
            return by_device
        return {
            device_id: [
                replace(target, name=f"{target.name} · {self.device_name(device_id)}")
                for target in found
            ]
            for device_id, found in by_device.items()
        }

    def problems(self, device_id: str) -> list[str]:
        return [
            registered.entity_id
            for registered in self.device_entities(device_id)
            if registered.domain == Platform.BINARY_SENSOR
            and (registered.device_class or registered.original_device_class)
            == BinarySensorDeviceClass.PROBLEM
        ]

    def short_names(self, entity_ids: Iterable[str]) -> dict[str, str]:
        """Each entity's own name (a user's rename first), for entities named under a device."""
        names: dict[str, str] = {}
        for entity_id in entity_ids:
            registered = self.entities.async_get(entity_id)
            if registered is None or not registered.has_entity_name:
                continue
            if name := registered.name or registered.original_name:
                names[entity_id] = name
        return names

    def device_name(self, device_id: str) -> str:
        device = self.devices.async_get(device_id)
        if device is None:
            return device_id
        return device.name_by_user or device.name or device_id


async def energy_source_types(hass: HomeAssistant) -> set[str]:
    """The Energy dashboard's kinds of source (solar, battery, grid...), which its cards need."""
    if "energy" not in hass.config.components:
        return set()
    preferences = (await async_get_manager(hass)).data
    if preferences is None:
        return set()
    return {source["type"] for source in preferences["energy_sources"]}


async def async_dashboard_content(
    hass: HomeAssistant, entry: OffGridConfigEntry
) -> DashboardContent:
    """Everything the dashboard of one system entry shows, as it is now."""
    find = _Finder(hass, entry)
    choice = parse_choice(entry.options)
    device_ids = find.device_ids(choice)
    chosen = set(choice.entity_ids)
    targets = find.named_targets(device_ids)
    sections = []
    for device_id in device_ids:
        values = find.existing(
            registered.entity_id
            for registered in find.device_entities(device_id)
            if registered.entity_id in chosen
        )
        device_targets = tuple(t.entity_id for t in targets.get(device_id, ()))
        sections.append(
            DeviceSection(
                name=find.device_name(device_id),
                values=(*values, *device_targets),
                problems=tuple(find.problems(device_id)),
            )
        )
    energy = await energy_source_types(hass)
    loads = [choice.ac_load_power, choice.dc_load_power]
    if choice.ac_load_power and choice.dc_load_power:
        loads.append(find.system_entity("load_power"))
    content = DashboardContent(
        title=entry.title,
        insights=find.existing(find.system_entity(key) for key in INSIGHT_KEYS),
        now=find.existing([choice.battery_soc, *(find.system_entity(key) for key in NOW_KEYS)]),
        battery_voltage=choice.battery_voltage if find.present(choice.battery_voltage) else None,
        targets=tuple(target for found in targets.values() for target in found),
        battery_power=find.existing([find.system_entity("battery_power")]),
        solar_sources=find.existing(source.power for source in choice.solar),
        solar_total=find.system_entity("solar_power") if len(choice.solar) > 1 else None,
        loads=find.existing(loads),
        energy=bool(energy),
        energy_grid="grid" in energy,
        devices=tuple(section for section in sections if section.values or section.problems),
    )
    tiles = [*content.insights, *content.now]
    for section in content.devices:
        tiles += [*section.values, *section.problems]
    return replace(content, names=find.short_names(tiles))
