"""Entity descriptions built from what each MasterBus device says about itself.

Nothing here knows field numbers: a device's schema (names, units,
visualisations, ranges, option labels, the writable flag) decides which
entities exist and how they look. Units map to device classes; drop-downs
become enums; durations are seconds, shown in hours. Controls exist only for
fields the device marks writable, and only when the user enabled writes.
Which fields exist and are polled is the protocol library's (``products``,
``policy``); fields of the devices we know are named by translation
(``known_fields``), the others after the device's words (``labels``).
Fields of the settings menus become settings: controls in the configuration
category with writes on, diagnostic readings otherwise, disabled by default
except a charger's target voltages. Readings, controls and settings share
the naming and unit helpers, which is why this module is over 300 lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field as dataclass_field, replace
from datetime import datetime
from functools import partial
from typing import Any, cast

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.number import NumberDeviceClass, NumberMode
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    EntityCategory,
    Platform,
    UnitOfPower,
    UnitOfTime,
)
from homeassistant.helpers.typing import StateType

from custom_components.offgrid_power.binary_sensor import (
    OffGridBinarySensorEntityDescription,
    OffGridLinkEntityDescription,
)
from custom_components.offgrid_power.energy import EnergyCounter, NativeCounterAccumulator
from custom_components.offgrid_power.entity import OffGridEntityDescription
from custom_components.offgrid_power.number import OffGridNumberEntityDescription
from custom_components.offgrid_power.power_flow import backward, forward
from custom_components.offgrid_power.protocol.masterbus import (
    DeviceIdentity,
    DeviceSchema,
    FieldInfo,
    Visualisation,
    controls_allowed,
    default_fields,
    offered,
    settings,
    shunt_energy_fields,
    solar_energy_field,
)
from custom_components.offgrid_power.select import OffGridSelectEntityDescription
from custom_components.offgrid_power.sensor import (
    OffGridEnergySensorEntityDescription,
    OffGridSensorEntityDescription,
)
from custom_components.offgrid_power.switch import OffGridSwitchEntityDescription
from custom_components.offgrid_power.units import UNITS

from .data import MasterbusData
from .known_fields import TARGETS, state_key, translation_key
from .labels import entity_names

# The units MasterBus entities were first created with: a unit the shared
# table learns later must not change an existing entity's translation key.
_KNOWN_UNITS = frozenset(
    {"V", "mV", "A", "mA", "W", "kW", "Wh", "kWh", "°C", "C", "Hz", "%", "Ah", "kAh"}
)


def _unit(unit: str) -> tuple[SensorDeviceClass | None, str | None]:
    """Device class and Home Assistant unit of a field's unit."""
    if unit in _KNOWN_UNITS:
        return UNITS[unit].device_class, UNITS[unit].unit
    return None, unit or None


# The translation keys of a charger's target voltages.
TARGET_KEYS = frozenset(TARGETS.values())
# Translation keys of readings without a device class, for their icons.json
# icons; the translated name is the device's own field name ("{field}").
UNIT_ICONS = {"Ah": "masterbus_charge", "kAh": "masterbus_charge", "%": "masterbus_level"}
# A Solar ChargeMaster's lifetime counter cannot plausibly grow faster than this.
SOLAR_MAX_KW = 10.0


@dataclass(slots=True)
class DeviceDescriptions:
    """The entities of one device, by platform."""

    sensors: list[
        OffGridSensorEntityDescription[MasterbusData]
        | OffGridEnergySensorEntityDescription[MasterbusData]
    ] = dataclass_field(default_factory=list)
    binary_sensors: list[OffGridBinarySensorEntityDescription[MasterbusData]] = dataclass_field(
        default_factory=list
    )
    numbers: list[OffGridNumberEntityDescription[MasterbusData]] = dataclass_field(
        default_factory=list
    )
    selects: list[OffGridSelectEntityDescription[MasterbusData]] = dataclass_field(
        default_factory=list
    )
    switches: list[OffGridSwitchEntityDescription[MasterbusData]] = dataclass_field(
        default_factory=list
    )

    def add(self, description: OffGridEntityDescription[MasterbusData]) -> None:
        """Add one description to its platform's list."""
        match description:
            case OffGridSensorEntityDescription() | OffGridEnergySensorEntityDescription():
                self.sensors.append(description)
            case OffGridBinarySensorEntityDescription():
                self.binary_sensors.append(description)
            case OffGridNumberEntityDescription():
                self.numbers.append(description)
            case OffGridSelectEntityDescription():
                self.selects.append(description)
            case OffGridSwitchEntityDescription():
                self.switches.append(description)

    def by_platform(self) -> dict[Platform, list[OffGridEntityDescription[MasterbusData]]]:
        """The descriptions per platform."""
        return {
            Platform.SENSOR: list(self.sensors),
            Platform.BINARY_SENSOR: list(self.binary_sensors),
            Platform.NUMBER: list(self.numbers),
            Platform.SELECT: list(self.selects),
            Platform.SWITCH: list(self.switches),
        }


