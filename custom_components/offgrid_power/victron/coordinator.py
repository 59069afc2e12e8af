"""Turning Victron advertisements into Bluetooth processor updates.

The ``PassiveBluetoothProcessorCoordinator`` calls :class:`AdvertisementDecoder`
for every advertisement Home Assistant's Bluetooth stack delivers (local
adapter or ESPHome proxy). The decoder never raises: an exception there would
mark every entity unavailable. It drops repeated nonces (the device sends the
same data again), counts parse errors by kind for diagnostics, and reports a
rejected key only after several advertisements in a row refused it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
import re
from typing import Any

from homeassistant.components.bluetooth import BluetoothServiceInfoBleak
from homeassistant.components.bluetooth.passive_update_processor import (
    PassiveBluetoothDataUpdate,
    PassiveBluetoothEntityKey,
)
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription

from custom_components.offgrid_power.protocol.victron import (
    VICTRON_COMPANY_ID,
    AdvertisementHeader,
    FieldKind,
    VictronParseError,
    VictronRecord,
    WrongKeyError,
    implausible_fields,
    parse,
    peek_header,
)

from .descriptions import (
    AC_OUT_ENERGY,
    BATTERY_CHARGE_ENERGY,
    BATTERY_DISCHARGE_ENERGY,
    BATTERY_POWER_DESCRIPTION,
    BATTERY_POWER_KEY,
    BATTERY_POWER_RECORDS,
    RSSI_DESCRIPTION,
    RSSI_KEY,
    SOLAR_ENERGY,
    has_problem_sensor,
    problem_description,
    problem_value,
    sensor_description,
    sensor_value,
)

MANUFACTURER = "Victron Energy"
# Consecutive advertisements the key must fail on before Home Assistant asks for a new one.
KEY_REJECTIONS_BEFORE_REAUTH = 5


@dataclass(frozen=True, slots=True)
class VictronUpdate:
    """What one advertisement brought: a new record, or only its signal strength."""

    header: AdvertisementHeader | None
    record: VictronRecord | None
    rssi: int | None


def _error_kind(err: VictronParseError) -> str:
    """``WrongKeyError`` -> ``wrong_key``: the kind as diagnostics show it."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(err).__name__.removesuffix("Error")).lower()


@dataclass
class AdvertisementDecoder:
    """The coordinator's update method, with the state diagnostics report."""

    key: bytes
    on_key_rejected: Callable[[], None]
    errors: Counter[str] = field(default_factory=Counter)
    advertisements: int = 0
    repeated: int = 0
    key_rejections: int = 0
    last_advertisement: bytes | None = None
    last_record: VictronRecord | None = None
    _last_nonce: int | None = None
    _last_time: float | None = None
    _interval_sum: float = 0.0
    _interval_count: int = 0

    def __call__(self, service_info: BluetoothServiceInfoBleak) -> VictronUpdate:
        data = service_info.manufacturer_data.get(VICTRON_COMPANY_ID)
        if data is None:
            self.errors["no_victron_data"] += 1
            return VictronUpdate(None, None, service_info.rssi)
        self.advertisements += 1
        self.last_advertisement = data
        self._note_time(service_info.time)
        try:
            header = peek_header(data)
        except VictronParseError as err:
            self.errors[_error_kind(err)] += 1
            return VictronUpdate(None, None, service_info.rssi)
        if header.nonce is not None and header.nonce == self._last_nonce:
            # Same data again: nothing to write.
            self.repeated += 1
            return VictronUpdate(header, None, service_info.rssi)
        record = self._decode(data)
        if record is not None:
            self._last_nonce = header.nonce
            self.last_record = record
        return VictronUpdate(header, record, service_info.rssi)

    def _decode(self, data: bytes) -> VictronRecord | None:
        try:
            record = parse(data, self.key)
        except WrongKeyError as err:
            self.errors[_error_kind(err)] += 1
            self._reject_key()
            return None
        except VictronParseError as err:
            self.errors[_error_kind(err)] += 1
            return None
        odd = implausible_fields(record)
        if record.layout.encrypted and len(odd) * 2 > len(record.values):
            # Mostly noise: a different key whose first byte happens to match.
            self.errors["implausible"] += 1
            self._reject_key()
            return None
        self.key_rejections = 0
        if odd := tuple(key for key in odd if record.layout.field(key).kind is FieldKind.NUMERIC):
            # Out of physical range: not reported rather than shown wrong.
            values = dict(record.values)
            for key in odd:
                values[key] = None
            record = VictronRecord(record.header, record.layout, values, record.raw)
        return record

    def _reject_key(self) -> None:
        self.key_rejections += 1
        if self.key_rejections == KEY_REJECTIONS_BEFORE_REAUTH:
            self.on_key_rejected()

    def _note_time(self, at: float) -> None:
        if self._last_time is not None and at > self._last_time:
            self._interval_sum += at - self._last_time
            self._interval_count += 1
        self._last_time = at

    @property
    def mean_interval(self) -> float | None:
        """Mean seconds between the advertisements Home Assistant delivered."""
        if not self._interval_count:
            return None
        return round(self._interval_sum / self._interval_count, 3)

    def diagnostics(self) -> dict[str, Any]:
        record = self.last_record
        return {
            "advertisements": self.advertisements,
            "repeated_nonces": self.repeated,
            "parse_errors": dict(self.errors),
            "consecutive_key_rejections": self.key_rejections,
            "observed_interval_seconds": self.mean_interval,
            "last_advertisement": (
                self.last_advertisement.hex() if self.last_advertisement else None
            ),
            "last_record": None
            if record is None
            else {
                "record_type": record.layout.name,
                "product_id": f"0x{record.product_id:04X}",
                "product_name": record.product_name,
                "nonce": record.header.nonce,
                "values": {
                    key: sorted(value) if isinstance(value, frozenset) else value
                    for key, value in record.values.items()
                },
            },
        }


