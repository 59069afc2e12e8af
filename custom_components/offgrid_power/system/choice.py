"""The entities a system entry listens to, parsed once from its options.

Plain Python: the config flow writes the options, everything else reads a
`SystemChoice`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import math
from typing import Any

from .const import (
    CONF_AC_LOAD_POWER,
    CONF_BATTERY_CURRENT,
    CONF_BATTERY_POWER,
    CONF_BATTERY_SOC,
    CONF_BATTERY_VOLTAGE,
    CONF_CHARGE_STATE,
    CONF_CHARGING_W,
    CONF_DC_LOAD_POWER,
    CONF_FULL_SOC,
    CONF_PRODUCING_W,
    CONF_SOLAR_SOURCES,
    CONF_SOURCE_ENERGY,
    CONF_SOURCE_POWER,
)
from .insights.thresholds import (
    DEFAULT_CHARGING_W,
    DEFAULT_FULL_SOC,
    DEFAULT_PRODUCING_W,
    Thresholds,
)


@dataclass(frozen=True, slots=True)
class SolarSource:
    """One solar source: its power sensor, and its own kWh sensor if it has one."""

    power: str
    energy: str | None = None

    @property
    def key(self) -> str:
        """A stable key for the source's entities: its power entity id, slugged."""
        return self.power.replace(".", "_")


@dataclass(frozen=True, slots=True)
class SystemChoice:
    """The battery, solar and load entities of one off-grid system."""

    battery_soc: str | None = None
    battery_voltage: str | None = None
    battery_power: str | None = None
    battery_current: str | None = None
    charge_state: str | None = None
    solar: tuple[SolarSource, ...] = ()
    ac_load_power: str | None = None
    dc_load_power: str | None = None
    thresholds: Thresholds = field(default_factory=Thresholds)

    @property
    def battery_entities(self) -> tuple[str, ...]:
        """The chosen battery sensors, whose loss is a repair issue."""
        return tuple(
            entity_id
            for entity_id in (
                self.battery_soc,
                self.battery_voltage,
                self.battery_power,
                self.battery_current,
            )
            if entity_id
        )

    @property
    def entity_ids(self) -> tuple[str, ...]:
        """Every entity the system listens to, each once."""
        chosen = [
            *self.battery_entities,
            self.charge_state,
            *(source.power for source in self.solar),
            *(source.energy for source in self.solar),
            self.ac_load_power,
            self.dc_load_power,
        ]
        return tuple(dict.fromkeys(entity_id for entity_id in chosen if entity_id))


def _entity(options: Mapping[str, Any], key: str) -> str | None:
    value = options.get(key)
    return value if isinstance(value, str) and value else None


def _number(options: Mapping[str, Any], key: str, default: float) -> float:
    value = options.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return default
    return float(value)


def _sources(raw: Any) -> tuple[SolarSource, ...]:
    if not isinstance(raw, list | tuple):
        return ()
    sources: dict[str, SolarSource] = {}
    for item in raw:
        if not isinstance(item, Mapping):
            continue
        power = _entity(item, CONF_SOURCE_POWER)
        if power is not None and power not in sources:
            sources[power] = SolarSource(power, _entity(item, CONF_SOURCE_ENERGY))
    return tuple(sources.values())


def parse_choice(options: Mapping[str, Any]) -> SystemChoice:
    """Read a system entry's options; anything malformed counts as not chosen."""
    return SystemChoice(
        battery_soc=_entity(options, CONF_BATTERY_SOC),
        battery_voltage=_entity(options, CONF_BATTERY_VOLTAGE),
        battery_power=_entity(options, CONF_BATTERY_POWER),
        battery_current=_entity(options, CONF_BATTERY_CURRENT),
        charge_state=_entity(options, CONF_CHARGE_STATE),
        solar=_sources(options.get(CONF_SOLAR_SOURCES)),
        ac_load_power=_entity(options, CONF_AC_LOAD_POWER),
        dc_load_power=_entity(options, CONF_DC_LOAD_POWER),
        thresholds=Thresholds(
            producing_w=_number(options, CONF_PRODUCING_W, DEFAULT_PRODUCING_W),
            charging_w=_number(options, CONF_CHARGING_W, DEFAULT_CHARGING_W),
            full_soc=_number(options, CONF_FULL_SOC, DEFAULT_FULL_SOC),
        ),
    )