def _online(serial: str, data: MasterbusData) -> bool:
    """A device's entities are unavailable while it does not answer."""
    return data.online(serial)


def _raw(serial: str, field: int, data: MasterbusData) -> float | None:
    # Six decimals drop float32 noise: 14.4 travels as 14.3999996.
    value = data.value(serial, field)
    return None if value is None else round(value, 6)


def _text(serial: str, field: int, data: MasterbusData) -> str | None:
    return data.text(serial, field)


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
    return data.battery_flow(serial, fields).battery_power


def _charge(serial: str, fields: tuple[int, int], data: MasterbusData) -> float | None:
    return forward(_battery_power(serial, fields, data))


def _discharge(serial: str, fields: tuple[int, int], data: MasterbusData) -> float | None:
    return backward(_battery_power(serial, fields, data))


def _native_energy(serial: str, field: int, data: MasterbusData) -> float | None:
    return data.value(serial, field) if data.online(serial) else None


def _sensor(
    serial: str, info: FieldInfo, name: str, known: str | None
) -> OffGridSensorEntityDescription[MasterbusData]:
    key = f"{serial}_{info.field}"
    if info.visualisation == Visualisation.DROPDOWN:
        return OffGridSensorEntityDescription(
            key=key,
            available_fn=partial(_online, serial),
            **_named(name, "masterbus_state", known),
            device_class=SensorDeviceClass.ENUM,
            options=_choices(info, known is not None),
            value_fn=partial(_state if known else _option, serial, info),
        )
    if info.visualisation == Visualisation.DURATION:
        # Seconds as the device counts them, shown in hours ("83.3 h", not "299,711 s").
        return OffGridSensorEntityDescription(
            key=key,
            available_fn=partial(_online, serial),
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
            available_fn=partial(_online, serial),
            **_named(name, None, known),
            device_class=SensorDeviceClass.DATE,
            entity_category=EntityCategory.DIAGNOSTIC,
            value_fn=partial(_date, serial, info),
        )
    device_class, unit = _unit(info.unit)
    state_class = SensorStateClass.MEASUREMENT
    if device_class is SensorDeviceClass.ENERGY:
        state_class = SensorStateClass.TOTAL_INCREASING
    if info.unit == "%" and "charge" in info.name.lower():
        device_class = SensorDeviceClass.BATTERY
    return OffGridSensorEntityDescription(
        key=key,
        available_fn=partial(_online, serial),
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


def _control(
    serial: str, info: FieldInfo, name: str, known: str | None
) -> (
    OffGridSwitchEntityDescription[MasterbusData]
    | OffGridSelectEntityDescription[MasterbusData]
    | OffGridNumberEntityDescription[MasterbusData]
):
    """The switch, choice or number that writes a writable field."""
    key, setting = f"{serial}_{info.field}", f"{serial}:{info.field}"
    if info.visualisation == Visualisation.CHECKBOX:
        return OffGridSwitchEntityDescription(
            key=key,
            available_fn=partial(_online, serial),
            **_named(name, "masterbus_switch", known),
            setting_key=setting,
            is_on_fn=partial(_flag, serial, info),
        )
    if info.visualisation == Visualisation.DROPDOWN:
        return OffGridSelectEntityDescription(
            key=key,
            available_fn=partial(_online, serial),
            **_named(name, "masterbus_choice", known),
            setting_key=setting,
            options=_choices(info, known is not None),
            current_fn=partial(_state if known else _option, serial, info),
        )
    device_class, unit = _unit(info.unit)
    number_class = (
        None
        if device_class is None or device_class is SensorDeviceClass.ENERGY
        else NumberDeviceClass(device_class.value)
    )
    return OffGridNumberEntityDescription(
        key=key,
        available_fn=partial(_online, serial),
        **_named(name, None if number_class else "masterbus_setting", known),
        setting_key=setting,
        device_class=number_class,
        native_unit_of_measurement=unit,
        native_min_value=info.minimum if info.minimum is not None else 0.0,
        native_max_value=info.maximum if info.maximum is not None else 100_000.0,
        native_step=round(info.step, 6) if info.step else None,
        mode=NumberMode.BOX,
        value_fn=partial(_raw, serial, info.field),
    )


def _reading(
    serial: str, info: FieldInfo, name: str, known: str | None
) -> (
    OffGridBinarySensorEntityDescription[MasterbusData]
    | OffGridSensorEntityDescription[MasterbusData]
):
    """The sensor (or, for a check box, binary sensor) that shows a field."""
    if info.visualisation == Visualisation.CHECKBOX:
        return OffGridBinarySensorEntityDescription(
            key=f"{serial}_{info.field}",
            available_fn=partial(_online, serial),
            **_named(name, "masterbus_flag", known),
            is_on_fn=partial(_flag, serial, info),
        )
    return _sensor(serial, info, name, known)


def _setting(
    serial: str, info: FieldInfo, name: str, known: str | None, *, writes: bool
) -> OffGridEntityDescription[MasterbusData]:
    """A field of a settings menu: a control (with writes on) or a reading.

    Settings are left to the user to enable, except a charger's target
    voltages, which the system dashboard draws (and which keep statistics,
    so its graph can). A sensor cannot be in the configuration category,
    so a read-only setting is a diagnostic.
    """
    target = known in TARGET_KEYS
    if info.visualisation is Visualisation.TEXT:
        # Read-only: the reference does not say how a text is written.
        return OffGridSensorEntityDescription(
            key=f"{serial}_{info.field}",
            available_fn=partial(_online, serial),
            **_named(name, "masterbus_text", known),
            entity_category=EntityCategory.DIAGNOSTIC,
            entity_registry_enabled_default=False,
            value_fn=partial(_text, serial, info.field),
        )
    if writes and controls_allowed(info):
        return replace(
            _control(serial, info, name, known),
            entity_category=EntityCategory.CONFIG,
            entity_registry_enabled_default=target,
        )
    reading = _reading(serial, info, name, known)
    if isinstance(reading, OffGridSensorEntityDescription):
        reading = replace(reading, state_class=SensorStateClass.MEASUREMENT if target else None)
    return replace(
        reading,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=target,
    )


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
    known_keys = _known_keys(identity, [*offered(schema), *settings(schema)])
    chosen = set(default_fields(identity, schema) if selected is None else selected)
    # The Solar ChargeMaster's lifetime yield feeds the solar energy counter below,
    # the one the Energy dashboard offers; the device's own reading stays visible
    # as a diagnostic without a state class, so the dashboard never offers it.
    solar = solar_energy_field(identity, schema)
    for info in offered(schema):
        name, known = names[info.field], known_keys.get(info.field)
        if writes and controls_allowed(info):
            result.add(_control(serial, info, name, known))
            continue
        if info.field not in chosen:
            continue
        reading = _reading(serial, info, name, known)
        if info.field == solar and isinstance(reading, OffGridSensorEntityDescription):
            reading = replace(reading, state_class=None, entity_category=EntityCategory.DIAGNOSTIC)
        result.add(reading)
    for info in settings(schema):
        name, known = names[info.field], known_keys.get(info.field)
        result.add(_setting(serial, info, name, known, writes=writes))
    max_step = max(60.0, 3 * scan_interval)
    if (shunt := shunt_energy_fields(identity, schema)) is not None:
        result.sensors += [
            OffGridSensorEntityDescription(
                key=f"{serial}_battery_power",
                available_fn=partial(_online, serial),
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


def _link_up(coordinator: Any) -> bool:
    return bool(coordinator.connected)


LINK_DESCRIPTION = OffGridLinkEntityDescription(
    key="masterbus_link",
    translation_key="masterbus_link",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
    link_fn=_link_up,
)
