"""Entity descriptions built from what each MasterBus device says about itself.

Nothing here knows field numbers: a device's schema (names, units,
visualisations, ranges, option labels, the writable flag) decides which
entities exist and how they look. Units map to device classes; drop-downs
become enums; durations are seconds. Controls exist only for fields the
device marks writable, and only when the user enabled writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field as dataclass_field, replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.number import NumberDeviceClass, NumberMode
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfFrequency,
    UnitOfPower,
    UnitOfTemperature,
    UnitOfTime,
)
from homeassistant.helpers.typing import StateType

from custom_components.offgrid_power.binary_sensor import OffGridBinarySensorEntityDescription
from custom_components.offgrid_power.energy import EnergyCounter, NativeCounterAccumulator
from custom_components.offgrid_power.number import OffGridNumberEntityDescription
from custom_components.offgrid_power.protocol.masterbus import (
    DeviceIdentity,
    DeviceSchema,
    FieldInfo,
    Visualisation,
)
from custom_components.offgrid_power.select import OffGridSelectEntityDescription
from custom_components.offgrid_power.sensor import (
    OffGridEnergySensorEntityDescription,
    OffGridSensorEntityDescription,
)
from custom_components.offgrid_power.switch import OffGridSwitchEntityDescription

from .known_fields import plain_name, state_key, translation_key

if TYPE_CHECKING:
    from .coordinator import MasterbusData

# Unit as the device spells it -> (device class, Home Assistant unit).
UNITS: dict[str, tuple[SensorDeviceClass | None, str]] = {
    "V": (SensorDeviceClass.VOLTAGE, UnitOfElectricPotential.VOLT),
    "mV": (SensorDeviceClass.VOLTAGE, UnitOfElectricPotential.MILLIVOLT),
    "A": (SensorDeviceClass.CURRENT, UnitOfElectricCurrent.AMPERE),
    "mA": (SensorDeviceClass.CURRENT, UnitOfElectricCurrent.MILLIAMPERE),
    "W": (SensorDeviceClass.POWER, UnitOfPower.WATT),
    "kW": (SensorDeviceClass.POWER, UnitOfPower.KILO_WATT),
    "Wh": (SensorDeviceClass.ENERGY, UnitOfEnergy.WATT_HOUR),
    "kWh": (SensorDeviceClass.ENERGY, UnitOfEnergy.KILO_WATT_HOUR),
    "°C": (SensorDeviceClass.TEMPERATURE, UnitOfTemperature.CELSIUS),
    "C": (SensorDeviceClass.TEMPERATURE, UnitOfTemperature.CELSIUS),
    "Hz": (SensorDeviceClass.FREQUENCY, UnitOfFrequency.HERTZ),
    "%": (None, PERCENTAGE),
    "Ah": (None, "Ah"),
    "kAh": (None, "kAh"),
}
# How a repeated field name ("Battery" in V, A and °C) is told apart.
UNIT_WORDS = {
    "V": "voltage",
    "mV": "voltage",
    "A": "current",
    "mA": "current",
    "W": "power",
    "kW": "power",
    "Wh": "energy",
    "kWh": "energy",
    "°C": "temperature",
    "C": "temperature",
    "Hz": "frequency",
    "%": "level",
}
# Translation keys of readings without a device class, for their icons.json
# icons; the translated name is the device's own field name ("{field}").
UNIT_ICONS = {"Ah": "masterbus_charge", "kAh": "masterbus_charge", "%": "masterbus_level"}
# Visualisations that become entities; text, device lists and commands do not.
SHOWN = {
    Visualisation.FLOAT,
    Visualisation.GRAY_FLOAT,
    Visualisation.DROPDOWN,
    Visualisation.CHECKBOX,
    Visualisation.DURATION,
    Visualisation.DATE,
}
NUMERIC = {Visualisation.FLOAT, Visualisation.GRAY_FLOAT}

# Fields polled unless the user picks others, per device family (name prefix).
SHUNT_UNITS = {"%", "V", "A", "Ah", "°C"}
COMBI_UNITS = {"V", "A", "W", "Hz", "°C"}
CHARGER_UNITS = {"V", "A", "W", "kWh", "°C", "Hz", "%"}
COMBI_FAMILIES = {"MCU", "CMR", "INT"}

PRODUCTS = {
    "77020100": "MasterShunt",
    "77020110": "MasterShunt",
    "77020115": "MasterShunt 500",
    "35013000": "CombiMaster",
    "38013000": "Mass Combi Ultra",
    "44010250": "ChargeMaster",
    "40021006": "Mass Charger",
    "131906000": "Solar ChargeMaster",
    "45513000": "Alpha Pro MB",
    "81205100": "Mac Plus",
    "81205105": "Mac Plus",
    "81205300": "Mac Plus",
    "66016000": "MLI Ultra",
    "77030500": "DC relay interface",
    "77031500": "AC switch interface",
    "77030900": "Digital input interface",
    "77020200": "DC distribution",
    "77020400": "Digital switch",
    "77010310": "MasterView",
    "88000355": "Isolation transformer",
}
FAMILIES = {
    "MSH": "MasterShunt",
    "MCU": "Mass Combi Ultra",
    "CMR": "CombiMaster",
    "SCM": "Solar ChargeMaster",
    "CHG": "ChargeMaster",
    "MAC": "Mac Plus",
    "APR": "Alpha Pro",
    "BAT": "MLI battery",
}
# A Solar ChargeMaster's lifetime counter cannot plausibly grow faster than this.
SOLAR_MAX_KW = 10.0


def product_name(identity: DeviceIdentity) -> str:
    """The product behind an article number, else behind the name prefix."""
    return PRODUCTS.get(identity.article) or FAMILIES.get(identity.family, "MasterBus device")


def offered(schema: DeviceSchema) -> list[FieldInfo]:
    """Fields that can become entities, in the device's own group order."""
    order = {f: i for i, f in enumerate(f for g in schema.groups for f in g.fields)}
    return sorted(
        (info for info in schema.fields if info.visualisation in SHOWN and info.name),
        key=lambda info: order.get(info.field, len(order) + info.field),
    )


