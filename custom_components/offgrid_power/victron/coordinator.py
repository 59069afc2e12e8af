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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
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
    FieldValue,
    NetworkMessage,
    VeSmartNetwork,
    VictronParseError,
    VictronRecord,
    WrongKeyError,
    implausible_fields,
    parse,
    peek_header,
)
from custom_components.offgrid_power.protocol.victron.ve_smart import (
    NETWORK_DATA,
    OVERFLOW_COUNTER,
)

from .descriptions import (
    AC_IN_ENERGY,
    AC_IN_RETURNED_ENERGY,
    AC_OUT_ENERGY,
    BATTERY_CHARGE_ENERGY,
    BATTERY_DISCHARGE_ENERGY,
    BATTERY_POWER_DESCRIPTION,
    BATTERY_POWER_KEY,
    BATTERY_POWER_RECORDS,
    ENERGY_DESCRIPTIONS,
    NETWORK_ENTITY_KEYS,
    NETWORK_FIELDS,
    NETWORK_SENSOR_KEYS,
    RSSI_DESCRIPTION,
    RSSI_KEY,
    SOLAR_ENERGY,
    converted_fields,
    network_description,
    problem_description,
    problem_fields,
    problem_value,
    sensor_description,
    sensor_value,
)

MANUFACTURER = "Victron Energy"
# Consecutive advertisements the key must fail on before Home Assistant asks for a new one.
KEY_REJECTIONS_BEFORE_REAUTH = 5


@dataclass(frozen=True, slots=True)
class VictronUpdate:
    """What one advertisement brought: a new record, VE.Smart network values, or only its signal strength."""

    header: AdvertisementHeader | None
    record: VictronRecord | None
    rssi: int | None
    network: Mapping[str, FieldValue] | None = None


# First bytes of VE.Smart Networking packets (Instant Readout starts with 0x10).
_NETWORK_PACKETS = frozenset({OVERFLOW_COUNTER, NETWORK_DATA})


def _error_kind(err: VictronParseError) -> str:
    """``WrongKeyError`` -> ``wrong_key``: the kind as diagnostics show it."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(err).__name__.removesuffix("Error")).lower()


@dataclass
class AdvertisementDecoder:
    """The coordinator's update method, with the state diagnostics report."""

    key: bytes = field(repr=False)  # never in a log or traceback
    on_key_rejected: Callable[[], None]
    network: VeSmartNetwork | None = None
    errors: Counter[str] = field(default_factory=Counter)
    advertisements: int = 0
    repeated: int = 0
    key_rejections: int = 0
    last_advertisement: bytes | None = None
    last_record: VictronRecord | None = None
    network_packets: int = 0
    last_network_message: NetworkMessage | None = None
    _last_nonce: bytes | None = None
    _last_time: float | None = None
    _interval_sum: float = 0.0
    _interval_count: int = 0

    def __call__(self, service_info: BluetoothServiceInfoBleak) -> VictronUpdate:
        data = service_info.manufacturer_data.get(VICTRON_COMPANY_ID)
        if data is None:
            self.errors["no_victron_data"] += 1
            return VictronUpdate(None, None, service_info.rssi)
        self.advertisements += 1
        self._note_time(service_info.time)
        if data and data[0] in _NETWORK_PACKETS:
            return VictronUpdate(None, None, service_info.rssi, self._open_network_packet(data))
        self.last_advertisement = data
        nonce = data[5:7]
        if nonce == self._last_nonce:
            # Same reading again (the nonce counts readings), e.g. via another proxy.
            self.repeated += 1
            return VictronUpdate(None, None, service_info.rssi)
        record = self._decode(data)
        if record is None:
            return VictronUpdate(_header_or_none(data), None, service_info.rssi)
        self._last_nonce = nonce
        self.last_record = record
        return VictronUpdate(record.header, record, service_info.rssi)

    def _decode(self, data: bytes) -> VictronRecord | None:
        try:
            record = parse(data, self.key, previous=self.last_record)
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
        if odd and (
            out_of_range := [
                key for key in odd if record.layout.field(key).kind is FieldKind.NUMERIC
            ]
        ):
            # Out of physical range: not reported rather than shown wrong.
            values = dict(record.values)
            for key in out_of_range:
                values[key] = None
            record = VictronRecord(
                record.header, record.layout, values, record.raw, record.implausible
            )
        return record

    def _open_network_packet(self, data: bytes) -> Mapping[str, FieldValue] | None:
        """The register values of a VE.Smart packet; None for counters and failures.

        Failures never count against the Instant Readout key.
        """
        self.network_packets += 1
        if self.network is None:
            self.errors["ve_smart_without_network_key"] += 1
            return None
        try:
            opened = self.network.feed(data)
        except VictronParseError as err:
            self.errors[f"ve_smart_{_error_kind(err)}"] += 1
            return None
        if not isinstance(opened, NetworkMessage):
            return None
        self.last_network_message = opened
        return opened.values

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
                "values": _plain(record.values),
            },
            "ve_smart": {
                "enabled": self.network is not None,
                "packets": self.network_packets,
                "last_message": None
                if (message := self.last_network_message) is None
                else {
                    "message_class": message.message_class,
                    "values": _plain(message.values),
                },
            },
        }


def _plain(values: Mapping[str, FieldValue]) -> dict[str, Any]:
    """Values as JSON can hold them: flag sets become sorted lists."""
    return {
        key: sorted(value) if isinstance(value, frozenset) else value
        for key, value in values.items()
    }


def _header_or_none(data: bytes) -> AdvertisementHeader | None:
    try:
        return peek_header(data)
    except VictronParseError:
        return None


