"""The system device's "Add to Energy dashboard" button writes Home Assistant's energy preferences.

Run on both supported releases: 2025.4 knows energy statistics only; from
2025.12 a source may also name a power sensor, and the battery's is given in
the inverted form (ours is positive while charging).
"""

from __future__ import annotations

from typing import Any

from awesomeversion import AwesomeVersion
from homeassistant.components import persistent_notification
from homeassistant.components.energy.data import async_get_manager
from homeassistant.const import __version__ as HA_VERSION
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.offgrid_power.const import DOMAIN
from custom_components.offgrid_power.system.energy_button import notification_id

from .conftest import MPPT_1, MPPT_1_ENERGY, MPPT_2, night

# Releases whose Energy dashboard takes power sensors too.
POWER_SENSORS = AwesomeVersion(HA_VERSION) >= AwesomeVersion("2025.12.0")

GRID: dict[str, Any] = {
    "type": "grid",
    "flow_from": [
        {
            "stat_energy_from": "sensor.grid_import",
            "stat_cost": None,
            "entity_energy_price": None,
            "number_energy_price": None,
        }
    ],
    "flow_to": [],
    "cost_adjustment_day": 0.0,
}
ROOF: dict[str, Any] = {
    "type": "solar",
    "stat_energy_from": "sensor.roof_energy",
    "config_entry_solar_forecast": None,
}
FRIDGE: dict[str, Any] = {"stat_consumption": "sensor.fridge_energy", "name": "Fridge"}


class Notifications:
    """The persistent notifications, as the frontend hears of them."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.messages: dict[str, str] = {}
        persistent_notification.async_register_callback(hass, self._update)

    @callback
    def _update(self, update_type: Any, notifications: dict[str, Any]) -> None:
        for key, notification in notifications.items():
            self.messages[key] = notification["message"]


async def _set_up(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, str]:
    """Set the system up; its entity ids by unique-id suffix."""
    night(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return {
        entity.unique_id.removeprefix(f"{entry.entry_id}_"): entity.entity_id
        for entity in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    }


async def _press(hass: HomeAssistant, button: str) -> None:
    await hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)
    await hass.async_block_till_done()


def _expected(ids: dict[str, str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What the system adds, in the form this release stores."""
    solar_1: dict[str, Any] = {"type": "solar", "stat_energy_from": MPPT_1_ENERGY}
    solar_2: dict[str, Any] = {
        "type": "solar",
        "stat_energy_from": ids["sensor_mppt_2_power_energy"],
    }
    battery: dict[str, Any] = {
        "type": "battery",
        "stat_energy_from": ids["battery_out_energy"],
        "stat_energy_to": ids["battery_in_energy"],
    }
    load: dict[str, Any] = {"stat_consumption": ids["load_energy"]}
    if POWER_SENSORS:
        solar_1["stat_rate"] = MPPT_1
        solar_2["stat_rate"] = MPPT_2
        battery["power_config"] = {"stat_rate_inverted": ids["battery_power"]}
        load["stat_rate"] = ids["load_power"]
    return [solar_1, solar_2, battery], [load]


def _without_derived(sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop the power sensor Home Assistant derives itself for an inverted battery."""
    return [
        {k: v for k, v in source.items() if not (k == "stat_rate" and "power_config" in source)}
        for source in sources
    ]


async def test_adds_the_system_next_to_the_users_sources_once(
    hass: HomeAssistant, system_entry: MockConfigEntry
) -> None:
    manager = await async_get_manager(hass)
    await manager.async_update({"energy_sources": [GRID, ROOF], "device_consumption": [FRIDGE]})
    notifications = Notifications(hass)
    ids = await _set_up(hass, system_entry)

    await _press(hass, ids["add_to_energy"])

    assert manager.data is not None
    sources, devices = _expected(ids)
    assert _without_derived(manager.data["energy_sources"]) == [GRID, ROOF, *sources]
    assert manager.data["device_consumption"] == [FRIDGE, *devices]
    if POWER_SENSORS:
        # Home Assistant turns the inverted battery power into a sensor of its own.
        assert manager.data["energy_sources"][-1]["stat_rate"].startswith("sensor.")
    message = notifications.messages[notification_id(system_entry.entry_id)]
    for entity_id in (MPPT_1_ENERGY, ids["battery_in_energy"], ids["load_energy"]):
        assert entity_id in message

    # A second press finds everything there: nothing changes, and the user is told so.
    before = manager.data
    await _press(hass, ids["add_to_energy"])
    assert manager.data == before
    assert "nothing changed" in notifications.messages[notification_id(system_entry.entry_id)]


async def test_a_source_the_user_already_has_is_kept_as_it_is(
    hass: HomeAssistant, system_entry: MockConfigEntry
) -> None:
    # The user already counts MPPT 1, with a forecast, and the system's loads under a name.
    mine = {**ROOF, "stat_energy_from": MPPT_1_ENERGY, "config_entry_solar_forecast": ["abc"]}
    manager = await async_get_manager(hass)
    await manager.async_update({"energy_sources": [mine], "device_consumption": []})
    ids = await _set_up(hass, system_entry)
    loads = {"stat_consumption": ids["load_energy"], "name": "House"}
    await manager.async_update({"device_consumption": [loads]})

    await _press(hass, ids["add_to_energy"])

    assert manager.data is not None
    (_, solar_2, battery), _ = _expected(ids)
    assert _without_derived(manager.data["energy_sources"]) == [mine, solar_2, battery]
    assert manager.data["device_consumption"] == [loads]


async def test_the_button_is_on_the_system_device(
    hass: HomeAssistant, system_entry: MockConfigEntry
) -> None:
    ids = await _set_up(hass, system_entry)
    registry = er.async_get(hass)
    button = registry.async_get(ids["add_to_energy"])
    assert button is not None
    assert button.translation_key == "system_add_to_energy"
    sensor = registry.async_get(ids["solar_power"])
    assert sensor is not None
    assert button.device_id == sensor.device_id
    assert button.platform == DOMAIN
    assert hass.states.get(ids["add_to_energy"]) is not None
