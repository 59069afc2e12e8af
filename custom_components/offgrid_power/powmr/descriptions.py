"""Entity descriptions of PowMr inverters, from the register maps.

Keys are shared between Family A and SMG-II where the meaning is the same, so
each value is described once; ``exists_fn`` keeps the entities a unit lacks.
Values come from the typed `PowmrReadings` (mypy checks every attribute); only
the controls, which the register map's settings list as data, read back by
the map's own keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.number import NumberDeviceClass, NumberMode
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    EntityCategory,
    UnitOfEnergy,
    UnitOfTime,
)
from homeassistant.helpers.typing import StateType

from custom_components.offgrid_power.binary_sensor import OffGridBinarySensorEntityDescription
from custom_components.offgrid_power.button import OffGridButtonEntityDescription
from custom_components.offgrid_power.energy import EnergyCounter
from custom_components.offgrid_power.number import OffGridNumberEntityDescription
from custom_components.offgrid_power.protocol.powmr import (
    AC_INPUT_RANGE_A,
    AC_INPUT_RANGE_SMG,
    BATTERY_TYPE_A,
    BATTERY_TYPE_SMG,
    BUZZER_MODE_SMG,
    CHARGER_PRIORITY_SMG,
    CHARGER_PRIORITY_VARIANT_1,
    CHARGER_PRIORITY_VARIANT_2,
    CHARGER_STATUS_A,
    OPERATING_MODE_A,
    OUTPUT_FREQUENCY_A,
    OUTPUT_MODE_SMG,
    OUTPUT_PRIORITY_A,
    OUTPUT_PRIORITY_SMG,
    TURN_ON_MODE_SMG,
    WORKING_MODE_SMG,
    DerivedValues,
    PowmrReadings,
    RegisterMap,
    Setting,
    Value,
    number,
)
from custom_components.offgrid_power.select import OffGridSelectEntityDescription
from custom_components.offgrid_power.sensor import (
    OffGridEnergySensorEntityDescription,
    OffGridSensorEntityDescription,
)
from custom_components.offgrid_power.switch import OffGridSwitchEntityDescription
from custom_components.offgrid_power.units import UNITS

from .const import MAX_STEP_POLLS
from .data import PowmrData


@dataclass(frozen=True, kw_only=True)
class PowmrSensorEntityDescription(OffGridSensorEntityDescription[PowmrData]):
    """A PowMr sensor; ``mirrors_setting`` ones give way to controls when writes are on."""

    mirrors_setting: bool = False


def _labels(*maps: Any) -> list[str]:
    labels: list[str] = []
    for mapping in maps:
        labels.extend(label for label in mapping.values() if label not in labels)
    return labels


ENUM_OPTIONS: dict[str, list[str]] = {
    "operating_mode": _labels(OPERATING_MODE_A, WORKING_MODE_SMG),
    "charger_status": _labels(CHARGER_STATUS_A),
    "output_source_priority": _labels(OUTPUT_PRIORITY_A, OUTPUT_PRIORITY_SMG),
    "charger_source_priority": _labels(
        CHARGER_PRIORITY_VARIANT_1, CHARGER_PRIORITY_VARIANT_2, CHARGER_PRIORITY_SMG
    ),
    "ac_input_range": _labels(AC_INPUT_RANGE_A, AC_INPUT_RANGE_SMG),
    "output_frequency_setting": _labels(OUTPUT_FREQUENCY_A),
    "battery_type": _labels(BATTERY_TYPE_A, BATTERY_TYPE_SMG),
    "output_mode": _labels(OUTPUT_MODE_SMG),
    "buzzer_mode": _labels(BUZZER_MODE_SMG),
    "turn_on_mode": _labels(TURN_ON_MODE_SMG),
}


type Reading[T] = Callable[[PowmrReadings], T]


def _from_readings(reading: Reading[StateType]) -> Callable[[PowmrData], StateType]:
    return lambda data: reading(data.readings)


def _enum_value(key: str, reading: Reading[str | None], data: PowmrData) -> str | None:
    # A code outside the known options (say a firmware's 10-13 charger states)
    # is unknown, never an invalid state.
    value = reading(data.readings)
    return value if value in ENUM_OPTIONS[key] else None


def _flag(reading: Reading[bool | None], data: PowmrData) -> bool | None:
    return reading(data.readings)


def _has(key: str, data: PowmrData) -> bool:
    return data.has(key)


def _measurement(
    key: str,
    unit: str,
    precision: int,
    reading: Reading[float | None] | None = None,
    *,
    device_class: SensorDeviceClass | None = None,
    diagnostic: bool = False,
    enabled: bool = True,
    value_fn: Callable[[PowmrData], StateType] | None = None,
    exists_fn: Callable[[PowmrData], bool] | None = None,
) -> PowmrSensorEntityDescription:
    """A measured value: a ``reading`` of the registers, or a ``value_fn`` over all the data."""
    native_unit, unit_class = UNITS[unit].unit, UNITS[unit].device_class
    if value_fn is None:
        assert reading is not None
        value_fn = _from_readings(reading)
    return PowmrSensorEntityDescription(
        key=key,
        translation_key=key,
        native_unit_of_measurement=native_unit,
        device_class=device_class or unit_class,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=precision,
        entity_category=EntityCategory.DIAGNOSTIC if diagnostic else None,
        entity_registry_enabled_default=enabled,
        value_fn=value_fn,
        exists_fn=exists_fn or partial(_has, key),
    )


def _enum(
    key: str, reading: Reading[str | None], *, mirrors_setting: bool = False
) -> PowmrSensorEntityDescription:
    return PowmrSensorEntityDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.ENUM,
        options=ENUM_OPTIONS[key],
        entity_category=EntityCategory.DIAGNOSTIC if mirrors_setting else None,
        mirrors_setting=mirrors_setting,
        value_fn=partial(_enum_value, key, reading),
        exists_fn=partial(_has, key),
    )


def _setting_value(
    key: str,
    unit: str,
    precision: int,
    reading: Reading[float | None],
    *,
    diagnostic_class: bool = True,
    target: bool = False,
) -> PowmrSensorEntityDescription:
    """A setting shown read-only; a charge ``target`` keeps statistics, so graphs can draw it."""
    native_unit, unit_class = UNITS[unit].unit, UNITS[unit].device_class
    return PowmrSensorEntityDescription(
        key=key,
        translation_key=key,
        native_unit_of_measurement=native_unit,
        device_class=unit_class if diagnostic_class else None,
        state_class=SensorStateClass.MEASUREMENT if target else None,
        suggested_display_precision=precision,
        entity_category=EntityCategory.DIAGNOSTIC,
        mirrors_setting=True,
        value_fn=_from_readings(reading),
        exists_fn=partial(_has, key),
    )


def _diagnostic(
    key: str, reading: Reading[int | None], *, enabled: bool = False
) -> PowmrSensorEntityDescription:
    return PowmrSensorEntityDescription(
        key=key,
        translation_key=key,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=enabled,
        value_fn=_from_readings(reading),
        exists_fn=partial(_has, key),
    )


def _battery_power(data: PowmrData) -> float | None:
    # The project's convention in every family: positive while charging (README, Energy dashboard).
    charging = data.derived.battery_power
    return None if charging is None else round(charging, 1)


def _output_current(data: PowmrData) -> float | None:
    readings = data.readings
    current = number(readings.output_current)
    if current is not None:
        return current
    apparent, voltage = number(readings.output_apparent_power), number(readings.output_voltage)
    if apparent is None or not voltage:
        return None
    return round(apparent / voltage, 2)


def _rounded(
    digits: int, reported: Reading[float | None], derived: Callable[[DerivedValues], float | None]
) -> Callable[[PowmrData], float | None]:
    """What the dongle's firmware reports, else what the coordinator derives, rounded."""

    def value(data: PowmrData) -> float | None:
        chosen = number(reported(data.readings))
        if chosen is None:
            chosen = number(derived(data.derived))
        return None if chosen is None else round(chosen, digits)

    return value