def _device_info(title: str, header: AdvertisementHeader) -> DeviceInfo:
    return DeviceInfo(
        name=title,
        manufacturer=MANUFACTURER,
        model=header.product_name,
        model_id=f"0x{header.product_id:04X}",
    )


@cache
def _entity_key(key: str) -> PassiveBluetoothEntityKey:
    return PassiveBluetoothEntityKey(key, None)


class ProcessorFeed:
    """One processor's update method: turns decoded advertisements into its updates.

    ``values`` gives the value of every entity key a reading carries and
    ``describe`` the description of a key. Home Assistant's processor compares
    every device, description and value it is handed with what it already
    holds; handing it the device and a description only the first time, and
    values only when they changed, spares it that work on every advertisement
    while what it holds stays complete.
    """

    def __init__(
        self,
        title: str,
        values: Callable[[VictronUpdate], dict[str, Any]],
        describe: Callable[[VictronUpdate, str], EntityDescription],
    ) -> None:
        self._title = title
        self._values_of = values
        self._describe = describe
        self._device_sent = False
        self._last: dict[str, Any] = {}

    def __call__(self, update: VictronUpdate) -> PassiveBluetoothDataUpdate[Any]:
        result: PassiveBluetoothDataUpdate[Any] = PassiveBluetoothDataUpdate()
        if update.header is not None and not self._device_sent:
            result.devices[None] = _device_info(self._title, update.header)
            self._device_sent = True
        last = self._last
        for key, value in self._values_of(update).items():
            if key not in last:
                result.entity_descriptions[_entity_key(key)] = self._describe(update, key)
            elif last[key] == value:
                continue
            last[key] = value
            result.entity_data[_entity_key(key)] = value
        return result


def _battery_power(values: Mapping[str, FieldValue]) -> float | None:
    voltage = values["battery_voltage"]
    current = values["battery_current"]
    if not isinstance(voltage, float | int) or not isinstance(current, float | int):
        return None
    return round(voltage * current, 1)


# A Smart Battery Sense borrows the battery-monitor record but has no shunt:
# these fields are never available from it, so it gets no entities for them.
_NOT_ON_BATTERY_SENSE = frozenset(
    {"time_to_go", "battery_current", "consumed_ah", "state_of_charge"}
)


def _shown_fields(record: VictronRecord) -> Mapping[str, FieldValue]:
    if record.header.device_kind != "smart_battery_sense":
        return record.values
    return {key: value for key, value in record.values.items() if key not in _NOT_ON_BATTERY_SENSE}


def sensor_values(update: VictronUpdate) -> dict[str, Any]:
    """Sensor states: every field, battery power, signal strength, and the energy counters' inputs."""
    values: dict[str, Any] = {} if update.rssi is None else {RSSI_KEY: update.rssi}
    if update.network:
        for register_key, value in update.network.items():
            if (key := NETWORK_SENSOR_KEYS.get(register_key)) is not None:
                values[key] = sensor_value(NETWORK_FIELDS[register_key], value)
    if (record := update.record) is None:
        return values
    fields = _shown_fields(record)
    # Numbers are their own state; only enums and flag sets need converting.
    values.update(fields)
    for key, spec in converted_fields(record.record_type):
        if key in fields:
            values[key] = sensor_value(spec, fields[key])
    if record.record_type in BATTERY_POWER_RECORDS and "battery_current" in fields:
        values[BATTERY_POWER_KEY] = _battery_power(fields)
    if BATTERY_POWER_KEY in values:
        # Victron's sign: positive while the battery charges.
        _split(values, values[BATTERY_POWER_KEY], BATTERY_CHARGE_ENERGY, BATTERY_DISCHARGE_ENERGY)
    if "yield_today" in fields:
        values[SOLAR_ENERGY.key] = _number(fields["yield_today"])
    if "ac_out_power" in fields:
        _split(values, _number(fields["ac_out_power"]), AC_OUT_ENERGY)
    if "ac_in_power" in fields:
        _split(values, _number(fields["ac_in_power"]), AC_IN_ENERGY, AC_IN_RETURNED_ENERGY)
    return values


def _split(
    values: dict[str, Any],
    power: float | None,
    forward: EntityDescription,
    backward: EntityDescription | None = None,
) -> None:
    """A signed power as the inputs of the counters of each direction it can flow."""
    values[forward.key] = None if power is None else max(power, 0.0)
    if backward is not None:
        values[backward.key] = None if power is None else max(-power, 0.0)


_EXTRA_SENSORS: Mapping[str, EntityDescription] = {
    RSSI_KEY: RSSI_DESCRIPTION,
    BATTERY_POWER_KEY: BATTERY_POWER_DESCRIPTION,
    **ENERGY_DESCRIPTIONS,
}


def describe_sensor(update: VictronUpdate, key: str) -> EntityDescription:
    if (description := _EXTRA_SENSORS.get(key)) is not None:
        return description
    if key in NETWORK_ENTITY_KEYS:
        return network_description(key)
    assert update.record is not None
    return sensor_description(update.record.record_type, key)


def binary_sensor_values(update: VictronUpdate) -> dict[str, Any]:
    """Problem flags, for the binary-sensor processor."""
    if (record := update.record) is None:
        return {}
    fields = record.values
    return {
        spec.key: problem_value(spec, fields[spec.key])
        for spec in problem_fields(record.record_type)
        if spec.key in fields
    }


def describe_binary_sensor(update: VictronUpdate, key: str) -> EntityDescription:
    return problem_description(key)


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, float | int) else None
