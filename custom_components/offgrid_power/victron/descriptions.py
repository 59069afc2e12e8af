"""Entity descriptions for Victron devices, derived from the protocol's field tables.

Every field of every record layout becomes a sensor whose translation key is
the field key. The unit decides device class, state class and precision; an
enum lists every name it can take plus ``unknown``; a bitmask shows its set
flags as text, and the alarm bitmasks also get a problem binary sensor.

Descriptions are plain Home Assistant dataclasses: the Bluetooth processor
stores them for restore, so they carry no callables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntityDescription,
)
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    EntityCategory,
    UnitOfEnergy,
    UnitOfPower,
)

from custom_components.offgrid_power.energy import (
    Counter,
    EnergyCounter,
    IntegrationMethod,
    NativeCounterAccumulator,
)
from custom_components.offgrid_power.protocol.victron import (
    LAYOUTS,
    NETWORK_REGISTERS,
    FieldKind,
    FieldSpec,
    FieldValue,
)
from custom_components.offgrid_power.units import UNITS

from .const import ENERGY_MAX_STEP_SECONDS, MAX_SOLAR_POWER_KW

UNKNOWN_OPTION = "unknown"
NO_FLAGS = "none"
# Home Assistant rejects longer states.
MAX_STATE_LENGTH = 255

RSSI_KEY = "rssi"
BATTERY_POWER_KEY = "battery_power"


# Display precision per unit where the field's own decimals are too fine.
_PRECISION: Mapping[str, int] = {"V": 2, "W": 0, "VA": 0, "kWh": 2, "Ah": 1, "min": 0}
# The units a Victron field table uses that Home Assistant knows; "ms" and "h"
# stay plain units.
_KNOWN_UNITS = frozenset({"V", "A", "W", "VA", "kWh", "Ah", "%", "min", "°C", "W/m²", "dBm"})


# Settings-like or rarely useful fields: shown under "Diagnostic".
_DIAGNOSTIC_KEYS = frozenset(
    {"aux_input", "monitor_mode", "tx_power", "error_code", "vebus_error", "off_reason"}
)

# Bitmask fields that mean "something is wrong" when any flag is set.
PROBLEM_BITMASKS = frozenset({"alarm_reason", "warning_reason", "error_flags"})
# Enum fields whose values other than these mean a problem.
_PROBLEM_ENUMS: Mapping[str, frozenset[str]] = {
    "alarm": frozenset({"none"}),
    **{
        f"{name}_alarm": frozenset({"ok"})
        for name in (
            "low_cell_voltage",
            "high_current",
            "high_internal_temperature",
            "contactor",
            "bms_cable",
            "load_disconnect",
            "low_soc",
            "high_temperature",
        )
    },
}


def enum_options(spec: FieldSpec) -> list[str]:
    """Every state an enum sensor can show: the known names, then ``unknown``."""
    return [*dict.fromkeys((*spec.option_names, UNKNOWN_OPTION))]


def sensor_value(spec: FieldSpec, value: FieldValue) -> float | str | None:
    """The state of a field's sensor; unknown enum codes become ``unknown``."""
    if value is None:
        return None
    if spec.kind is FieldKind.ENUM:
        assert isinstance(value, str)
        return value if value in spec.options.values() else UNKNOWN_OPTION
    if spec.kind is FieldKind.BITMASK:
        assert isinstance(value, frozenset)
        return ", ".join(sorted(value))[:MAX_STATE_LENGTH] if value else NO_FLAGS
    assert isinstance(value, float | int)
    return value


def problem_value(spec: FieldSpec, value: FieldValue) -> bool | None:
    """Whether a problem field reports a problem; None when not available."""
    if value is None:
        return None
    if spec.kind is FieldKind.BITMASK:
        return bool(value)
    return value not in _PROBLEM_ENUMS[spec.key]


def has_problem_sensor(spec: FieldSpec) -> bool:
    if spec.kind is FieldKind.BITMASK:
        return spec.key in PROBLEM_BITMASKS
    return spec.kind is FieldKind.ENUM and spec.key in _PROBLEM_ENUMS