def _derived(key: str, data: PowmrData) -> bool:
    return data.has(key)


SENSORS: tuple[PowmrSensorEntityDescription, ...] = (
    _enum("operating_mode", lambda r: r.operating_mode),
    _enum("charger_status", lambda r: r.charger_status),
    _measurement("grid_voltage", "V", 1, lambda r: r.grid_voltage),
    _measurement("grid_frequency", "Hz", 1, lambda r: r.grid_frequency),
    _measurement("grid_power", "W", 0, lambda r: r.grid_power),
    _measurement(
        "grid_import_power",
        "W",
        0,
        value_fn=lambda data: data.grid_import_power,
        exists_fn=lambda data: not data.has("grid_power") and data.has("output_active_power"),
    ),
    _measurement("pv_voltage", "V", 1, lambda r: r.pv_voltage),
    _measurement("pv_power", "W", 0, lambda r: r.pv_power),
    _measurement(
        "pv_current", "A", 1, value_fn=_rounded(2, lambda r: r.pv_current, lambda d: d.pv_current)
    ),
    _measurement("battery_voltage", "V", 1, lambda r: r.battery_voltage),
    _measurement(
        "battery_soc",
        "%",
        0,
        lambda r: r.battery_soc,
        device_class=SensorDeviceClass.BATTERY,
        enabled=False,
    ),
    _measurement("battery_charge_current", "A", 0, lambda r: r.battery_charge_current),
    _measurement("battery_discharge_current", "A", 0, lambda r: r.battery_discharge_current),
    _measurement("battery_current", "A", 1, lambda r: r.battery_current),
    _measurement(
        "battery_power",
        "W",
        0,
        value_fn=_battery_power,
        exists_fn=lambda data: data.derived.battery_power is not None,
    ),
    _measurement(
        "charge_power",
        "W",
        0,
        value_fn=_rounded(1, lambda r: r.charge_power, lambda d: d.charge_power),
    ),
    _measurement(
        "discharge_power",
        "W",
        0,
        value_fn=_rounded(1, lambda r: r.discharge_power, lambda d: d.discharge_power),
    ),
    _measurement("output_voltage", "V", 1, lambda r: r.output_voltage),
    _measurement("output_frequency", "Hz", 1, lambda r: r.output_frequency),
    _measurement("output_apparent_power", "VA", 0, lambda r: r.output_apparent_power),
    _measurement("output_active_power", "W", 0, lambda r: r.output_active_power),
    _measurement(
        "output_current",
        "A",
        1,
        value_fn=_output_current,
        exists_fn=lambda data: data.has("output_current") or data.has("output_apparent_power"),
    ),
    PowmrSensorEntityDescription(
        key="power_factor",
        translation_key="power_factor",
        device_class=SensorDeviceClass.POWER_FACTOR,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        value_fn=_rounded(3, lambda r: r.power_factor, lambda d: d.power_factor),
        exists_fn=partial(_derived, "power_factor"),
    ),
    _measurement("load_percent", "%", 0, lambda r: r.load_percent),
    _measurement("temperature", "°C", 0, lambda r: r.temperature),
    _measurement(
        "temperature_aux", "°C", 0, lambda r: r.temperature_aux, diagnostic=True, enabled=False
    ),
    _measurement("inverter_voltage", "V", 1, lambda r: r.inverter_voltage, enabled=False),
    _measurement("inverter_current", "A", 1, lambda r: r.inverter_current, enabled=False),
    _measurement("inverter_frequency", "Hz", 2, lambda r: r.inverter_frequency, enabled=False),
    _measurement("inverter_power", "W", 0, lambda r: r.inverter_power, enabled=False),
    _measurement(
        "inverter_charging_power", "W", 0, lambda r: r.inverter_charging_power, enabled=False
    ),
    _measurement(
        "inverter_charging_current", "A", 1, lambda r: r.inverter_charging_current, enabled=False
    ),
    _measurement("pv_charging_power", "W", 0, lambda r: r.pv_charging_power, enabled=False),
    _measurement("pv_charging_current", "A", 1, lambda r: r.pv_charging_current, enabled=False),
    _measurement(
        "soc_estimate",
        "%",
        0,
        device_class=SensorDeviceClass.BATTERY,
        value_fn=_rounded(1, lambda r: r.soc_estimate, lambda d: d.soc_estimate),
    ),
    PowmrSensorEntityDescription(
        key="stored_energy",
        translation_key="stored_energy",
        device_class=SensorDeviceClass.ENERGY_STORAGE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfEnergy.WATT_HOUR,
        suggested_display_precision=0,
        value_fn=_rounded(1, lambda r: r.stored_energy, lambda d: d.stored_energy),
        exists_fn=partial(_derived, "stored_energy"),
    ),
    _measurement(
        "autonomy_minutes",
        "min",
        0,
        value_fn=_rounded(0, lambda r: r.autonomy_minutes, lambda d: d.autonomy_minutes),
    ),
    _measurement(
        "battery_voltage_corrected",
        "V",
        2,
        diagnostic=True,
        value_fn=_rounded(
            2, lambda r: r.battery_voltage_corrected, lambda d: d.battery_voltage_corrected
        ),
    ),
    _measurement(
        "efficiency",
        "%",
        0,
        diagnostic=True,
        enabled=False,
        value_fn=_rounded(1, lambda r: r.efficiency, lambda d: d.efficiency),
        exists_fn=lambda data: data.has("output_active_power"),
    ),
    PowmrSensorEntityDescription(
        key="series_resistance",
        translation_key="series_resistance",
        native_unit_of_measurement="Ω",
        suggested_display_precision=4,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=_rounded(5, lambda r: r.series_resistance, lambda d: d.series_resistance),
        exists_fn=lambda data: data.derived.battery_voltage_corrected is not None,
    ),
    _diagnostic("error_code", lambda r: r.error_code, enabled=True),
    _diagnostic("fault_bits", lambda r: r.fault_bits, enabled=True),
    _diagnostic("warning_bits", lambda r: r.warning_bits, enabled=True),
    _diagnostic("main_cpu_version", lambda r: r.main_cpu_version),
    _diagnostic("secondary_cpu_version", lambda r: r.secondary_cpu_version),
    *(
        _measurement(key, unit, 0, reading, diagnostic=True, enabled=False)
        for key, unit, reading in (
            ("rated_apparent_power", "VA", lambda r: r.rated_apparent_power),
            ("rated_active_power", "W", lambda r: r.rated_active_power),
            ("rated_grid_voltage", "V", lambda r: r.rated_grid_voltage),
            ("rated_grid_current", "A", lambda r: r.rated_grid_current),
            ("rated_battery_voltage", "V", lambda r: r.rated_battery_voltage),
            ("rated_output_voltage", "V", lambda r: r.rated_output_voltage),
            ("rated_output_frequency", "Hz", lambda r: r.rated_output_frequency),
            ("rated_output_current", "A", lambda r: r.rated_output_current),
        )
    ),
    # Link health. The time of the last poll is in the diagnostics download, not
    # an entity: it would change, fill the logbook and write to the database at
    # every poll. The read time changes at every poll too: off unless wanted.
    PowmrSensorEntityDescription(
        key="read_time",
        translation_key="read_time",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.link.read_time_ms,
    ),
    PowmrSensorEntityDescription(
        key="failed_polls",
        translation_key="failed_polls",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.link.failed_polls,
    ),
    # Settings, read-only while writes are off.
    _enum("output_source_priority", lambda r: r.output_source_priority, mirrors_setting=True),
    _enum("charger_source_priority", lambda r: r.charger_source_priority, mirrors_setting=True),
    _enum("ac_input_range", lambda r: r.ac_input_range, mirrors_setting=True),
    _enum("output_frequency_setting", lambda r: r.output_frequency_setting, mirrors_setting=True),
    _enum("battery_type", lambda r: r.battery_type, mirrors_setting=True),
    _enum("output_mode", lambda r: r.output_mode, mirrors_setting=True),
    _enum("turn_on_mode", lambda r: r.turn_on_mode, mirrors_setting=True),
    # SMG-II's own settings (reference §3: 303, 323, 341-343), visible while writes are off.
    _enum("buzzer_mode", lambda r: r.buzzer_mode, mirrors_setting=True),
    _setting_value("max_charge_current", "A", 0, lambda r: r.max_charge_current),
    _setting_value("max_utility_charge_current", "A", 0, lambda r: r.max_utility_charge_current),
    _setting_value("output_voltage_setting", "V", 0, lambda r: r.output_voltage_setting),
    _setting_value("back_to_utility_voltage", "V", 1, lambda r: r.back_to_utility_voltage),
    _setting_value("back_to_battery_voltage", "V", 1, lambda r: r.back_to_battery_voltage),
    _setting_value("bulk_charge_voltage", "V", 1, lambda r: r.bulk_charge_voltage, target=True),
    _setting_value("float_charge_voltage", "V", 1, lambda r: r.float_charge_voltage, target=True),
    _setting_value("low_dc_cutoff_voltage", "V", 1, lambda r: r.low_dc_cutoff_voltage),
    _setting_value("equalization_voltage", "V", 1, lambda r: r.equalization_voltage),
    _setting_value("equalization_time", "min", 0, lambda r: r.equalization_time),
    _setting_value("equalization_timeout", "min", 0, lambda r: r.equalization_timeout),
    _setting_value("equalization_interval", "d", 0, lambda r: r.equalization_interval),
    _setting_value(
        "battery_overvoltage_protection", "V", 1, lambda r: r.battery_overvoltage_protection
    ),
    *(
        _setting_value(key, "%", 0, reading, diagnostic_class=False)
        for key, reading in (
            ("soc_back_to_utility", lambda r: r.soc_back_to_utility),
            ("soc_back_to_battery", lambda r: r.soc_back_to_battery),
            ("soc_low_cutoff", lambda r: r.soc_low_cutoff),
        )
    ),
)

