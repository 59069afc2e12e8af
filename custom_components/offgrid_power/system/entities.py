"""The system device's sensors: live values, energy counters and the day's insights.

Unique ids are ``<entry_id>_<key>`` for the system's own values and
``<entry_id>_<source key>_<key>`` for a solar source's (the source key is its
power entity id with the dot replaced by an underscore). Translation keys are
``system_<key>`` so they never collide with a family's keys.

Over 300 lines: more than half is the description table of the system's
sensors (live values, counters, the day's insights, per-source figures).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfPower,
    UnitOfTime,
)
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.typing import StateType

from custom_components.offgrid_power.const import DOMAIN

from .choice import SolarSource
from .const import BATTERY_IN, BATTERY_OUT, LOAD

if TYPE_CHECKING:
    from .runtime import SystemRuntime

type Value = StateType | datetime


@dataclass(frozen=True, kw_only=True)
class SystemSensorEntityDescription(SensorEntityDescription):
    """A value of the whole system.

    ``live`` values are unavailable while a source they need is (never 0);
    a day's figure that has not happened yet is unknown instead.
    """

    value_fn: Callable[[SystemRuntime], Value]
    live: bool = False


@dataclass(frozen=True, kw_only=True)
class SourceSensorEntityDescription(SensorEntityDescription):
    """A value of one solar source."""

    value_fn: Callable[[SystemRuntime, SolarSource], Value]


def _minutes(duration: timedelta | None) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 60, 1)


def _power(key: str, value_fn: Callable[[SystemRuntime], Value]) -> SystemSensorEntityDescription:
    return SystemSensorEntityDescription(
        key=key,
        translation_key=f"system_{key}",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        suggested_display_precision=0,
        value_fn=value_fn,
        live=True,
    )


def _energy(key: str, value_fn: Callable[[SystemRuntime], Value]) -> SystemSensorEntityDescription:
    return SystemSensorEntityDescription(
        key=key,
        translation_key=f"system_{key}",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=value_fn,
    )


def _timestamp(
    key: str, value_fn: Callable[[SystemRuntime], Value]
) -> SystemSensorEntityDescription:
    return SystemSensorEntityDescription(
        key=key,
        translation_key=f"system_{key}",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=value_fn,
    )


def _day_figure(
    key: str,
    value_fn: Callable[[SystemRuntime], Value],
    device_class: SensorDeviceClass,
    unit: str,
    state_class: SensorStateClass | None = SensorStateClass.MEASUREMENT,
    precision: int = 1,
) -> SystemSensorEntityDescription:
    return SystemSensorEntityDescription(
        key=key,
        translation_key=f"system_{key}",
        device_class=device_class,
        state_class=state_class,
        native_unit_of_measurement=unit,
        suggested_display_precision=precision,
        value_fn=value_fn,
    )


SYSTEM_SENSORS: tuple[SystemSensorEntityDescription, ...] = (
    _power("solar_power", lambda rt: rt.sample.total_solar_power),
    _power("battery_power", lambda rt: rt.sample.battery_power),
    _power("load_power", lambda rt: rt.sample.load_power),
    _power("balance", lambda rt: rt.sample.balance),
    _energy("solar_energy", lambda rt: rt.solar_total.total_kwh),
    _energy("battery_in_energy", lambda rt: rt.counters[BATTERY_IN].total_kwh),
    _energy("battery_out_energy", lambda rt: rt.counters[BATTERY_OUT].total_kwh),
    _energy("load_energy", lambda rt: rt.counters[LOAD].total_kwh),
    # Battery today.
    _day_figure(
        "battery_min_voltage",
        lambda rt: rt.insights.min_voltage,
        SensorDeviceClass.VOLTAGE,
        UnitOfElectricPotential.VOLT,
        precision=2,
    ),
    _timestamp("battery_min_voltage_at", lambda rt: rt.insights.min_voltage_at),
    _day_figure(
        "battery_max_voltage",
        lambda rt: rt.insights.max_voltage,
        SensorDeviceClass.VOLTAGE,
        UnitOfElectricPotential.VOLT,
        precision=2,
    ),
    _timestamp("battery_max_voltage_at", lambda rt: rt.insights.max_voltage_at),
    _day_figure(
        "battery_min_soc",
        lambda rt: rt.insights.min_soc,
        SensorDeviceClass.BATTERY,
        PERCENTAGE,
        precision=0,
    ),
    _day_figure(
        "battery_max_charge_power",
        lambda rt: rt.insights.max_charge_power,
        SensorDeviceClass.POWER,
        UnitOfPower.WATT,
        precision=0,
    ),
    _timestamp("charging_started_at", lambda rt: rt.insights.charging_started_at),
    _timestamp("battery_full_at", lambda rt: rt.insights.full_at),
    _day_figure(
        "time_to_full",
        lambda rt: _minutes(rt.insights.time_to_full),
        SensorDeviceClass.DURATION,
        UnitOfTime.MINUTES,
        state_class=None,
        precision=0,
    ),
    # Solar today.
    _timestamp("solar_start_at", lambda rt: rt.insights.solar_start_at),
    _timestamp("solar_stop_at", lambda rt: rt.insights.solar_stop_at),
    _timestamp("solar_covered_load_at", lambda rt: rt.insights.covered_at),
    _day_figure(
        "solar_peak_power",
        lambda rt: rt.insights.peak_solar_power,
        SensorDeviceClass.POWER,
        UnitOfPower.WATT,
        precision=0,
    ),
    _day_figure(
        "solar_yield_today",
        lambda rt: rt.insights.solar_today_kwh,
        SensorDeviceClass.ENERGY,
        UnitOfEnergy.KILO_WATT_HOUR,
        state_class=SensorStateClass.TOTAL_INCREASING,
        precision=2,
    ),
    _day_figure(
        "solar_yield_yesterday",
        lambda rt: rt.insights.solar_yesterday_kwh,
        SensorDeviceClass.ENERGY,
        UnitOfEnergy.KILO_WATT_HOUR,
        state_class=None,
        precision=2,
    ),
    # Consumption.
    _day_figure(
        "overnight_consumption",
        lambda rt: rt.insights.overnight_kwh,
        SensorDeviceClass.ENERGY,
        UnitOfEnergy.KILO_WATT_HOUR,
        state_class=None,
        precision=2,
    ),
    _day_figure(
        "deficit_time_today",
        lambda rt: _minutes(rt.insights.deficit_time),
        SensorDeviceClass.DURATION,
        UnitOfTime.MINUTES,
        state_class=SensorStateClass.TOTAL_INCREASING,
        precision=0,
    ),
)


def _source_figure(
    key: str,
    value_fn: Callable[[SystemRuntime, SolarSource], Value],
    device_class: SensorDeviceClass | None,
    unit: str,
    state_class: SensorStateClass | None,
) -> SourceSensorEntityDescription:
    return SourceSensorEntityDescription(
        key=key,
        translation_key=f"system_source_{key}",
        device_class=device_class,
        state_class=state_class,
        native_unit_of_measurement=unit,
        suggested_display_precision=2 if unit == UnitOfEnergy.KILO_WATT_HOUR else 0,
        value_fn=value_fn,
    )


# A source's lifetime kWh, for a source without a kWh sensor of its own.
SOURCE_ENERGY = _source_figure(
    "energy",
    lambda rt, source: rt.counters[source.key].total_kwh,
    SensorDeviceClass.ENERGY,
    UnitOfEnergy.KILO_WATT_HOUR,
    SensorStateClass.TOTAL_INCREASING,
)

SOURCE_SENSORS: tuple[SourceSensorEntityDescription, ...] = (
    _source_figure(
        "yield_today",
        lambda rt, source: rt.insights.source(source.key).today_kwh,
        SensorDeviceClass.ENERGY,
        UnitOfEnergy.KILO_WATT_HOUR,
        SensorStateClass.TOTAL_INCREASING,
    ),
    _source_figure(
        "yield_yesterday",
        lambda rt, source: rt.insights.source(source.key).yesterday_kwh,
        SensorDeviceClass.ENERGY,
        UnitOfEnergy.KILO_WATT_HOUR,
        None,
    ),
    _source_figure(
        "share_today",
        lambda rt, source: rt.insights.source(source.key).share,
        None,
        PERCENTAGE,
        SensorStateClass.MEASUREMENT,
    ),
    _source_figure(
        "relative_performance",
        lambda rt, source: rt.insights.source(source.key).relative_performance,
        None,
        PERCENTAGE,
        SensorStateClass.MEASUREMENT,
    ),
)


def device_info(runtime: SystemRuntime) -> DeviceInfo:
    """The system's own device."""
    return DeviceInfo(
        identifiers={(DOMAIN, runtime.entry.entry_id)},
        name=runtime.entry.title,
        manufacturer="Off-Grid Power",
        model="Off-grid system",
        entry_type=DeviceEntryType.SERVICE,
    )


