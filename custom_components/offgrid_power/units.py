"""One table for every family: a unit as a device spells it -> how Home Assistant shows it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    PERCENTAGE,
    SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    UnitOfApparentPower,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfFrequency,
    UnitOfIrradiance,
    UnitOfPower,
    UnitOfTemperature,
    UnitOfTime,
)


@dataclass(frozen=True, slots=True)
class UnitClass:
    """Home Assistant's unit, device class and state class for a device's unit."""

    unit: str
    device_class: SensorDeviceClass | None
    state_class: SensorStateClass = SensorStateClass.MEASUREMENT


def _energy(unit: str) -> UnitClass:
    return UnitClass(unit, SensorDeviceClass.ENERGY, SensorStateClass.TOTAL_INCREASING)


UNITS: Mapping[str, UnitClass] = {
    "V": UnitClass(UnitOfElectricPotential.VOLT, SensorDeviceClass.VOLTAGE),
    "mV": UnitClass(UnitOfElectricPotential.MILLIVOLT, SensorDeviceClass.VOLTAGE),
    "A": UnitClass(UnitOfElectricCurrent.AMPERE, SensorDeviceClass.CURRENT),
    "mA": UnitClass(UnitOfElectricCurrent.MILLIAMPERE, SensorDeviceClass.CURRENT),
    "W": UnitClass(UnitOfPower.WATT, SensorDeviceClass.POWER),
    "kW": UnitClass(UnitOfPower.KILO_WATT, SensorDeviceClass.POWER),
    "VA": UnitClass(UnitOfApparentPower.VOLT_AMPERE, SensorDeviceClass.APPARENT_POWER),
    "Wh": _energy(UnitOfEnergy.WATT_HOUR),
    "kWh": _energy(UnitOfEnergy.KILO_WATT_HOUR),
    "Hz": UnitClass(UnitOfFrequency.HERTZ, SensorDeviceClass.FREQUENCY),
    "°C": UnitClass(UnitOfTemperature.CELSIUS, SensorDeviceClass.TEMPERATURE),
    # Some MasterBus firmware spells degrees without the ring.
    "C": UnitClass(UnitOfTemperature.CELSIUS, SensorDeviceClass.TEMPERATURE),
    "%": UnitClass(PERCENTAGE, None),
    "Ah": UnitClass("Ah", None),
    "kAh": UnitClass("kAh", None),
    "min": UnitClass(UnitOfTime.MINUTES, SensorDeviceClass.DURATION),
    "d": UnitClass(UnitOfTime.DAYS, SensorDeviceClass.DURATION),
    "W/m²": UnitClass(UnitOfIrradiance.WATTS_PER_SQUARE_METER, SensorDeviceClass.IRRADIANCE),
    "dBm": UnitClass(SIGNAL_STRENGTH_DECIBELS_MILLIWATT, SensorDeviceClass.SIGNAL_STRENGTH),
}