BINARY_SENSORS: tuple[OffGridBinarySensorEntityDescription[PowmrData], ...] = tuple(
    OffGridBinarySensorEntityDescription(
        key=key,
        translation_key=key,
        device_class=device_class,
        entity_category=EntityCategory.DIAGNOSTIC if not enabled else None,
        entity_registry_enabled_default=enabled,
        is_on_fn=partial(_flag, reading),
        exists_fn=partial(_has, key),
    )
    for key, device_class, enabled, reading in (
        ("grid_active", BinarySensorDeviceClass.POWER, True, lambda r: r.grid_active),
        ("on_battery", None, True, lambda r: r.on_battery),
        ("load_enabled", BinarySensorDeviceClass.POWER, True, lambda r: r.load_enabled),
        ("load_off", None, False, lambda r: r.load_off),
        ("grid_active_2", BinarySensorDeviceClass.POWER, False, lambda r: r.grid_active_2),
        ("on_battery_2", None, False, lambda r: r.on_battery_2),
    )
)


def energy_descriptions(
    scan_interval: float,
) -> tuple[OffGridEnergySensorEntityDescription[PowmrData], ...]:
    """The kWh counters; a gap longer than a few polls is never bridged."""
    counter = partial(EnergyCounter, max_step=MAX_STEP_POLLS * scan_interval)

    def described(
        key: str, source: Callable[[PowmrData], float | None], exists: Callable[[PowmrData], bool]
    ) -> OffGridEnergySensorEntityDescription[PowmrData]:
        return OffGridEnergySensorEntityDescription(
            key=key,
            translation_key=key,
            source_fn=source,
            counter_factory=counter,
            exists_fn=exists,
        )

    return (
        described("pv_energy", lambda data: data.power_flow.solar_power, partial(_has, "pv_power")),
        # Family A measures charge and discharge current apart, and both can
        # flow within one poll: each counter integrates its own.
        described(
            "battery_charge_energy",
            lambda data: data.derived.charge_power,
            lambda data: data.derived.battery_power is not None,
        ),
        described(
            "battery_discharge_energy",
            lambda data: data.derived.discharge_power,
            lambda data: data.derived.battery_power is not None,
        ),
        described(
            "load_energy",
            lambda data: data.power_flow.ac_out_power,
            partial(_has, "output_active_power"),
        ),
        described(
            "grid_import_energy",
            lambda data: data.power_flow.ac_in_power,
            lambda data: data.has("grid_power") or data.has("output_active_power"),
        ),
    )


