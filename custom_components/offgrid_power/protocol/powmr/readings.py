"""The typed readings of one PowMr poll: one attribute per value either source can carry.

An attribute is named as the register key it comes from (`registers.py`) or,
for values only the ESP32 dongle's JSON has, as `dongle.py` names them; keys
shared by Family A and SMG-II mean the same thing. A value the unit does not
have, did not send this poll, or that failed the plausibility gate is None.

Types follow the register kind: an enum is its label (``unknown_<n>`` for a
code outside the map), a flag a bool, a raw word (bit fields, versions, codes)
an int, and a measurement or setting a number. A number is annotated `float`
but keeps the int a register with scale 1 decodes to, so a state reads ``341``
rather than ``341.0``; `number` gives the float where arithmetic wants one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType

type Value = float | int | str | bool | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PowmrReadings:
    """Every value of one poll, None where the source did not carry it."""

    # Status
    operating_mode: str | None = None
    charger_status: str | None = None
    error_code: int | None = None
    fault_bits: int | None = None
    warning_bits: int | None = None
    flags_4516: int | None = None
    settings_flags: int | None = None
    status_flags: int | None = None
    status_flags_2: int | None = None
    main_cpu_version: int | None = None
    secondary_cpu_version: int | None = None

    # Grid, inverter and output
    grid_voltage: float | None = None
    grid_frequency: float | None = None
    grid_power: float | None = None
    inverter_voltage: float | None = None
    inverter_current: float | None = None
    inverter_frequency: float | None = None
    inverter_power: float | None = None
    inverter_charging_power: float | None = None
    inverter_charging_current: float | None = None
    output_voltage: float | None = None
    output_current: float | None = None
    output_frequency: float | None = None
    output_active_power: float | None = None
    output_apparent_power: float | None = None
    load_percent: float | None = None
    power_factor: float | None = None

    # PV
    pv_voltage: float | None = None
    pv_current: float | None = None
    pv_power: float | None = None
    pv_charging_power: float | None = None
    pv_charging_current: float | None = None

    # Battery
    battery_voltage: float | None = None
    battery_soc: float | None = None
    battery_current: float | None = None
    battery_current_avg: float | None = None
    battery_charge_current: float | None = None
    battery_discharge_current: float | None = None
    battery_power: float | None = None
    charge_power: float | None = None
    discharge_power: float | None = None

    # Temperatures
    temperature: float | None = None
    temperature_aux: float | None = None

    # Ratings
    rated_apparent_power: float | None = None
    rated_active_power: float | None = None
    rated_grid_voltage: float | None = None
    rated_grid_current: float | None = None
    rated_battery_voltage: float | None = None
    rated_output_voltage: float | None = None
    rated_output_frequency: float | None = None
    rated_output_current: float | None = None

    # Settings: choices
    output_mode: str | None = None
    output_source_priority: str | None = None
    charger_source_priority: str | None = None
    ac_input_range: str | None = None
    output_frequency_setting: str | None = None
    buzzer_mode: str | None = None
    battery_type: str | None = None
    turn_on_mode: str | None = None

    # Settings: numbers
    output_voltage_setting: float | None = None
    max_charge_current: float | None = None
    max_utility_charge_current: float | None = None
    battery_overvoltage_protection: float | None = None
    bulk_charge_voltage: float | None = None
    float_charge_voltage: float | None = None
    back_to_utility_voltage: float | None = None
    back_to_battery_voltage: float | None = None
    low_dc_cutoff_voltage: float | None = None
    equalization_voltage: float | None = None
    equalization_time: float | None = None
    equalization_timeout: float | None = None
    equalization_interval: float | None = None
    soc_back_to_utility: float | None = None
    soc_back_to_battery: float | None = None
    soc_low_cutoff: float | None = None

    # Settings and status: flags
    buzzer: bool | None = None
    backlight: bool | None = None
    energy_saving: bool | None = None
    return_to_default_screen: bool | None = None
    restart_on_overload: bool | None = None
    restart_on_overtemperature: bool | None = None
    overload_bypass: bool | None = None
    beep_on_source_failure: bool | None = None
    record_fault_code: bool | None = None
    battery_equalization: bool | None = None
    equalization_now: bool | None = None
    remote_switch: bool | None = None
    on_battery: bool | None = None
    on_battery_2: bool | None = None
    grid_active: bool | None = None
    grid_active_2: bool | None = None
    load_enabled: bool | None = None
    load_off: bool | None = None

    # Computed by the ESP32 dongle's firmware (its JSON only)
    battery_voltage_corrected: float | None = None
    series_resistance: float | None = None
    series_resistance_sample: float | None = None
    soc_estimate: float | None = None
    stored_energy: float | None = None
    efficiency: float | None = None
    autonomy_minutes: float | None = None
    pv_energy_today: float | None = None
    output_energy: float | None = None
    read_time_ms: float | None = None


READING_KEYS: frozenset[str] = frozenset(field.name for field in fields(PowmrReadings))


def readings_from(values: Mapping[str, Value]) -> PowmrReadings:
    """The readings a codec's values spell; a key that is no attribute is a programming error."""
    unknown = values.keys() - READING_KEYS
    if unknown:
        raise KeyError(f"not a PowMr reading: {', '.join(sorted(unknown))}")
    return PowmrReadings(**values)  # type: ignore[arg-type]


def keyed(readings: PowmrReadings, keys: tuple[str, ...]) -> Mapping[str, Value]:
    """The readings by key, for diagnostics, tools and the map-driven settings."""
    return MappingProxyType({key: getattr(readings, key) for key in keys})


def number(value: float | None) -> float | None:
    """A reading as a float (a scale-1 register holds an int), None stays None."""
    return None if value is None else float(value)