def default_fields(identity: DeviceIdentity, schema: DeviceSchema) -> list[int]:
    """The fields polled when the user keeps the defaults.

    Per family, mostly by unit and visualisation: a shunt's state of charge,
    voltage, current, amp-hours, temperature and time remaining; a combi's
    states and its AC and DC readings; a charger's or Solar ChargeMaster's
    states, output and yield. Settings (writable numbers such as a fuse
    size) are not measurements and are left out.
    """
    chosen = []
    for info in offered(schema):
        if info.writable and info.visualisation in NUMERIC:
            continue
        family = identity.family
        if family == "MSH":
            keep = (info.unit in SHUNT_UNITS and not info.name.startswith("MB")) or (
                info.visualisation == Visualisation.DURATION and "remain" in info.name.lower()
            )
        elif family in COMBI_FAMILIES:
            keep = info.visualisation == Visualisation.DROPDOWN or info.unit in COMBI_UNITS
        else:
            keep = info.visualisation in {
                Visualisation.DROPDOWN,
                Visualisation.CHECKBOX,
            } or (info.unit in CHARGER_UNITS)
        if keep:
            chosen.append(info.field)
    return chosen


def field_label(identity: DeviceIdentity, info: FieldInfo) -> str:
    """How a field is offered in the config flow."""
    unit = f" ({info.unit})" if info.unit else ""
    return f"{identity.name}: {info.name}{unit}"


def entity_names(schema: DeviceSchema) -> dict[int, str]:
    """Entity names from the device's field names; repeated names get their quantity.

    Only fields without a translation (``known_fields``) show these names.
    """
    fields = offered(schema)
    counts: dict[str, int] = {}
    for info in fields:
        counts[info.name] = counts.get(info.name, 0) + 1
    names: dict[int, str] = {}
    for info in fields:
        name = plain_name(info.name)
        if counts[info.name] > 1 and info.unit:
            word = UNIT_WORDS.get(info.unit)
            name = f"{name} {word}" if word else f"{name} ({info.unit})"
        names[info.field] = name
    return names