_NUMBER_CLASSES = {
    "V": NumberDeviceClass.VOLTAGE,
    "A": NumberDeviceClass.CURRENT,
    "min": NumberDeviceClass.DURATION,
    "d": NumberDeviceClass.DURATION,
}


def _number(setting: Setting, nominal_voltage: float) -> OffGridNumberEntityDescription[PowmrData]:
    minimum, maximum = setting.bounds(nominal_voltage)
    if setting.allowed_extra:
        minimum = min(minimum, *setting.allowed_extra)
    known = UNITS.get(setting.unit or "")
    unit = setting.unit if known is None else known.unit
    mirror = setting.mirror_key or setting.key
    return OffGridNumberEntityDescription(
        key=setting.key,
        translation_key=setting.key,
        setting_key=setting.key,
        native_min_value=minimum,
        native_max_value=maximum,
        native_step=setting.step,
        native_unit_of_measurement=unit,
        device_class=_NUMBER_CLASSES.get(setting.unit or ""),
        mode=NumberMode.BOX,
        entity_category=EntityCategory.CONFIG,
        value_fn=lambda data: data.snapshot.number(mirror),
    )


# The controls come from the register map's settings, data keyed as the map keys
# them: their values are read by those keys (`Setting.mirror_key`, a reading's
# name; a test holds every one to an attribute of the matching type).
def _label(value: Value) -> str | None:
    return value if isinstance(value, str) else None


