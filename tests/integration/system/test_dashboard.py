"""The system dashboard: made by the system device's button, rewritten in place, offered for removal."""

from __future__ import annotations

from typing import Any

from homeassistant.components.energy.data import async_get_manager
from homeassistant.components.lovelace.const import LOVELACE_DATA
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.offgrid_power.const import DOMAIN
from custom_components.offgrid_power.system.const import CONF_SOLAR_SOURCES
from custom_components.offgrid_power.system.dashboard import issue_id, url_path
from custom_components.offgrid_power.system.dashboard_cards import shown_entities

from .conftest import AC_LOAD, MPPT_1, MPPT_2, OPTIONS, VOLTAGE, night

BULK = "sensor.inverter_bulk_charge_voltage"
FLOAT = "sensor.inverter_float_charge_voltage"
FAULT = "binary_sensor.inverter_fault"


@pytest.fixture
async def frontend_parts(hass: HomeAssistant) -> None:
    """The parts of the frontend the dashboard lives in."""
    assert await async_setup_component(hass, "http", {})
    assert await async_setup_component(hass, "lovelace", {})
    assert await async_setup_component(hass, "repairs", {})


@pytest.fixture
def inverter(hass: HomeAssistant) -> str:
    """An Off-Grid Power inverter device with the battery voltage, targets and a problem sensor."""
    # Registered as a PowMr entry would register them; the entry itself is never set up.
    entry = MockConfigEntry(domain="test", title="Inverter")
    entry.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, "inverter")}, name="Inverter"
    )
    registry = er.async_get(hass)

    def register(domain: str, key: str, entity_id: str, **kwargs: Any) -> None:
        registered = registry.async_get_or_create(
            domain,
            DOMAIN,
            f"inverter_{key}",
            config_entry=entry,
            device_id=device.id,
            suggested_object_id=entity_id.split(".")[1],
            translation_key=key,
            **kwargs,
        )
        assert registered.entity_id == entity_id

    register("sensor", "battery_voltage", VOLTAGE)
    register("sensor", "output_power", AC_LOAD)
    register("sensor", "bulk_charge_voltage", BULK)
    register("sensor", "float_charge_voltage", FLOAT)
    register("binary_sensor", "fault", FAULT, original_device_class="problem")
    for entity_id, value in ((BULK, "28.8"), (FLOAT, "27.6"), (FAULT, "off")):
        hass.states.async_set(entity_id, value)
    return device.id


async def _press(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    button = er.async_get(hass).async_get_entity_id(
        "button", DOMAIN, f"{entry.entry_id}_create_dashboard"
    )
    assert button is not None
    await hass.services.async_call("button", "press", {ATTR_ENTITY_ID: button}, blocking=True)
    await hass.async_block_till_done()


async def _dashboards(hass: HomeAssistant, hass_ws_client: WebSocketGenerator) -> list[dict]:
    """The dashboards as Settings → Dashboards lists them."""
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "lovelace/dashboards/list"})
    reply = await client.receive_json()
    assert reply["success"], reply
    return list(reply["result"])


