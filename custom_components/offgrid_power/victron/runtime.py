"""The Victron runtime: one Bluetooth processor coordinator per device.

Entities are created lazily by the processors when a field first appears
in a decoded advertisement, and restored with their last values after a
restart. The coordinator starts only once every platform has registered its
processor, so the first advertisement reaches all of them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.bluetooth import (
    MONOTONIC_TIME,
    BluetoothScanningMode,
    BluetoothServiceInfoBleak,
    async_get_learned_advertising_interval,
    async_last_service_info,
    async_rediscover_address,
    async_set_fallback_availability_interval,
    async_track_unavailable,
)
from homeassistant.components.bluetooth.passive_update_processor import (
    PassiveBluetoothDataProcessor,
    PassiveBluetoothDataUpdate,
    PassiveBluetoothEntityKey,
    PassiveBluetoothProcessorCoordinator,
    PassiveBluetoothProcessorEntity,
)
from homeassistant.components.sensor import SensorEntity, SensorEntityDescription
from homeassistant.const import CONF_ADDRESS, Platform
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from custom_components.offgrid_power.const import DOMAIN, LOGGER
from custom_components.offgrid_power.energy import (
    Counter,
    EnergyCounter,
    IntegrationMethod,
    NativeCounterAccumulator,
)
from custom_components.offgrid_power.models import OffGridConfigEntry, OffGridRuntime
from custom_components.offgrid_power.protocol.victron import (
    InvalidKeyError,
    VeSmartNetwork,
    normalize_key,
    normalize_network_id,
)
from custom_components.offgrid_power.sensor import CounterSensor

from .const import CONF_KEY, CONF_NETWORK_ID, CONF_NETWORK_KEY
from .coordinator import (
    AdvertisementDecoder,
    ProcessorFeed,
    VictronUpdate,
    binary_sensor_values,
    describe_binary_sensor,
    describe_sensor,
    sensor_values,
)
from .descriptions import COUNTER_NATIVE, ENERGY_DESCRIPTIONS, VictronEnergyDescription

# Victron devices advertise several times a second; a proxy cannot tell when one
# leaves, so without this Home Assistant would wait 15 minutes before marking it gone.
FALLBACK_AVAILABILITY_SECONDS: Final = 120.0
# An integrated counter holds the last power between advertisements that repeat
# the same data, and never bridges more than this without a sample.
ENERGY_HOLD_INTERVAL: Final = timedelta(seconds=30)
ENERGY_MAX_STEP_SECONDS: Final = 90.0
# States in whole Wh: a new state every second for a few mWh would only load
# the recorder; the counter itself keeps full precision (and restores it).
ENERGY_STATE_DECIMALS: Final = 3
# Bounds how fast a yield-today counter can plausibly grow (kW).
MAX_SOLAR_POWER_KW: Final = 50.0

type VictronCoordinator = PassiveBluetoothProcessorCoordinator[VictronUpdate]
type VictronProcessor = PassiveBluetoothDataProcessor[Any, VictronUpdate]


class VictronSensor(PassiveBluetoothProcessorEntity[VictronProcessor], SensorEntity):
    """A field of the device's advertisement."""

    entity_description: SensorEntityDescription

    @property
    def native_value(self) -> StateType:
        value: StateType = self.processor.entity_data.get(self.entity_key)
        return value


class VictronBinarySensor(PassiveBluetoothProcessorEntity[VictronProcessor], BinarySensorEntity):
    """A problem reported in the device's advertisement."""

    entity_description: BinarySensorEntityDescription

    @property
    def is_on(self) -> bool | None:
        value = self.processor.entity_data.get(self.entity_key)
        return None if value is None else bool(value)


def _counter_for(description: VictronEnergyDescription) -> Counter:
    if description.counter == COUNTER_NATIVE:
        return NativeCounterAccumulator(max_power_kw=MAX_SOLAR_POWER_KW)
    # A reading holds until the next one: the power is a step function.
    return EnergyCounter(max_step=ENERGY_MAX_STEP_SECONDS, method=IntegrationMethod.LEFT)