def _on(value: Value) -> bool | None:
    return value if isinstance(value, bool) else None


def _select(setting: Setting) -> OffGridSelectEntityDescription[PowmrData]:
    assert setting.options is not None
    mirror = setting.mirror_key
    return OffGridSelectEntityDescription(
        key=setting.key,
        translation_key=setting.key,
        setting_key=setting.key,
        options=list(setting.options.values()),
        entity_category=EntityCategory.CONFIG,
        current_fn=lambda data: None if mirror is None else _label(data.snapshot.get(mirror)),
    )


def _switch(setting: Setting) -> OffGridSwitchEntityDescription[PowmrData]:
    mirror = setting.mirror_key or setting.key
    return OffGridSwitchEntityDescription(
        key=setting.key,
        translation_key=setting.key,
        setting_key=setting.key,
        entity_category=EntityCategory.CONFIG,
        is_on_fn=lambda data: _on(data.snapshot.get(mirror)),
    )


@dataclass(frozen=True, slots=True)
class ControlDescriptions:
    """The controls of one register map."""

    numbers: tuple[OffGridNumberEntityDescription[PowmrData], ...]
    selects: tuple[OffGridSelectEntityDescription[PowmrData], ...]
    switches: tuple[OffGridSwitchEntityDescription[PowmrData], ...]
    buttons: tuple[OffGridButtonEntityDescription[PowmrData], ...]


def control_descriptions(
    register_map: RegisterMap, nominal_voltage: float | None
) -> ControlDescriptions:
    """Numbers, selects and switches for every setting of the map, buttons for its commands.

    Voltage bounds scale with the battery's nominal voltage, read from the
    unit's rating (24 V when it does not tell).
    """
    settings: Iterable[Setting] = register_map.settings
    numbers, selects, switches = [], [], []
    for setting in settings:
        if setting.options is not None:
            selects.append(_select(setting))
        elif setting.is_switch:
            switches.append(_switch(setting))
        else:
            numbers.append(_number(setting, nominal_voltage or 24.0))
    buttons = tuple(
        OffGridButtonEntityDescription[PowmrData](
            key=command.key,
            translation_key=command.key,
            command_key=command.key,
            entity_category=EntityCategory.CONFIG,
        )
        for command in register_map.commands
    )
    return ControlDescriptions(tuple(numbers), tuple(selects), tuple(switches), buttons)