async def _config(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    config: dict[str, Any] = (
        await hass.data[LOVELACE_DATA].dashboards[url_path(entry.entry_id)].async_load(False)
    )
    return config


def _card_types(config: dict[str, Any]) -> list[str]:
    return [
        card["type"]
        for view in config["views"]
        for section in view["sections"]
        for card in section["cards"]
    ]


@pytest.mark.usefixtures("frontend_parts")
async def test_the_button_makes_one_dashboard_and_rewrites_it_in_place(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    system_entry: MockConfigEntry,
    inverter: str,
) -> None:
    night(hass)
    assert await hass.config_entries.async_setup(system_entry.entry_id)
    await hass.async_block_till_done()

    await _press(hass, system_entry)
    path = url_path(system_entry.entry_id)
    ours = [d for d in await _dashboards(hass, hass_ws_client) if d["url_path"] == path]
    assert [(d["title"], d["mode"], d["show_in_sidebar"]) for d in ours] == [
        ("Off-grid system", "storage", True)
    ]
    # A panel in the sidebar, as a dashboard made in Settings gets.
    assert path in hass.data["frontend_panels"]

    config = await _config(hass, system_entry)
    assert config["title"] == "Off-grid system"
    # Today only: without Energy preferences the date picker would never load.
    assert [view["path"] for view in config["views"]] == ["today"]
    types = _card_types(config)
    assert types.count("history-graph") == 4
    assert {"heading", "tile", "history-graph"} == set(types)
    shown = shown_entities(config)
    registry = er.async_get(hass)
    system_ids = {
        entity.entity_id
        for entity in er.async_entries_for_config_entry(registry, system_entry.entry_id)
    }
    insight = registry.async_get_entity_id(
        "sensor", DOMAIN, f"{system_entry.entry_id}_battery_full_at"
    )
    assert insight in shown
    # Tiles carry the entity's own name; the section heading names the device.
    tiles = [
        card
        for section in config["views"][0]["sections"]
        for card in section["cards"]
        if card["type"] == "tile"
    ]
    assert {"type": "tile", "entity": insight, "name": "Battery full at"} in tiles
    assert {VOLTAGE, BULK, FLOAT, MPPT_1, MPPT_2, AC_LOAD, FAULT} <= shown
    # Every card refers to an entity that exists.
    assert shown <= system_ids | {state.entity_id for state in hass.states.async_all()}

    # The voltage graph draws the targets as named lines over the battery voltage.
    voltage_graph = next(
        card
        for view in config["views"]
        for section in view["sections"]
        for card in section["cards"]
        if card["type"] == "history-graph" and VOLTAGE in card["entities"]
    )
    assert voltage_graph["entities"] == [
        VOLTAGE,
        {"entity": BULK, "name": "Absorption target"},
        {"entity": FLOAT, "name": "Float target"},
    ]
    # The inverter has a section of its own, with its problem sensor.
    headings = [
        card["heading"]
        for section in config["views"][0]["sections"]
        for card in section["cards"]
        if card["type"] == "heading"
    ]
    assert "Inverter" in headings

    # Again: the same dashboard, rewritten; never a second one.
    hass.config_entries.async_update_entry(system_entry, title="Cabin")
    await _press(hass, system_entry)
    ours = [d for d in await _dashboards(hass, hass_ws_client) if d["url_path"] == path]
    assert [d["title"] for d in ours] == ["Cabin"]
    assert (await _config(hass, system_entry))["title"] == "Cabin"


@pytest.mark.usefixtures("frontend_parts", "inverter")
async def test_the_dashboard_follows_the_systems_choice(
    hass: HomeAssistant, system_entry: MockConfigEntry
) -> None:
    night(hass)
    assert await hass.config_entries.async_setup(system_entry.entry_id)
    await hass.async_block_till_done()
    await _press(hass, system_entry)
    assert MPPT_2 in shown_entities(await _config(hass, system_entry))

    # The user drops a solar source in the options: the entry reloads and the
    # dashboard shows nothing of the dropped source.
    options = {**OPTIONS, CONF_SOLAR_SOURCES: OPTIONS[CONF_SOLAR_SOURCES][:1]}
    hass.config_entries.async_update_entry(system_entry, options=options)
    assert await hass.config_entries.async_reload(system_entry.entry_id)
    await hass.async_block_till_done()
    shown = shown_entities(await _config(hass, system_entry))
    assert MPPT_2 not in shown
    assert not any("mppt_2" in entity_id for entity_id in shown)
    assert MPPT_1 in shown


@pytest.mark.usefixtures("frontend_parts", "inverter")
async def test_energy_preferences_add_the_energy_cards_and_the_day_view(
    hass: HomeAssistant, system_entry: MockConfigEntry
) -> None:
    # The Energy component itself needs the recorder; its preferences, which
    # are all the dashboard reads, do not.
    hass.config.components.add("energy")
    manager = await async_get_manager(hass)
    await manager.async_update(
        {
            "energy_sources": [
                {
                    "type": "solar",
                    "stat_energy_from": "sensor.mppt_1_energy",
                    "config_entry_solar_forecast": None,
                }
            ]
        }
    )
    night(hass)
    assert await hass.config_entries.async_setup(system_entry.entry_id)
    await hass.async_block_till_done()
    await _press(hass, system_entry)

    config = await _config(hass, system_entry)
    assert [view["path"] for view in config["views"]] == ["today", "days"]
    types = _card_types(config)
    assert {"energy-solar-graph", "energy-sources-table"} <= set(types)
    # Home Assistant's distribution card fails without a grid source: none here.
    assert "energy-distribution" not in types

    grid = {"type": "grid", "flow_from": [], "flow_to": [], "cost_adjustment_day": 0.0}
    await manager.async_update({"energy_sources": [*manager.data["energy_sources"], grid]})
    await _press(hass, system_entry)
    assert "energy-distribution" in _card_types(await _config(hass, system_entry))
    days = config["views"][1]["sections"][0]["cards"]
    assert days[0] == {"type": "energy-date-selection"}
    assert {card["type"] for card in days[1:]} == {"statistics-graph"}
    assert all(card["energy_date_selection"] for card in days[1:])


@pytest.mark.usefixtures("frontend_parts", "inverter")
async def test_removing_the_system_offers_to_remove_its_dashboard(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, system_entry: MockConfigEntry
) -> None:
    night(hass)
    assert await hass.config_entries.async_setup(system_entry.entry_id)
    await hass.async_block_till_done()
    await _press(hass, system_entry)
    path = url_path(system_entry.entry_id)

    await hass.config_entries.async_remove(system_entry.entry_id)
    await hass.async_block_till_done()
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id(system_entry.entry_id))
    assert issue is not None
    assert issue.is_fixable
    # Until the user agrees, the dashboard stays.
    assert any(d["url_path"] == path for d in await _dashboards(hass, hass_ws_client))

    manager = repairs_flow_manager(hass)
    assert manager is not None
    flow = await manager.async_init(DOMAIN, data={"issue_id": issue.issue_id})
    assert flow["step_id"] == "confirm"
    assert flow["description_placeholders"] == {"title": "Off-grid system"}
    result = await manager.async_configure(flow["flow_id"], {})
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()
    assert not any(d["url_path"] == path for d in await _dashboards(hass, hass_ws_client))
    assert path not in hass.data["frontend_panels"]
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue.issue_id) is None


