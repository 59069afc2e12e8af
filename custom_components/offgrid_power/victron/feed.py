"""Decoded Victron readings as the updates of Home Assistant's Bluetooth processors.

One processor per platform: ``ProcessorFeed`` hands each the device, the
descriptions of keys it has not seen and the values that changed; the value
functions here say which entity keys a reading carries (fields, battery
power, signal strength and the energy counters' inputs).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from homeassistant.components.bluetooth.passive_update_processor import (
    PassiveBluetoothDataProcessor,
    PassiveBluetoothDataUpdate,
    PassiveBluetoothEntityKey,
)
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription

from custom_components.offgrid_power.power_flow import PowerFlow, backward, forward
from custom_components.offgrid_power.protocol.victron import (
    AdvertisementHeader,
    FieldValue,
    VictronRecord,
)

from .decoder import VictronUpdate
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

type VictronProcessor = PassiveBluetoothDataProcessor[Any, VictronUpdate]


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
    flow = power_flow(record)
    if _computes_battery_power(record):
        values[BATTERY_POWER_KEY] = flow.battery_power
    if BATTERY_POWER_KEY in values:
        # A GX device reports battery power itself; others have it computed.
        _split(values, flow.battery_power, BATTERY_CHARGE_ENERGY, BATTERY_DISCHARGE_ENERGY)
    if "yield_today" in fields:
        values[SOLAR_ENERGY.key] = _number(fields["yield_today"])
    if "ac_out_power" in fields:
        _split(values, flow.ac_out_power, AC_OUT_ENERGY)
    if "ac_in_power" in fields:
        _split(values, flow.ac_in_power, AC_IN_ENERGY, AC_IN_RETURNED_ENERGY)
    return values


def _computes_battery_power(record: VictronRecord) -> bool:
    fields = _shown_fields(record)
    return record.record_type in BATTERY_POWER_RECORDS and "battery_current" in fields


def power_flow(record: VictronRecord) -> PowerFlow:
    """Battery, solar and AC in/out of a reading.

    Victron's own sign already is the project's: battery current and power
    are positive while the battery charges.
    """
    fields = _shown_fields(record)
    return PowerFlow(
        battery_voltage=_number(fields.get("battery_voltage")),
        battery_current=_number(fields.get("battery_current")),
        battery_power=_battery_power(fields)
        if _computes_battery_power(record)
        else _number(fields.get("battery_power")),
        solar_power=_number(fields.get("pv_power")),
        ac_in_power=_number(fields.get("ac_in_power")),
        ac_out_power=_number(fields.get("ac_out_power")),
    )


def _split(
    values: dict[str, Any],
    power: float | None,
    ahead: EntityDescription,
    back: EntityDescription | None = None,
) -> None:
    """A signed power as the inputs of the counters of each direction it can flow."""
    values[ahead.key] = forward(power)
    if back is not None:
        values[back.key] = backward(power)


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
