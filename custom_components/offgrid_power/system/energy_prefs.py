"""Add an off-grid system to Home Assistant's Energy dashboard in one step.

The system's sources go into Home Assistant's own energy preferences, next to
whatever the user has there: each solar source's kWh (its own sensor, or the
system's counter for it), the battery's charge and discharge kWh, and the
loads' kWh as an individual device. Nothing is removed or changed; a source
whose statistic is already in the preferences is left alone, so pressing
twice adds nothing the second time.

Releases differ (README, Energy dashboard): from Home Assistant 2025.12 a
solar source, a battery and a device may also name a power sensor. The
battery's is given in the *inverted* form, because our battery power is
positive while charging and Home Assistant's standard form is positive while
discharging. Each source is checked against the running release's own schema
and the power sensor is dropped where that release does not know it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import voluptuous as vol

from custom_components.offgrid_power.const import DOMAIN

from .choice import SolarSource

if TYPE_CHECKING:
    from .runtime import SystemRuntime

type Source = dict[str, Any]
# Keys that only releases with power sensors in the Energy dashboard accept.
POWER_KEYS: Final = ("stat_rate", "power_config")


class EnergyPlanError(Exception):
    """The system's own sensors are not (yet) registered."""


def _sensor(hass: HomeAssistant, unique_id: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, unique_id)
    if entity_id is None:
        raise EnergyPlanError(unique_id)
    return entity_id


def _source_energy(hass: HomeAssistant, entry_id: str, source: SolarSource) -> str:
    """The source's own kWh sensor, or the system's counter for it."""
    return source.energy or _sensor(hass, f"{entry_id}_{source.key}_energy")


def planned_sources(runtime: SystemRuntime) -> tuple[list[Source], list[Source]]:
    """(energy sources, individual devices) the system brings, power sensors included."""
    hass, entry_id = runtime.hass, runtime.entry.entry_id
    sources: list[Source] = [
        {
            "type": "solar",
            "stat_energy_from": _source_energy(hass, entry_id, source),
            "stat_rate": source.power,
        }
        for source in runtime.choice.solar
    ]
    sources.append(
        {
            "type": "battery",
            "stat_energy_from": _sensor(hass, f"{entry_id}_battery_out_energy"),
            "stat_energy_to": _sensor(hass, f"{entry_id}_battery_in_energy"),
            # Positive while charging: Home Assistant's "inverted" battery power.
            "power_config": {"stat_rate_inverted": _sensor(hass, f"{entry_id}_battery_power")},
        }
    )
    devices: list[Source] = [
        {
            "stat_consumption": _sensor(hass, f"{entry_id}_load_energy"),
            "stat_rate": _sensor(hass, f"{entry_id}_load_power"),
        }
    ]
    return sources, devices


def _fitted(schema: Callable[[Source], Source], source: Source) -> Source:
    """``source`` as this release accepts it: without the power sensor if it knows none."""
    try:
        schema(source)
    except vol.Invalid:
        source = {key: value for key, value in source.items() if key not in POWER_KEYS}
        schema(source)
    return source


def _statistics(source: Mapping[str, Any]) -> set[str]:
    """The energy statistics a source counts; one of them already used means it is there."""
    keys = ("stat_energy_from", "stat_energy_to", "stat_consumption")
    return {source[key] for key in keys if key in source}


def _already_there(source: Source, existing: list[Any]) -> bool:
    used = set().union(*(_statistics(item) for item in existing))
    return bool(_statistics(source) & used)


async def async_add_to_energy_dashboard(runtime: SystemRuntime) -> list[str]:
    """Add the system's missing sources; the energy statistics added (empty: nothing new)."""
    # Imported here: the energy package pulls in the frontend and recorder modules,
    # which only this action needs.
    from homeassistant.components.energy import data as energy_data

    planned_energy, planned_devices = planned_sources(runtime)
    manager = await energy_data.async_get_manager(runtime.hass)
    prefs = manager.data or manager.default_preferences()
    # Plain dicts, checked against the release's own schemas by `_fitted`.
    sources: list[Any] = list(prefs["energy_sources"])
    devices: list[Any] = list(prefs["device_consumption"])
    schemas: dict[str, Callable[[Source], Source]] = {
        "solar": energy_data.SOLAR_SOURCE_SCHEMA,
        "battery": energy_data.BATTERY_SOURCE_SCHEMA,
    }
    added: list[str] = []
    for source in planned_energy:
        if not _already_there(source, sources):
            sources.append(_fitted(schemas[source["type"]], source))
            added += sorted(_statistics(source))
    for device in planned_devices:
        if not _already_there(device, devices):
            devices.append(_fitted(energy_data.DEVICE_CONSUMPTION_SCHEMA, device))
            added += sorted(_statistics(device))
    if added:
        await manager.async_update({"energy_sources": sources, "device_consumption": devices})
    return added