@cache
def converted_fields(record_type: int) -> tuple[tuple[str, FieldSpec], ...]:
    """The fields of a record type whose state is not their value: enums and flag sets."""
    return tuple(
        (spec.key, spec)
        for spec in LAYOUTS[record_type].fields
        if spec.kind is not FieldKind.NUMERIC
    )


@cache
def problem_fields(record_type: int) -> tuple[FieldSpec, ...]:
    """The fields of a record type that have a problem binary sensor."""
    return tuple(spec for spec in LAYOUTS[record_type].fields if has_problem_sensor(spec))


@cache
def sensor_description(record_type: int, key: str) -> SensorEntityDescription:
    """The sensor for one field of one record type."""
    return _field_description(LAYOUTS[record_type].field(key), key)


# VE.Smart Networking registers shown as sensors: register key -> entity key.
NETWORK_SENSOR_KEYS: Mapping[str, str] = {
    "network_total_pv_power": "network_total_pv_power",
    "charge_voltage_setpoint": "network_charge_voltage_setpoint",
    "device_state": "network_device_state",
    "battery_current": "network_battery_current",
}
NETWORK_FIELDS: Mapping[str, FieldSpec] = {spec.key: spec for spec in NETWORK_REGISTERS.values()}
NETWORK_ENTITY_KEYS: Mapping[str, str] = {
    entity_key: register_key for register_key, entity_key in NETWORK_SENSOR_KEYS.items()
}


@cache
def network_description(key: str) -> SensorEntityDescription:
    """The sensor for a VE.Smart Networking register, by entity key."""
    return _field_description(NETWORK_FIELDS[NETWORK_ENTITY_KEYS[key]], key)


def _field_description(spec: FieldSpec, key: str) -> SensorEntityDescription:
    category = EntityCategory.DIAGNOSTIC if key in _DIAGNOSTIC_KEYS else None
    if spec.kind is FieldKind.ENUM:
        return SensorEntityDescription(
            key=key,
            translation_key=key,
            device_class=SensorDeviceClass.ENUM,
            options=enum_options(spec),
            entity_category=category,
        )
    if spec.kind is FieldKind.BITMASK:
        return SensorEntityDescription(
            key=key, translation_key=key, entity_category=EntityCategory.DIAGNOSTIC
        )
    unit = UNITS[spec.unit] if spec.unit in _KNOWN_UNITS else None
    device_class = None if unit is None else unit.device_class
    if key == "state_of_charge":
        device_class = SensorDeviceClass.BATTERY
    precision = _PRECISION.get(spec.unit or "")
    return SensorEntityDescription(
        key=key,
        translation_key=key,
        device_class=device_class,
        native_unit_of_measurement=None if unit is None else unit.unit,
        state_class=(SensorStateClass.MEASUREMENT if unit is None else unit.state_class)
        if spec.unit
        else None,
        suggested_display_precision=precision if precision is not None else spec.decimals,
        entity_category=category or (EntityCategory.DIAGNOSTIC if spec.unit is None else None),
    )


@cache
def problem_description(key: str) -> BinarySensorEntityDescription:
    """The problem binary sensor of an alarm field."""
    return BinarySensorEntityDescription(
        key=key, translation_key=key, device_class=BinarySensorDeviceClass.PROBLEM
    )


RSSI_DESCRIPTION = SensorEntityDescription(
    key=RSSI_KEY,
    translation_key=RSSI_KEY,
    device_class=SensorDeviceClass.SIGNAL_STRENGTH,
    native_unit_of_measurement=SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    state_class=SensorStateClass.MEASUREMENT,
    entity_category=EntityCategory.DIAGNOSTIC,
    entity_registry_enabled_default=False,
)

