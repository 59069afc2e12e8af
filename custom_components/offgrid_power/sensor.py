"""Sensors: measurements, enums and the energy counters of every family.

The polled families' sensors read the coordinator's data; Victron's are fed
by Home Assistant's Bluetooth processors (one value per entity key).

Over 300 lines on purpose: entity classes live in the platform modules, so
every family's sensor classes (polled, Bluetooth-fed, restored counters) are
here; the per-family files hold only descriptions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.bluetooth import MONOTONIC_TIME, async_last_service_info
from homeassistant.components.bluetooth.passive_update_processor import (
    PassiveBluetoothDataUpdate,
    PassiveBluetoothEntityKey,
    PassiveBluetoothProcessorEntity,
)
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
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.typing import StateType
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .energy import Counter, CounterExtraStoredData, Restorable, counter_time
from .entity import OffGridEntity, OffGridEntityDescription
from .models import platform_entry_setup
from .solar_day import SolarDay
from .victron.const import (
    ENERGY_HOLD_INTERVAL,
    ENERGY_MIN_INTERVAL,
    ENERGY_STATE_DECIMALS,
    STATE_MIN_INTERVAL,
)
from .victron.descriptions import (
    COUNTER_NATIVE,
    ENERGY_DESCRIPTIONS,
    SOLAR_DAY_DESCRIPTIONS,
    VictronEnergyDescription,
    energy_counter,
    solar_day,
)
from .victron.feed import VictronProcessor
from .victron.write_policy import ThrottledWrites, WritePolicy

PARALLEL_UPDATES = 0

async_setup_entry = platform_entry_setup(Platform.SENSOR)


@dataclass(frozen=True, kw_only=True)
class OffGridSensorEntityDescription[DataT](
    SensorEntityDescription, OffGridEntityDescription[DataT]
):
    """A sensor whose value is read from the family's data."""

    value_fn: Callable[[DataT], StateType | datetime]


@dataclass(frozen=True, kw_only=True)
class OffGridEnergySensorEntityDescription[DataT](
    SensorEntityDescription, OffGridEntityDescription[DataT]
):
    """A kWh total kept by a counter fed from the family's data.

    ``source_fn`` gives the counter's input (a power in W for an
    ``EnergyCounter``, a device reading in kWh for a
    ``NativeCounterAccumulator``), None when the data holds no valid value.
    """

    source_fn: Callable[[DataT], float | None]
    counter_factory: Callable[[], Counter]
    device_class: SensorDeviceClass | None = SensorDeviceClass.ENERGY
    state_class: SensorStateClass | str | None = SensorStateClass.TOTAL_INCREASING
    native_unit_of_measurement: str | None = UnitOfEnergy.KILO_WATT_HOUR
    suggested_display_precision: int | None = 2


class OffGridSensor(OffGridEntity[DataUpdateCoordinator[Any]], SensorEntity):
    """A measurement read from the coordinator's data."""

    entity_description: OffGridSensorEntityDescription[Any]

    @property
    def native_value(self) -> StateType | datetime:
        """Return the value, None when the device did not report it."""
        return self.entity_description.value_fn(self.coordinator.data)


class CounterSensor[CounterT: Restorable](RestoreSensor):
    """A value kept by a counter whose state is stored beside the sensor's.

    Shared by the polled families' energy sensors and Victron's energy and
    day sensors, which are fed differently but restore the same way.
    """

    _counter: CounterT

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


