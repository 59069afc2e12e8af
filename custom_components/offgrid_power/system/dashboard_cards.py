"""The system dashboard's Lovelace configuration, from the entities it shows.

Plain Python, like the insights: `system/dashboard.py` finds the entities in
Home Assistant, this module lays them out. Only Home Assistant's own cards are
used (heading, tile, history-graph, statistics-graph, energy cards), so the
user installs nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

type Card = dict[str, Any]

# The charts show today as it happens (history, live), and each past day from
# midnight to midnight (long-term statistics, stepped with the date picker).
LIVE_HOURS: Final = 24
STATISTICS_PERIOD: Final = "5minute"
ICON: Final = "mdi:solar-power-variant"


@dataclass(frozen=True, slots=True)
class TargetVoltage:
    """A charger's target voltage (absorption, float or the current set-point)."""

    entity_id: str
    name: str


@dataclass(frozen=True, slots=True)
class DeviceSection:
    """One device of the system: its key values and its problem sensors."""

    name: str
    values: tuple[str, ...]
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DashboardContent:
    """Every entity the dashboard shows; an empty field leaves its card out."""

    title: str
    # The day's insights, in reading order, and the live system values.
    insights: tuple[str, ...] = ()
    now: tuple[str, ...] = ()
    battery_voltage: str | None = None
    targets: tuple[TargetVoltage, ...] = ()
    battery_power: tuple[str, ...] = ()
    solar_sources: tuple[str, ...] = ()
    solar_total: str | None = None
    loads: tuple[str, ...] = ()
    # The Energy dashboard is set up: its cards and day picker have data.
    energy: bool = False
    # It has a grid source, which the energy distribution card cannot do without.
    energy_grid: bool = False
    devices: tuple[DeviceSection, ...] = ()
    # Short tile names (the entity's own name, without its device's).
    names: Mapping[str, str] = field(default_factory=dict)


def _heading(text: str, icon: str | None = None) -> Card:
    card: Card = {"type": "heading", "heading": text}
    if icon:
        card["icon"] = icon
    return card


def _tiles(content: DashboardContent, entity_ids: tuple[str, ...]) -> list[Card]:
    tiles: list[Card] = []
    for entity_id in entity_ids:
        tile: Card = {"type": "tile", "entity": entity_id}
        if name := content.names.get(entity_id):
            tile["name"] = name
        tiles.append(tile)
    return tiles


def _section(cards: list[Card]) -> Card:
    return {"type": "grid", "cards": cards}


def _chart_entities(content: DashboardContent, chart: str) -> list[Card | str]:
    """The entities of one chart; target lines carry their own names."""
    if chart == "battery_voltage":
        voltage: list[Card | str] = [content.battery_voltage] if content.battery_voltage else []
        return voltage + [{"entity": t.entity_id, "name": t.name} for t in content.targets]
    if chart == "battery_power":
        return list(content.battery_power)
    if chart == "solar":
        total = [content.solar_total] if content.solar_total else []
        return [*content.solar_sources, *total]
    return list(content.loads)


CHARTS: Final = (
    ("battery_voltage", "Battery voltage and charge targets"),
    ("battery_power", "Battery power (positive while charging)"),
    ("solar", "Solar power"),
    ("loads", "Load power"),
)


def _energy_cards(content: DashboardContent) -> list[Card]:
    """Where today's energy came from and went, from the Energy dashboard's own data."""
    cards: list[Card] = [_heading("Energy today", "mdi:lightning-bolt")]
    # Home Assistant's distribution card needs a grid; an off-grid system has none.
    if content.energy_grid:
        cards.append({"type": "energy-distribution"})
    cards += [{"type": "energy-solar-graph"}, {"type": "energy-sources-table"}]
    return cards


def _today_view(content: DashboardContent) -> Card:
    sections: list[Card] = []
    if content.insights or content.now:
        sections.append(
            _section(
                [
                    _heading("Now", "mdi:flash"),
                    *_tiles(content, content.now),
                    _heading("Today", "mdi:calendar-today"),
                    *_tiles(content, content.insights),
                ]
            )
        )
    charts: list[Card] = [_heading("Today's graphs", "mdi:chart-line")]
    for chart, title in CHARTS:
        if entities := _chart_entities(content, chart):
            charts.append(
                {
                    "type": "history-graph",
                    "title": title,
                    "hours_to_show": LIVE_HOURS,
                    "entities": entities,
                }
            )
    if len(charts) > 1:
        sections.append(_section(charts))
    if content.energy:
        sections.append(_section(_energy_cards(content)))
    for device in content.devices:
        sections.append(
            _section(
                [
                    _heading(device.name, "mdi:devices"),
                    *_tiles(content, device.values),
                    *_tiles(content, device.problems),
                ]
            )
        )
    return {
        "title": "Today",
        "path": "today",
        "icon": ICON,
        "type": "sections",
        "max_columns": 3,
        "sections": sections,
    }


def _days_view(content: DashboardContent) -> Card:
    """Any day from midnight to midnight: statistics stepped with the Energy date picker."""
    cards: list[Card] = [{"type": "energy-date-selection"}]
    for chart, title in CHARTS:
        if entities := _chart_entities(content, chart):
            cards.append(
                {
                    "type": "statistics-graph",
                    "title": title,
                    "chart_type": "line",
                    "period": STATISTICS_PERIOD,
                    "stat_types": ["mean"],
                    "energy_date_selection": True,
                    "entities": entities,
                }
            )
    return {
        "title": "By day",
        "path": "days",
        "icon": "mdi:calendar-range",
        "type": "sections",
        "max_columns": 2,
        "sections": [_section(cards)],
    }


def lovelace_config(content: DashboardContent) -> dict[str, Any]:
    """The dashboard: today live, and past days when the Energy dashboard is set up."""
    views = [_today_view(content)]
    # The date picker reads the Energy preferences; without them it never loads.
    if content.energy:
        views.append(_days_view(content))
    return {"title": content.title, "views": views}


def shown_entities(config: dict[str, Any]) -> set[str]:
    """Every entity id a dashboard configuration refers to (for tests and checks)."""
    found: set[str] = set()

    def visit(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "entity" and isinstance(value, str):
                    found.add(value)
                elif key == "entities" and isinstance(value, list):
                    found.update(item for item in value if isinstance(item, str))
                    visit([item for item in value if not isinstance(item, str)])
                else:
                    visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    visit(config)
    return found