class VictronEnergySensor(PassiveBluetoothProcessorEntity[VictronProcessor], CounterSensor):
    """A kWh total fed by the readings of its input; survives restarts, only grows.

    The processor calls it when its input (a power, or yield today) changes;
    a timer repeats an unchanged power, so a steady load keeps counting. The
    counter is the same one ``sensor.OffGridEnergySensor`` keeps for polled
    families and is restored the same way (``sensor.CounterSensor``). Only
    live readings feed it: the processor hands restored values out before
    the entity listens, and they are old.
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
        self._counter = _counter_for(energy_description)
        self._last_input: float | None = None

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
            self.async_write_ha_state()
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
            self._feed(self._last_input, dt_util.utcnow().timestamp() - heard_ago)

    def _feed(self, value: float | None, at: float | None = None) -> None:
        shown = self.native_value
        at = dt_util.utcnow().timestamp() if at is None else at
        if self._counter.add(value, at) and self.native_value != shown:
            self.async_write_ha_state()


def _sensor_entity(
    processor: VictronProcessor,
    entity_key: PassiveBluetoothEntityKey,
    description: SensorEntityDescription,
) -> SensorEntity:
    """Energy totals are sensors of their own kind; the processor creates both."""
    if entity_key.key in ENERGY_DESCRIPTIONS:
        return VictronEnergySensor(processor, entity_key, description)
    return VictronSensor(processor, entity_key, description)


class VictronRuntime(OffGridRuntime):
    """One Victron device heard over Bluetooth."""

    platforms = (Platform.SENSOR, Platform.BINARY_SENSOR)

    def __init__(
        self,
        hass: HomeAssistant,
        entry: OffGridConfigEntry,
        coordinator: VictronCoordinator,
        decoder: AdvertisementDecoder,
    ) -> None:
        super().__init__(hass, entry)
        self.started_data = dict(entry.data)
        self.started_options = dict(entry.options)
        self.coordinator = coordinator
        self.decoder = decoder
        self._registered: set[Platform] = set()
        self._unsubscribe: list[CALLBACK_TYPE] = [
            async_track_unavailable(
                hass, self._keep_fallback_interval, coordinator.address, connectable=False
            )
        ]
        self._keep_fallback_interval()

    @callback
    def _keep_fallback_interval(self, _: BluetoothServiceInfoBleak | None = None) -> None:
        """Set the availability fallback, again each time the device went away.

        Home Assistant forgets an address's fallback interval when the address
        disappears; without it a returning device would fall back to 15 minutes.
        """
        async_set_fallback_availability_interval(
            self.hass, self.coordinator.address, FALLBACK_AVAILABILITY_SECONDS
        )

    def async_add_platform_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        title = self.entry.title
        if platform is Platform.SENSOR:
            self._add_processor(
                ProcessorFeed(title, sensor_values, describe_sensor),
                _sensor_entity,
                SensorEntityDescription,
                async_add_entities,
                "sensor",
            )
        elif platform is Platform.BINARY_SENSOR:
            self._add_processor(
                ProcessorFeed(title, binary_sensor_values, describe_binary_sensor),
                VictronBinarySensor,
                BinarySensorEntityDescription,
                async_add_entities,
                "binary_sensor",
            )
        self._registered.add(platform)
        if self._registered.issuperset(self.platforms):
            self._unsubscribe.append(self.coordinator.async_start())

    def _add_processor(
        self,
        update_method: Any,
        entity_class: Any,
        description_class: Any,
        async_add_entities: AddConfigEntryEntitiesCallback,
        restore_key: str,
    ) -> None:
        processor: VictronProcessor = PassiveBluetoothDataProcessor(
            update_method, restore_key=restore_key
        )
        self._unsubscribe.append(
            processor.async_add_entities_listener(entity_class, async_add_entities)
        )
        self._unsubscribe.append(
            self.coordinator.async_register_processor(processor, description_class)
        )

    async def async_shutdown(self) -> None:
        while self._unsubscribe:
            self._unsubscribe.pop()()
        # Let a removed or re-keyed device be discovered again.
        async_rediscover_address(self.hass, self.coordinator.address)

    def diagnostics(self) -> dict[str, Any]:
        return {
            "address": self.coordinator.address,
            "available": self.coordinator.available,
            "learned_interval_seconds": async_get_learned_advertising_interval(
                self.hass, self.coordinator.address
            ),
            **self.decoder.diagnostics(),
        }


async def async_create_runtime(hass: HomeAssistant, entry: OffGridConfigEntry) -> OffGridRuntime:
    """Listen for the device named in the entry; no connection to wait for."""
    address = entry.data.get(CONF_ADDRESS)
    if not isinstance(address, str):
        raise _invalid("address")
    try:
        key = normalize_key(str(entry.data.get(CONF_KEY, "")))
    except InvalidKeyError:
        raise _invalid("key") from None

    @callback
    def key_rejected() -> None:
        LOGGER.warning("The encryption key of %s no longer matches its advertisements", entry.title)
        entry.async_start_reauth(hass)

    decoder = AdvertisementDecoder(key, key_rejected, _network(entry))
    coordinator: VictronCoordinator = PassiveBluetoothProcessorCoordinator(
        hass,
        LOGGER,
        address=address,
        mode=BluetoothScanningMode.PASSIVE,
        update_method=decoder,
        connectable=False,
    )
    runtime = VictronRuntime(hass, entry, coordinator, decoder)
    entry.async_on_unload(entry.add_update_listener(_async_reload_on_change))
    return runtime


def _network(entry: OffGridConfigEntry) -> VeSmartNetwork | None:
    """The VE.Smart network the options name, if any."""
    if not entry.options.get(CONF_NETWORK_KEY):
        return None
    try:
        return VeSmartNetwork(
            normalize_key(str(entry.options[CONF_NETWORK_KEY])),
            normalize_network_id(str(entry.options.get(CONF_NETWORK_ID, ""))),
        )
    except InvalidKeyError:
        raise _invalid("network key") from None


async def _async_reload_on_change(hass: HomeAssistant, entry: OffGridConfigEntry) -> None:
    # A new key (reauth, reconfigure) or new options: start over with them.
    runtime = entry.runtime_data
    if isinstance(runtime, VictronRuntime) and (
        dict(entry.data) != runtime.started_data or dict(entry.options) != runtime.started_options
    ):
        hass.config_entries.async_schedule_reload(entry.entry_id)


def _invalid(detail: str) -> ConfigEntryError:
    return ConfigEntryError(
        translation_domain=DOMAIN,
        translation_key="invalid_entry_data",
        translation_placeholders={"detail": detail},
    )
