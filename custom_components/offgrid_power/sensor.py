"""Sensors: measurements, enums and the energy counters of every family."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import Platform, UnitOfEnergy
from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.typing import StateType
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .energy import Counter, CounterExtraStoredData
from .entity import OffGridEntity, OffGridEntityDescription
from .models import platform_entry_setup

PARALLEL_UPDATES = 0

async_setup_entry = platform_entry_setup(Platform.SENSOR)


@dataclass(frozen=True, kw_only=True)
class OffGridSensorEntityDescription(SensorEntityDescription, OffGridEntityDescription):
    """A sensor whose value is read from the family's data."""

    value_fn: Callable[[Any], StateType | datetime]


@dataclass(frozen=True, kw_only=True)
class OffGridEnergySensorEntityDescription(SensorEntityDescription, OffGridEntityDescription):
    """A kWh total kept by a counter fed from the family's data.

    ``source_fn`` gives the counter's input (a power in W for an
    ``EnergyCounter``, a device reading in kWh for a
    ``NativeCounterAccumulator``), None when the data holds no valid value.
    """

    source_fn: Callable[[Any], float | None]
    counter_factory: Callable[[], Counter]
    device_class: SensorDeviceClass | None = SensorDeviceClass.ENERGY
    state_class: SensorStateClass | str | None = SensorStateClass.TOTAL_INCREASING
    native_unit_of_measurement: str | None = UnitOfEnergy.KILO_WATT_HOUR
    suggested_display_precision: int | None = 2


class OffGridSensor(OffGridEntity[DataUpdateCoordinator[Any]], SensorEntity):
    """A measurement read from the coordinator's data."""

    entity_description: OffGridSensorEntityDescription

    @property
    def native_value(self) -> StateType | datetime:
        """Return the value, None when the device did not report it."""
        return self.entity_description.value_fn(self.coordinator.data)


class CounterSensor(RestoreSensor):
    """A kWh total kept by a `Counter` whose state is stored beside the sensor's.

    Shared by the polled families' energy sensors and Victron's, which are fed
    differently but restore the same way.
    """

    _counter: Counter

    async def async_restore_counter(self) -> None:
        """Continue the counter from what was stored at the last stop, if it is ours."""
        if (last := await self.async_get_last_extra_data()) is not None and (
            stored := CounterExtraStoredData.from_dict(last.as_dict())
        ) is not None:
            self._counter.restore(stored.counter)

    @property
    def extra_restore_state_data(self) -> CounterExtraStoredData:
        """Store the counter's state next to the sensor value."""
        return CounterExtraStoredData(
            self.native_value, self.native_unit_of_measurement, self._counter.as_dict()
        )


class OffGridEnergySensor(OffGridEntity[DataUpdateCoordinator[Any]], CounterSensor):
    """A kWh total that survives restarts and only ever grows."""

    entity_description: OffGridEnergySensorEntityDescription

    def __init__(
        self,
        coordinator: DataUpdateCoordinator[Any],
        description: OffGridEnergySensorEntityDescription,
        device_info: DeviceInfo,
        unique_id_prefix: str,
    ) -> None:
        super().__init__(coordinator, description, device_info, unique_id_prefix)
        self._counter = description.counter_factory()

    async def async_added_to_hass(self) -> None:
        """Restore the counter, then take the current data as the first sample."""
        await super().async_added_to_hass()
        await self.async_restore_counter()
        if self.coordinator.last_update_success:
            self._feed()

    @property
    def native_value(self) -> float:
        """Return the total in kWh."""
        return self._counter.total_kwh

    @callback
    def _handle_coordinator_update(self) -> None:
        if self.coordinator.last_update_success:
            self._feed()
        else:
            self._counter.interrupt()
        super()._handle_coordinator_update()

    def _feed(self) -> None:
        value = self.entity_description.source_fn(self.coordinator.data)
        self._counter.add(value, dt_util.utcnow().timestamp())


def sensor_for(
    coordinator: DataUpdateCoordinator[Any],
    description: OffGridSensorEntityDescription | OffGridEnergySensorEntityDescription,
    device_info: DeviceInfo,
    unique_id_prefix: str,
) -> SensorEntity:
    """Build the sensor entity that matches the kind of description."""
    if isinstance(description, OffGridEnergySensorEntityDescription):
        return OffGridEnergySensor(coordinator, description, device_info, unique_id_prefix)
    return OffGridSensor(coordinator, description, device_info, unique_id_prefix)