def _shunt_energy_fields(identity: DeviceIdentity, schema: DeviceSchema) -> tuple[int, int] | None:
    """The battery voltage and current of a shunt, found by unit."""
    if identity.family != "MSH":
        return None
    volts = [f for f in offered(schema) if f.unit == "V" and not f.name.startswith("MB")]
    amps = [f for f in offered(schema) if f.unit == "A"]
    if not volts or not amps:
        return None
    return volts[0].field, amps[0].field


def _solar_energy_field(identity: DeviceIdentity, schema: DeviceSchema) -> int | None:
    if identity.family != "SCM":
        return None
    return next((f.field for f in offered(schema) if f.unit == "kWh"), None)


def controls_allowed(info: FieldInfo) -> bool:
    """A field becomes a control only when the device marks it writable."""
    return info.writable and info.visualisation in {
        Visualisation.FLOAT,
        Visualisation.DROPDOWN,
        Visualisation.CHECKBOX,
    }


def needs_commit(schema: DeviceSchema, info: FieldInfo) -> bool:
    """Relay-type switches and choices take the commit token at field + 1.

    The token is sent only where field + 1 is not a named field of the
    schema (a named neighbour is a field of its own, never a commit slot).
    """
    if info.visualisation not in {Visualisation.CHECKBOX, Visualisation.DROPDOWN}:
        return False
    neighbour = schema.field(info.field + 1)
    return neighbour is None or not neighbour.name


def poll_fields(
    identity: DeviceIdentity, schema: DeviceSchema, selected: Iterable[int] | None, writes: bool
) -> list[int]:
    """Every field a poll reads: the selection, energy inputs and controls."""
    fields = list(default_fields(identity, schema) if selected is None else selected)
    extra: list[int] = []
    if (shunt := _shunt_energy_fields(identity, schema)) is not None:
        extra += shunt
    if (solar := _solar_energy_field(identity, schema)) is not None:
        extra.append(solar)
    if writes:
        extra += [info.field for info in offered(schema) if controls_allowed(info)]
    known = {info.field for info in schema.fields}
    return [f for f in dict.fromkeys([*fields, *extra]) if f in known]


@dataclass(slots=True)
class DeviceDescriptions:
    """The entities of one device, by platform."""

    sensors: list[OffGridSensorEntityDescription | OffGridEnergySensorEntityDescription] = (
        dataclass_field(default_factory=list)
    )
    binary_sensors: list[OffGridBinarySensorEntityDescription] = dataclass_field(
        default_factory=list
    )
    numbers: list[OffGridNumberEntityDescription] = dataclass_field(default_factory=list)
    selects: list[OffGridSelectEntityDescription] = dataclass_field(default_factory=list)
    switches: list[OffGridSwitchEntityDescription] = dataclass_field(default_factory=list)


def _raw(serial: str, field: int, data: MasterbusData) -> float | None:
    return data.value(serial, field)


def _interpreted(serial: str, info: FieldInfo, data: MasterbusData) -> Any:
    return info.interpret(data.value(serial, info.field))


def _number(serial: str, info: FieldInfo, data: MasterbusData) -> StateType | datetime:
    value = data.value(serial, info.field)
    if value is None:
        return None
    return round(value, 6)


def _option(serial: str, info: FieldInfo, data: MasterbusData) -> str | None:
    value = _interpreted(serial, info, data)
    return value if isinstance(value, str) else None


def _state(serial: str, info: FieldInfo, data: MasterbusData) -> str | None:
    value = _option(serial, info, data)
    return None if value is None else state_key(value)


def _choices(info: FieldInfo, keyed: bool) -> list[str]:
    """A drop-down's options: state keys when translated, else the device's labels."""
    return list(dict.fromkeys(state_key(o) if keyed else o for o in info.options))


def _flag(serial: str, info: FieldInfo, data: MasterbusData) -> bool | None:
    value = data.value(serial, info.field)
    return None if value is None else value != 0


def _seconds(serial: str, info: FieldInfo, data: MasterbusData) -> StateType | datetime:
    value = data.value(serial, info.field)
    return None if value is None else round(value)


def _date(serial: str, info: FieldInfo, data: MasterbusData) -> StateType | datetime:
    # The sensor platform takes a date for the DATE class; the description's type says datetime.
    return cast(datetime | None, _interpreted(serial, info, data))


