"""Turn another entity's state into a number the system can trust, or a reason why not."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import math

from homeassistant.const import (
    ATTR_UNIT_OF_MEASUREMENT,
    PERCENTAGE,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfPower,
)
from homeassistant.core import State
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util.unit_conversion import (
    BaseUnitConverter,
    ElectricCurrentConverter,
    ElectricPotentialConverter,
    EnergyConverter,
    PowerConverter,
)

from .const import FULL_CHARGE_STATES


class Rejected(StrEnum):
    """Why a source's state gave no value (shown in diagnostics)."""

    MISSING = "missing"
    UNAVAILABLE = "unavailable"
    UNKNOWN = "unknown"
    NOT_NUMERIC = "not_numeric"
    NOT_FINITE = "not_finite"
    NEGATIVE = "negative"
    OUT_OF_RANGE = "out_of_range"
    UNIT = "unit"


@dataclass(frozen=True, slots=True)
class Reading:
    """A value in the system's unit, or None and the reason."""

    value: float | None
    reason: Rejected | None = None


@dataclass(frozen=True, slots=True)
class Quantity:
    """How to read one kind of source: its unit, converter and plausible range."""

    unit: str
    converter: type[BaseUnitConverter] | None
    signed: bool = False
    maximum: float | None = None


POWER = Quantity(UnitOfPower.WATT, PowerConverter)
SIGNED_POWER = Quantity(UnitOfPower.WATT, PowerConverter, signed=True)
SIGNED_CURRENT = Quantity(UnitOfElectricCurrent.AMPERE, ElectricCurrentConverter, signed=True)
VOLTAGE = Quantity(UnitOfElectricPotential.VOLT, ElectricPotentialConverter)
ENERGY = Quantity(UnitOfEnergy.KILO_WATT_HOUR, EnergyConverter)
STATE_OF_CHARGE = Quantity(PERCENTAGE, None, maximum=100.0)


# Rejections are shared: a reading is immutable, and building one per refresh is waste.
_MISSING = Reading(None, Rejected.MISSING)
_NOT_NUMERIC = Reading(None, Rejected.NOT_NUMERIC)
_NOT_FINITE = Reading(None, Rejected.NOT_FINITE)
_NEGATIVE = Reading(None, Rejected.NEGATIVE)
_OUT_OF_RANGE = Reading(None, Rejected.OUT_OF_RANGE)
_UNIT = Reading(None, Rejected.UNIT)
_NOT_A_VALUE = {
    STATE_UNAVAILABLE: Reading(None, Rejected.UNAVAILABLE),
    STATE_UNKNOWN: Reading(None, Rejected.UNKNOWN),
}


def _absent(state: State | None) -> Reading | None:
    if state is None:
        return _MISSING
    return _NOT_A_VALUE.get(state.state)


def read_number(state: State | None, quantity: Quantity) -> Reading:
    """The state as a plausible number in ``quantity.unit``.

    Runs for every changed source on every refresh: the common case (a
    number in the system's unit) takes the fewest steps.
    """
    if state is None:
        return _MISSING
    try:
        value = float(state.state)
    except ValueError:
        return _NOT_A_VALUE.get(state.state, _NOT_NUMERIC)
    if not math.isfinite(value):
        return _NOT_FINITE
    if quantity.converter is not None and (
        (unit := state.attributes.get(ATTR_UNIT_OF_MEASUREMENT)) and unit != quantity.unit
    ):
        try:
            value = quantity.converter.convert(value, unit, quantity.unit)
        except HomeAssistantError:
            return _UNIT
    if value < 0 and not quantity.signed:
        return _NEGATIVE
    if quantity.maximum is not None and value > quantity.maximum:
        return _OUT_OF_RANGE
    return Reading(value)


def read_charger_full(state: State | None) -> tuple[bool | None, Rejected | None]:
    """Whether a charger's state says the battery is full (float or storage)."""
    if (absent := _absent(state)) is not None:
        return None, absent.reason
    assert state is not None
    return state.state.lower() in FULL_CHARGE_STATES, None
