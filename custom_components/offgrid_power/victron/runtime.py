"""The Victron runtime: one Bluetooth processor coordinator per device.

Entities are created lazily by the processors when a field first appears
in a decoded advertisement, and restored with their last values after a
restart. The coordinator starts only once every platform has registered its
processor, so the first advertisement reaches all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorEntityDescription,
)
from homeassistant.components.bluetooth import (
    MONOTONIC_TIME,
    BluetoothCallbackMatcher,
    BluetoothChange,
    BluetoothScanningMode,
    BluetoothServiceInfoBleak,
    async_get_learned_advertising_interval,
    async_rediscover_address,
    async_register_callback,
    async_set_fallback_availability_interval,
    async_track_unavailable,
)
from homeassistant.components.bluetooth.passive_update_processor import (
    PassiveBluetoothDataProcessor,
    PassiveBluetoothProcessorCoordinator,
)
from homeassistant.components.sensor import SensorEntityDescription
from homeassistant.const import CONF_ADDRESS, Platform
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from custom_components.offgrid_power.binary_sensor import VictronBinarySensor
from custom_components.offgrid_power.const import DOMAIN, LOGGER
from custom_components.offgrid_power.models import OffGridConfigEntry, OffGridRuntime
from custom_components.offgrid_power.protocol.victron import (
    InvalidKeyError,
    VeSmartNetwork,
    normalize_key,
    normalize_network_id,
)
from custom_components.offgrid_power.sensor import bluetooth_sensor_for

from .const import CONF_KEY, CONF_NETWORK_ID, CONF_NETWORK_KEY, FALLBACK_AVAILABILITY_SECONDS
from .decoder import AdvertisementDecoder, VictronUpdate
from .feed import (
    ProcessorFeed,
    VictronProcessor,
    binary_sensor_values,
    describe_binary_sensor,
    describe_sensor,
    sensor_values,
)

type VictronCoordinator = PassiveBluetoothProcessorCoordinator[VictronUpdate]


@dataclass(frozen=True, slots=True)
class _ProcessorKind:
    """What one platform's processor is made of: its values, descriptions and entities."""

    values: Callable[[VictronUpdate], dict[str, Any]]
    describe: Callable[[VictronUpdate, str], EntityDescription]
    # An entity class, or a function picking one; the processor only calls it.
    entity: Any
    description_class: type[EntityDescription]


PROCESSORS: dict[Platform, _ProcessorKind] = {
    Platform.SENSOR: _ProcessorKind(
        sensor_values, describe_sensor, bluetooth_sensor_for, SensorEntityDescription
    ),
    Platform.BINARY_SENSOR: _ProcessorKind(
        binary_sensor_values,
        describe_binary_sensor,
        VictronBinarySensor,
        BinarySensorEntityDescription,
    ),
}


class VictronRuntime(OffGridRuntime):
    """One Victron device heard over Bluetooth."""

    platforms = tuple(PROCESSORS)

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
            async_track_unavailable(hass, self._went_away, coordinator.address, connectable=False)
        ]
        # While the device is away: a one-shot listener for its return.
        self._stop_waiting: CALLBACK_TYPE | None = None
        self._keep_fallback_interval()

    @callback
    def _keep_fallback_interval(self) -> None:
        """Set the availability fallback, again each time the device went away.

        Home Assistant forgets an address's fallback interval when the address
        disappears; without it a returning device would fall back to 15 minutes.
        """
        async_set_fallback_availability_interval(
            self.hass, self.coordinator.address, FALLBACK_AVAILABILITY_SECONDS
        )

    @callback
    def _went_away(self, service_info: BluetoothServiceInfoBleak) -> None:
        """Log once that the device went silent, and wait for it to be heard again.

        Only this one listener runs while the device is away, and it is gone
        once the device returns: nothing extra runs per advertisement.
        """
        self._keep_fallback_interval()
        if self._stop_waiting is not None:
            return
        LOGGER.info(
            "%s stopped advertising (last heard %.0f s ago); its entities are unavailable",
            self.entry.title,
            max(MONOTONIC_TIME() - service_info.time, 0.0),
        )
        self._stop_waiting = async_register_callback(
            self.hass,
            self._came_back,
            BluetoothCallbackMatcher(address=self.coordinator.address, connectable=False),
            BluetoothScanningMode.PASSIVE,
        )

    @callback
    def _came_back(self, _: BluetoothServiceInfoBleak, __: BluetoothChange) -> None:
        if self._stop_waiting is None:
            return
        self._stop_waiting()
        self._stop_waiting = None
        LOGGER.info("%s is advertising again", self.entry.title)

    def async_add_platform_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Register the platform's processor; start listening once every platform has one."""
        kind = PROCESSORS[platform]
        processor: VictronProcessor = PassiveBluetoothDataProcessor(
            ProcessorFeed(self.entry.title, kind.values, kind.describe),
            restore_key=platform.value,
        )
        self._unsubscribe.append(
            processor.async_add_entities_listener(kind.entity, async_add_entities)
        )
        self._unsubscribe.append(
            self.coordinator.async_register_processor(processor, kind.description_class)
        )
        self._registered.add(platform)
        if self._registered.issuperset(self.platforms):
            self._unsubscribe.append(self.coordinator.async_start())

    async def async_shutdown(self) -> None:
        while self._unsubscribe:
            self._unsubscribe.pop()()
        if self._stop_waiting is not None:
            self._stop_waiting()
            self._stop_waiting = None
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