def _battery_power(serial: str, fields: tuple[int, int], data: MasterbusData) -> float | None:
    volts, amps = data.value(serial, fields[0]), data.value(serial, fields[1])
    if volts is None or amps is None or not data.online(serial):
        return None
    return round(volts * amps, 2)


def _charge(serial: str, fields: tuple[int, int], data: MasterbusData) -> float | None:
    power = _battery_power(serial, fields, data)
    return None if power is None else max(power, 0.0)


def _discharge(serial: str, fields: tuple[int, int], data: MasterbusData) -> float | None:
    power = _battery_power(serial, fields, data)
    return None if power is None else max(-power, 0.0)


def _native_energy(serial: str, field: int, data: MasterbusData) -> float | None:
    return data.value(serial, field) if data.online(serial) else None


def _sensor(
    serial: str, info: FieldInfo, name: str, known: str | None
) -> OffGridSensorEntityDescription:
    key = f"{serial}_{info.field}"
    if info.visualisation == Visualisation.DROPDOWN:
        return OffGridSensorEntityDescription(
            key=key,
            **_named(name, "masterbus_state", known),
            device_class=SensorDeviceClass.ENUM,
            options=_choices(info, known is not None),
            value_fn=partial(_state if known else _option, serial, info),
        )
    if info.visualisation == Visualisation.DURATION:
        # Seconds as the device counts them, shown in hours ("83.3 h", not "299,711 s").
        return OffGridSensorEntityDescription(
            key=key,
            **_named(name, None, known),
            device_class=SensorDeviceClass.DURATION,
            native_unit_of_measurement=UnitOfTime.SECONDS,
            suggested_unit_of_measurement=UnitOfTime.HOURS,
            suggested_display_precision=1,
            value_fn=partial(_seconds, serial, info),
        )
    if info.visualisation == Visualisation.DATE:
        return OffGridSensorEntityDescription(
            key=key,
            **_named(name, None, known),
            device_class=SensorDeviceClass.DATE,
            entity_category=EntityCategory.DIAGNOSTIC,
            value_fn=partial(_date, serial, info),
        )
    device_class, unit = UNITS.get(info.unit, (None, info.unit or None))
    state_class = SensorStateClass.MEASUREMENT
    if device_class is SensorDeviceClass.ENERGY:
        state_class = SensorStateClass.TOTAL_INCREASING
    if info.unit == "%" and "charge" in info.name.lower():
        device_class = SensorDeviceClass.BATTERY
    return OffGridSensorEntityDescription(
        key=key,
        **_named(
            name, None if device_class else UNIT_ICONS.get(info.unit, "masterbus_value"), known
        ),
        device_class=device_class,
        native_unit_of_measurement=unit,
        state_class=state_class,
        suggested_display_precision=_precision(info.step),
        value_fn=partial(_number, serial, info),
    )


def _named(name: str, generic_key: str | None, known: str | None) -> dict[str, Any]:
    """Name an entity: by the translation of a field we know; else after the
    device's own field name, directly or through a generic translation whose
    name is that field name (so icons.json can give it an icon)."""
    if known is not None:
        return {"translation_key": known}
    if generic_key is None:
        return {"name": name}
    return {"translation_key": generic_key, "translation_placeholders": {"field": name}}


def _known_keys(identity: DeviceIdentity, fields: Iterable[FieldInfo]) -> dict[int, str]:
    """The translation key of each field we know; a key already taken by another
    field of the device leaves the later one with its own name."""
    keys: dict[int, str] = {}
    for info in fields:
        key = translation_key(identity, info)
        if key is not None and key not in keys.values():
            keys[info.field] = key
    return keys


def _precision(step: float | None) -> int | None:
    if not step or step <= 0:
        return None
    digits = 0
    while step < 1 and digits < 4:
        step *= 10
        digits += 1
    return digits


