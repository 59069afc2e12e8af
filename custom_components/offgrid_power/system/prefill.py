"""Suggest the system's entities from the Off-Grid Power devices already set up.

Only the entity registry is read (platform, translation key, device), never a
family's internals, so any family that names its entities with the shared
translation keys is suggested, and the user may still pick any entity.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from custom_components.offgrid_power.const import DOMAIN

from .const import (
    CONF_AC_LOAD_POWER,
    CONF_BATTERY_CURRENT,
    CONF_BATTERY_POWER,
    CONF_BATTERY_SOC,
    CONF_BATTERY_VOLTAGE,
    CONF_CHARGE_STATE,
    CONF_SOLAR_SOURCES,
    CONF_SOURCE_ENERGY,
    CONF_SOURCE_POWER,
)

# The families' translation keys for each role, most specific first.
ROLE_KEYS: Final[dict[str, tuple[str, ...]]] = {
    CONF_BATTERY_SOC: ("state_of_charge", "battery_soc"),
    CONF_BATTERY_VOLTAGE: ("battery_voltage",),
    CONF_BATTERY_POWER: ("battery_power",),
    CONF_BATTERY_CURRENT: ("battery_current",),
    CONF_CHARGE_STATE: ("device_state",),
    CONF_AC_LOAD_POWER: ("ac_out_power", "output_active_power"),
}
SOLAR_POWER_KEYS: Final = ("pv_power",)
SOLAR_ENERGY_KEYS: Final = ("solar_energy", "pv_energy")


def _ours(hass: HomeAssistant) -> list[er.RegistryEntry]:
    return sorted(
        (
            entry
            for entry in er.async_get(hass).entities.values()
            if entry.platform == DOMAIN
            and entry.domain == "sensor"
            and entry.disabled_by is None
            and entry.translation_key
            and not entry.translation_key.startswith("system_")
        ),
        key=lambda entry: entry.entity_id,
    )


def _first(
    entries: Iterable[er.RegistryEntry], keys: tuple[str, ...], device_id: str | None
) -> er.RegistryEntry | None:
    """The entry with the earliest key; one on ``device_id`` wins a tie."""
    ranked = [
        (keys.index(entry.translation_key), entry.device_id != device_id, entry.entity_id, entry)
        for entry in entries
        if entry.translation_key in keys
    ]
    return min(ranked)[3] if ranked else None


def suggested_choice(hass: HomeAssistant) -> dict[str, Any]:
    """Options pre-filled from the registry; roles without a match are left out."""
    entries = _ours(hass)
    suggestion: dict[str, Any] = {}
    soc = _first(entries, ROLE_KEYS[CONF_BATTERY_SOC], None)
    # Voltage, power and current preferably from the device that knows the SoC
    # (a battery monitor), not from an inverter's own estimate.
    battery_device = soc.device_id if soc else None
    for role, keys in ROLE_KEYS.items():
        if (found := _first(entries, keys, battery_device)) is not None:
            suggestion[role] = found.entity_id
    sources = []
    for power in (entry for entry in entries if entry.translation_key in SOLAR_POWER_KEYS):
        energy = _first(
            (entry for entry in entries if entry.device_id == power.device_id),
            SOLAR_ENERGY_KEYS,
            power.device_id,
        )
        sources.append(
            {CONF_SOURCE_POWER: power.entity_id, CONF_SOURCE_ENERGY: energy and energy.entity_id}
        )
    if sources:
        suggestion[CONF_SOLAR_SOURCES] = sources
    return suggestion