class OffGridEnergySensor(OffGridEntity[DataUpdateCoordinator[Any]], CounterSensor[Counter]):
    """A kWh total that survives restarts and only ever grows."""

    entity_description: OffGridEnergySensorEntityDescription[Any]

    def __init__(
        self,
        coordinator: DataUpdateCoordinator[Any],
        description: OffGridEnergySensorEntityDescription[Any],
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
        self._counter.add(value, counter_time(self.hass))


def sensor_for(
    coordinator: DataUpdateCoordinator[Any],
    description: OffGridSensorEntityDescription[Any] | OffGridEnergySensorEntityDescription[Any],
    device_info: DeviceInfo,
    unique_id_prefix: str,
) -> SensorEntity:
    """Build the sensor entity that matches the kind of description."""
    if isinstance(description, OffGridEnergySensorEntityDescription):
        return OffGridEnergySensor(coordinator, description, device_info, unique_id_prefix)
    return OffGridSensor(coordinator, description, device_info, unique_id_prefix)


class VictronSensor(
    ThrottledWrites, PassiveBluetoothProcessorEntity[VictronProcessor], SensorEntity
):
    """A field of the device's advertisement, written as ``victron.write_policy`` says."""

    entity_description: SensorEntityDescription

    def __init__(
        self,
        processor: VictronProcessor,
        entity_key: PassiveBluetoothEntityKey,
        description: SensorEntityDescription,
    ) -> None:
        super().__init__(processor, entity_key, description)
        self._write_policy = WritePolicy(
            STATE_MIN_INTERVAL, description.suggested_display_precision
        )

    @property
    def native_value(self) -> StateType:
        value: StateType = self.processor.entity_data.get(self.entity_key)
        return value

    def _offered_state(self) -> Any:
        return self.native_value

    @callback
    def _handle_processor_update(self, new_data: PassiveBluetoothDataUpdate[Any] | None) -> None:
        self.async_offer_state()


class VictronEnergySensor(
    ThrottledWrites, PassiveBluetoothProcessorEntity[VictronProcessor], CounterSensor[Counter]
):
    """A kWh total fed by the readings of its input; survives restarts, only grows.

    The processor calls it when its input (a power, or yield today) changes;
    a timer repeats an unchanged power, so a steady load keeps counting. The
    counter is the same one ``sensor.OffGridEnergySensor`` keeps for polled
    families and is restored the same way (``sensor.CounterSensor``). Only
    live readings feed it: the processor hands restored values out before
    the entity listens, and they are old. Its state is written at a bounded
    rate (``victron.write_policy``).
    """

    entity_description: VictronEnergyDescription

    def __init__(
        self,
        processor: VictronProcessor,
        entity_key: PassiveBluetoothEntityKey,
        description: SensorEntityDescription,
    ) -> None:
        energy_description = ENERGY_DESCRIPTIONS[description.key]
        super().__init__(processor, entity_key, energy_description)
        self._counter = energy_counter(energy_description)
        self._last_input: float | None = None
        self._write_policy = WritePolicy(ENERGY_MIN_INTERVAL, ENERGY_STATE_DECIMALS)

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        await self.async_restore_counter()
        value = self.processor.entity_data.get(self.entity_key)
        self._last_input = value if isinstance(value, float | int) else None
        if self.processor.available:
            # Created by a live reading: count from it. (After a restart the
            # processor's value is a restored one until the device is heard.)
            self._feed(self._last_input)
        if self.entity_description.counter != COUNTER_NATIVE:
            self.async_on_remove(
                async_track_time_interval(self.hass, self._hold, ENERGY_HOLD_INTERVAL)
            )

    @property
    def native_value(self) -> float:
        return round(self._counter.total_kwh, ENERGY_STATE_DECIMALS)

    @callback
    def _handle_processor_update(self, new_data: PassiveBluetoothDataUpdate[Any] | None) -> None:
        if new_data is None:
            # The device went away: never integrate across the gap.
            self._last_input = None
            self._counter.interrupt()
            self.async_offer_state()
            return
        value = self.processor.entity_data.get(self.entity_key)
        self._last_input = value if isinstance(value, float | int) else None
        self._feed(self._last_input)

    @callback
    def _hold(self, _: Any) -> None:
        """Repeat an unchanged power up to when the device was last heard.

        Home Assistant delivers no callback for a repeated advertisement but
        notes when it was heard; a silent device stops counting there.
        """
        if self._last_input is None or not self.processor.available:
            return
        last = async_last_service_info(self.hass, self.processor.coordinator.address, False)
        if last is not None:
            heard_ago = max(MONOTONIC_TIME() - last.time, 0.0)
            self._feed(self._last_input, counter_time(self.hass) - heard_ago)

    def _offered_state(self) -> Any:
        return self.native_value

    def _feed(self, value: float | None, at: float | None = None) -> None:
        at = counter_time(self.hass) if at is None else at
        if self._counter.add(value, at):
            self.async_offer_state()


class VictronSolarDaySensor(
    PassiveBluetoothProcessorEntity[VictronProcessor], CounterSensor[SolarDay]
):
    """Yield yesterday or maximum PV power today, kept by a ``SolarDay``.

    Its input is the pair (yield today, PV power); like the energy totals,
    only live readings feed it, and its tracker is restored after a restart.
    """

    def __init__(
        self,
        processor: VictronProcessor,
        entity_key: PassiveBluetoothEntityKey,
        description: SensorEntityDescription,
    ) -> None:
        super().__init__(processor, entity_key, SOLAR_DAY_DESCRIPTIONS[description.key])
        self._counter = solar_day()

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        await self.async_restore_counter()
        if self.processor.available:
            self._feed()

    @property
    def native_value(self) -> float | None:
        if self.entity_description.key == "yield_yesterday":
            return self._counter.yesterday_kwh
        return self._counter.max_power_today_w

    @callback
    def _handle_processor_update(self, new_data: PassiveBluetoothDataUpdate[Any] | None) -> None:
        if new_data is not None:
            self._feed()
        # Written either way: availability follows the device.
        self.async_write_ha_state()

    def _feed(self) -> None:
        pair = self.processor.entity_data.get(self.entity_key)
        if isinstance(pair, list | tuple) and len(pair) == 2:
            # Wall-clock time: the day's last reading is compared across restarts.
            self._counter.add(pair[0], pair[1], dt_util.utcnow().timestamp())


def bluetooth_sensor_for(
    processor: VictronProcessor,
    entity_key: PassiveBluetoothEntityKey,
    description: SensorEntityDescription,
) -> SensorEntity:
    """Energy totals and day values are sensors of their own kinds; the processor creates all."""
    if entity_key.key in ENERGY_DESCRIPTIONS:
        return VictronEnergySensor(processor, entity_key, description)
    if entity_key.key in SOLAR_DAY_DESCRIPTIONS:
        return VictronSolarDaySensor(processor, entity_key, description)
    return VictronSensor(processor, entity_key, description)