def device_info(title: str, header: AdvertisementHeader | None) -> dict[str | None, DeviceInfo]:
    if header is None:
        return {}
    return {
        None: DeviceInfo(
            name=title,
            manufacturer=MANUFACTURER,
            model=header.product_name,
            model_id=f"0x{header.product_id:04X}",
        )
    }


def _entity_key(key: str) -> PassiveBluetoothEntityKey:
    return PassiveBluetoothEntityKey(key, None)


def _battery_power(record: VictronRecord) -> float | None:
    if "battery_power" in record.values:
        value = record.values["battery_power"]
        return float(value) if isinstance(value, float | int) else None
    if record.record_type not in BATTERY_POWER_RECORDS:
        return None
    voltage = record.values.get("battery_voltage")
    current = record.values.get("battery_current")
    if not isinstance(voltage, float | int) or not isinstance(current, float | int):
        return None
    return round(voltage * current, 1)


def _has_battery_power(record: VictronRecord) -> bool:
    return "battery_power" in record.values or (
        record.record_type in BATTERY_POWER_RECORDS
        and {"battery_voltage", "battery_current"} <= set(record.values)
    )


def sensor_update(title: str, update: VictronUpdate) -> PassiveBluetoothDataUpdate[Any]:
    """Field values, battery power and signal strength for the sensor processor."""
    descriptions: dict[PassiveBluetoothEntityKey, EntityDescription] = {}
    data: dict[PassiveBluetoothEntityKey, Any] = {}
    if update.rssi is not None:
        descriptions[_entity_key(RSSI_KEY)] = RSSI_DESCRIPTION
        data[_entity_key(RSSI_KEY)] = update.rssi
    if (record := update.record) is not None:
        for key, value in record.values.items():
            spec = record.layout.field(key)
            descriptions[_entity_key(key)] = sensor_description(record.record_type, key)
            data[_entity_key(key)] = sensor_value(spec, value)
        if _has_battery_power(record) and "battery_power" not in record.values:
            descriptions[_entity_key(BATTERY_POWER_KEY)] = BATTERY_POWER_DESCRIPTION
            data[_entity_key(BATTERY_POWER_KEY)] = _battery_power(record)
    return PassiveBluetoothDataUpdate(
        devices=device_info(title, update.header),
        entity_descriptions=descriptions,
        entity_data=data,
    )


def binary_sensor_update(title: str, update: VictronUpdate) -> PassiveBluetoothDataUpdate[Any]:
    """Problem flags for the binary-sensor processor."""
    descriptions: dict[PassiveBluetoothEntityKey, EntityDescription] = {}
    data: dict[PassiveBluetoothEntityKey, Any] = {}
    if (record := update.record) is not None:
        for key, value in record.values.items():
            spec = record.layout.field(key)
            if has_problem_sensor(spec):
                descriptions[_entity_key(key)] = problem_description(key)
                data[_entity_key(key)] = problem_value(spec, value)
    return PassiveBluetoothDataUpdate(
        devices=device_info(title, update.header),
        entity_descriptions=descriptions,
        entity_data=data,
    )


def energy_update(title: str, update: VictronUpdate) -> PassiveBluetoothDataUpdate[Any]:
    """Counter inputs for the energy processor: a power in W, or yield today in kWh."""
    descriptions: dict[PassiveBluetoothEntityKey, EntityDescription] = {}
    data: dict[PassiveBluetoothEntityKey, Any] = {}
    if (record := update.record) is not None:
        values = record.values

        def put(description: EntityDescription, value: float | None) -> None:
            descriptions[_entity_key(description.key)] = description
            data[_entity_key(description.key)] = value

        if "yield_today" in values:
            yield_today = values["yield_today"]
            put(SOLAR_ENERGY, yield_today if isinstance(yield_today, float | int) else None)
        if _has_battery_power(record):
            power = _battery_power(record)
            put(BATTERY_CHARGE_ENERGY, None if power is None else max(power, 0.0))
            put(BATTERY_DISCHARGE_ENERGY, None if power is None else max(-power, 0.0))
        if "ac_out_power" in values:
            ac_out = values["ac_out_power"]
            put(AC_OUT_ENERGY, max(float(ac_out), 0.0) if isinstance(ac_out, float | int) else None)
    return PassiveBluetoothDataUpdate(
        devices=device_info(title, update.header),
        entity_descriptions=descriptions,
        entity_data=data,
    )