def describe_device(
    serial: str,
    identity: DeviceIdentity,
    schema: DeviceSchema,
    selected: Iterable[int] | None,
    *,
    writes: bool,
    scan_interval: float,
) -> DeviceDescriptions:
    """Every entity of one device, from its schema and the user's choice."""
    result = DeviceDescriptions()
    names = entity_names(schema)
    known_keys = _known_keys(identity, offered(schema))
    chosen = set(default_fields(identity, schema) if selected is None else selected)
    # The Solar ChargeMaster's lifetime yield feeds the solar energy counter below,
    # the one the Energy dashboard offers; the device's own reading stays visible
    # as a diagnostic without a state class, so the dashboard never offers it.
    solar = _solar_energy_field(identity, schema)
    for info in offered(schema):
        name, known = names[info.field], known_keys.get(info.field)
        key = f"{serial}_{info.field}"
        if writes and controls_allowed(info):
            setting = f"{serial}:{info.field}"
            if info.visualisation == Visualisation.CHECKBOX:
                result.switches.append(
                    OffGridSwitchEntityDescription(
                        key=key,
                        **_named(name, "masterbus_switch", known),
                        setting_key=setting,
                        is_on_fn=partial(_flag, serial, info),
                    )
                )
            elif info.visualisation == Visualisation.DROPDOWN:
                result.selects.append(
                    OffGridSelectEntityDescription(
                        key=key,
                        **_named(name, "masterbus_choice", known),
                        setting_key=setting,
                        options=_choices(info, known is not None),
                        current_fn=partial(_state if known else _option, serial, info),
                    )
                )
            else:
                device_class, unit = UNITS.get(info.unit, (None, info.unit or None))
                number_class = (
                    None
                    if device_class is None or device_class is SensorDeviceClass.ENERGY
                    else NumberDeviceClass(device_class.value)
                )
                result.numbers.append(
                    OffGridNumberEntityDescription(
                        key=key,
                        **_named(name, None if number_class else "masterbus_setting", known),
                        setting_key=setting,
                        device_class=number_class,
                        native_unit_of_measurement=unit,
                        native_min_value=info.minimum if info.minimum is not None else 0.0,
                        native_max_value=info.maximum if info.maximum is not None else 100_000.0,
                        native_step=info.step or None,
                        mode=NumberMode.BOX,
                        value_fn=partial(_raw, serial, info.field),
                    )
                )
            continue
        if info.field not in chosen:
            continue
        if info.visualisation == Visualisation.CHECKBOX:
            result.binary_sensors.append(
                OffGridBinarySensorEntityDescription(
                    key=key,
                    **_named(name, "masterbus_flag", known),
                    is_on_fn=partial(_flag, serial, info),
                )
            )
        else:
            sensor = _sensor(serial, info, name, known)
            if info.field == solar:
                sensor = replace(
                    sensor, state_class=None, entity_category=EntityCategory.DIAGNOSTIC
                )
            result.sensors.append(sensor)
    max_step = max(60.0, 3 * scan_interval)
    if (shunt := _shunt_energy_fields(identity, schema)) is not None:
        result.sensors += [
            OffGridSensorEntityDescription(
                key=f"{serial}_battery_power",
                translation_key="battery_power",
                device_class=SensorDeviceClass.POWER,
                native_unit_of_measurement=UnitOfPower.WATT,
                state_class=SensorStateClass.MEASUREMENT,
                suggested_display_precision=0,
                value_fn=partial(_battery_power, serial, shunt),
            ),
            OffGridEnergySensorEntityDescription(
                key=f"{serial}_battery_charge_energy",
                translation_key="battery_charge_energy",
                source_fn=partial(_charge, serial, shunt),
                counter_factory=partial(EnergyCounter, max_step=max_step),
            ),
            OffGridEnergySensorEntityDescription(
                key=f"{serial}_battery_discharge_energy",
                translation_key="battery_discharge_energy",
                source_fn=partial(_discharge, serial, shunt),
                counter_factory=partial(EnergyCounter, max_step=max_step),
            ),
        ]
    if solar is not None:
        result.sensors.append(
            OffGridEnergySensorEntityDescription(
                key=f"{serial}_solar_energy",
                translation_key="solar_energy",
                source_fn=partial(_native_energy, serial, solar),
                counter_factory=partial(NativeCounterAccumulator, max_power_kw=SOLAR_MAX_KW),
            )
        )
    return result


LINK_DESCRIPTION = OffGridBinarySensorEntityDescription(
    key="masterbus_link",
    translation_key="masterbus_link",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
    is_on_fn=lambda data: data.connected,
)