# V x I with Victron's sign: positive while the battery charges (Home Assistant's
# Energy dashboard calls that sign "inverted" for a battery power sensor).
BATTERY_POWER_DESCRIPTION = SensorEntityDescription(
    key=BATTERY_POWER_KEY,
    translation_key=BATTERY_POWER_KEY,
    device_class=SensorDeviceClass.POWER,
    native_unit_of_measurement=UnitOfPower.WATT,
    state_class=SensorStateClass.MEASUREMENT,
    suggested_display_precision=0,
)


@dataclass(frozen=True, kw_only=True)
class VictronEnergyDescription(SensorEntityDescription):
    """A kWh total kept by a counter; ``counter`` names the kind of counter."""

    counter: str = "integrate"
    device_class: SensorDeviceClass | None = SensorDeviceClass.ENERGY
    state_class: SensorStateClass | str | None = SensorStateClass.TOTAL_INCREASING
    native_unit_of_measurement: str | None = UnitOfEnergy.KILO_WATT_HOUR
    suggested_display_precision: int | None = 2


# Integrates a power; ``native`` follows the device's resetting yield-today counter.
COUNTER_INTEGRATE = "integrate"
COUNTER_NATIVE = "native"

SOLAR_ENERGY = VictronEnergyDescription(
    key="solar_energy", translation_key="solar_energy", counter=COUNTER_NATIVE
)
BATTERY_CHARGE_ENERGY = VictronEnergyDescription(
    key="battery_charge_energy", translation_key="battery_charge_energy"
)
BATTERY_DISCHARGE_ENERGY = VictronEnergyDescription(
    key="battery_discharge_energy", translation_key="battery_discharge_energy"
)
AC_OUT_ENERGY = VictronEnergyDescription(key="ac_out_energy", translation_key="ac_out_energy")
# From the grid or generator into the inverter/charger, and (ESS) back out to the grid.
AC_IN_ENERGY = VictronEnergyDescription(key="ac_in_energy", translation_key="ac_in_energy")
AC_IN_RETURNED_ENERGY = VictronEnergyDescription(
    key="ac_in_returned_energy", translation_key="ac_in_returned_energy"
)

# Home Assistant restores a processor's descriptions as the base class, without
# ``counter``; entities look their description up here by key instead.
ENERGY_DESCRIPTIONS: Mapping[str, VictronEnergyDescription] = {
    description.key: description
    for description in (
        SOLAR_ENERGY,
        BATTERY_CHARGE_ENERGY,
        BATTERY_DISCHARGE_ENERGY,
        AC_OUT_ENERGY,
        AC_IN_ENERGY,
        AC_IN_RETURNED_ENERGY,
    )
}

# Record types whose battery current is the battery's own net current, so V*I is battery power.
BATTERY_POWER_RECORDS = frozenset({0x02, 0x06, 0x0A, 0x0B, 0x0C})


def all_translation_keys() -> dict[str, dict[str, list[str]]]:
    """Sensor and binary-sensor translation keys, with each enum's states (for tests)."""
    sensors: dict[str, list[str]] = {RSSI_KEY: [], BATTERY_POWER_KEY: []}
    problems: dict[str, list[str]] = {}
    for key in ENERGY_DESCRIPTIONS:
        sensors[key] = []
    fields = [(spec.key, spec) for layout in LAYOUTS.values() for spec in layout.fields]
    fields += [(key, NETWORK_FIELDS[register]) for key, register in NETWORK_ENTITY_KEYS.items()]
    for key, spec in fields:
        states = enum_options(spec) if spec.kind is FieldKind.ENUM else []
        sensors[key] = sorted({*sensors.get(key, []), *states})
        if has_problem_sensor(spec):
            problems[key] = []
    return {"sensor": sensors, "binary_sensor": problems}


def energy_counter(description: VictronEnergyDescription) -> Counter:
    """The counter an energy total keeps: yield today is the device's own, the rest integrate."""
    if description.counter == COUNTER_NATIVE:
        return NativeCounterAccumulator(max_power_kw=MAX_SOLAR_POWER_KW)
    # A reading holds until the next one: the power is a step function.
    return EnergyCounter(max_step=ENERGY_MAX_STEP_SECONDS, method=IntegrationMethod.LEFT)