class SystemSensor(SensorEntity):
    """A sensor of the system device, written only when its value changes.

    A live value follows every refresh of the runtime, a counter or day figure
    the runtime's less frequent figure writes.
    """

    _attr_has_entity_name = True
    _attr_should_poll = False
    _live = False

    def __init__(self, runtime: SystemRuntime, unique_id: str) -> None:
        self._runtime = runtime
        self._attr_unique_id = unique_id
        self._attr_device_info = device_info(runtime)
        self._written: tuple[Any, bool] | None = None

    def _current(self) -> Value:
        raise NotImplementedError

    async def async_added_to_hass(self) -> None:
        """Follow the runtime's refreshes."""
        await super().async_added_to_hass()
        self.async_on_remove(self._runtime.async_add_listener(self._on_refresh, live=self._live))
        # Home Assistant writes this value once the entity is added.
        self._written = self._update()

    def _update(self) -> tuple[Any, bool]:
        """Take the runtime's current value; return it with the availability."""
        self._attr_native_value = self._current()
        self._attr_available = self._available()
        return self._attr_native_value, self._attr_available

    def _available(self) -> bool:
        return True

    def _on_refresh(self) -> None:
        if (written := self._update()) != self._written:
            self._written = written
            self.async_write_ha_state()


class SystemValueSensor(SystemSensor):
    """A value of the whole system."""

    entity_description: SystemSensorEntityDescription

    def __init__(self, runtime: SystemRuntime, description: SystemSensorEntityDescription) -> None:
        super().__init__(runtime, unique_id(runtime.entry.entry_id, description.key))
        self.entity_description = description
        self._live = description.live

    def _current(self) -> Value:
        return self.entity_description.value_fn(self._runtime)

    def _available(self) -> bool:
        return not self.entity_description.live or self._attr_native_value is not None