@pytest.mark.usefixtures("inverter")
async def test_no_issue_when_no_dashboard_was_made(
    hass: HomeAssistant, system_entry: MockConfigEntry
) -> None:
    night(hass)
    assert await hass.config_entries.async_setup(system_entry.entry_id)
    await hass.async_block_till_done()
    await hass.config_entries.async_remove(system_entry.entry_id)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id(system_entry.entry_id)) is None


@pytest.mark.usefixtures("frontend_parts", "inverter")
async def test_a_dashboard_the_user_deleted_stays_deleted(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, system_entry: MockConfigEntry
) -> None:
    night(hass)
    assert await hass.config_entries.async_setup(system_entry.entry_id)
    await hass.async_block_till_done()
    await _press(hass, system_entry)
    path = url_path(system_entry.entry_id)
    # Deleted in Settings → Dashboards.
    ours = next(d for d in await _dashboards(hass, hass_ws_client) if d["url_path"] == path)
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {"type": "lovelace/dashboards/delete", "dashboard_id": ours["id"]}
    )
    assert (await client.receive_json())["success"]

    # A changed choice does not bring it back, and removing the system asks nothing.
    options = {**OPTIONS, CONF_SOLAR_SOURCES: OPTIONS[CONF_SOLAR_SOURCES][:1]}
    hass.config_entries.async_update_entry(system_entry, options=options)
    assert await hass.config_entries.async_reload(system_entry.entry_id)
    await hass.async_block_till_done()
    assert not any(d["url_path"] == path for d in await _dashboards(hass, hass_ws_client))
    await hass.config_entries.async_remove(system_entry.entry_id)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id(system_entry.entry_id)) is None