class SourceValueSensor(SystemSensor):
    """A value of one solar source, named after the source."""

    entity_description: SourceSensorEntityDescription

    def __init__(
        self,
        runtime: SystemRuntime,
        description: SourceSensorEntityDescription,
        source: SolarSource,
        source_name: str,
    ) -> None:
        super().__init__(runtime, unique_id(runtime.entry.entry_id, description.key, source))
        self.entity_description = description
        self._source = source
        self._attr_translation_placeholders = {"source": source_name}

    def _current(self) -> Value:
        return self.entity_description.value_fn(self._runtime, self._source)


def _source_name(runtime: SystemRuntime, source: SolarSource) -> str:
    """The source's friendly name; at startup its integration may not have written a state yet."""
    hass = runtime.hass
    if (state := hass.states.get(source.power)) is not None:
        return state.name
    entry = er.async_get(hass).async_get(source.power)
    if entry is None or not (name := entry.name or entry.original_name):
        return source.power
    device = dr.async_get(hass).async_get(entry.device_id) if entry.device_id else None
    device_name = device and (device.name_by_user or device.name)
    return f"{device_name} {name}" if entry.has_entity_name and device_name else name


def unique_id(entry_id: str, key: str, source: SolarSource | None = None) -> str:
    """A system sensor's unique id: ``<entry_id>_<key>``, or ``<entry_id>_<source key>_<key>``."""
    return f"{entry_id}_{source.key}_{key}" if source else f"{entry_id}_{key}"


def system_sensors(runtime: SystemRuntime) -> list[SystemSensor]:
    """Every sensor of a system: its own values, then each solar source's."""
    sensors: list[SystemSensor] = [
        SystemValueSensor(runtime, description) for description in SYSTEM_SENSORS
    ]
    for source in runtime.choice.solar:
        name = _source_name(runtime, source)
        descriptions = SOURCE_SENSORS if source.energy else (SOURCE_ENERGY, *SOURCE_SENSORS)
        sensors += [SourceValueSensor(runtime, d, source, name) for d in descriptions]
    return sensors
