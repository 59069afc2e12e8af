"""Values the PowMr ESP32 dongle firmware computes on top of the registers.

The pure formulas are plain functions. `DerivedCalculator` holds the little
state some of them need (series-resistance estimate, stored energy, averages
for autonomy); a coordinator keeps one per device and feeds it every poll,
including failed ones, so no estimate is carried across a gap.
"""

from __future__ import annotations

from dataclasses import dataclass

from .codec import PowmrSnapshot
from .readings import PowmrReadings, number

# Below this the PV input is dark; the firmware reports the residual volts as 0 W/0 A.
PV_DARK_VOLTAGE = 6.0
# A current step smaller than this makes ΔV/ΔI too noisy for a resistance estimate.
MIN_CURRENT_STEP_A = 5.0
RESISTANCE_SMOOTHING = 0.1
INITIAL_SERIES_RESISTANCE_OHM = 0.01
AUTONOMY_CAP_MINUTES = 2 * 24 * 60
MAX_INVERTER_EFFICIENCY = 0.93
AVERAGE_SMOOTHING = 0.2


def pv_current(pv_power: float | None, pv_voltage: float | None) -> float | None:
    if pv_power is None or pv_voltage is None:
        return None
    if pv_voltage < PV_DARK_VOLTAGE:
        return 0.0
    return pv_power / pv_voltage


def battery_power(
    voltage: float | None, charge_a: float | None, discharge_a: float | None
) -> float | None:
    """Signed battery power, positive while charging."""
    if voltage is None or charge_a is None or discharge_a is None:
        return None
    return voltage * (charge_a - discharge_a)


def power_factor(active_w: float | None, apparent_va: float | None) -> float | None:
    """W ÷ VA, clamped to 1 because the two registers are not sampled at the same instant."""
    if active_w is None or apparent_va is None:
        return None
    if active_w <= 0 or apparent_va <= 0:
        return 1.0
    return min(1.0, active_w / apparent_va)


def battery_mode_efficiency(
    output_w: float | None, pv_w: float | None, discharge_w: float | None
) -> float | None:
    """Percent of DC input that reaches the output; only meaningful off-grid (AC input is unknown)."""
    if output_w is None or pv_w is None or discharge_w is None:
        return None
    source = pv_w + discharge_w
    return None if source <= 0 else 100.0 * output_w / source


def corrected_voltage(voltage: float, net_current_a: float, resistance_ohm: float) -> float:
    """Approximate rest voltage: remove the drop across the cabling and internal resistance."""
    return voltage - resistance_ohm * net_current_a


NOMINAL_BATTERY_VOLTAGES = (12.0, 24.0, 48.0)
# Every lead-acid or LiFePO4 bank of a nominal voltage V stays within these
# fractions of V, and the windows of 12, 24 and 48 V do not overlap.
_NOMINAL_WINDOW = (0.75, 1.35)


def nominal_battery_voltage(snapshot: PowmrSnapshot) -> float | None:
    """The bank's nominal voltage: the unit's rating (Family A 4525) when it reports one,
    else the nominal voltage whose window the measured voltage lies in (SMG-II has no rating)."""
    readings = snapshot.readings
    rated = number(readings.rated_battery_voltage)
    if rated in NOMINAL_BATTERY_VOLTAGES:
        return rated
    measured = number(readings.battery_voltage)
    if measured is None:
        return None
    low, high = _NOMINAL_WINDOW
    return next((v for v in NOMINAL_BATTERY_VOLTAGES if low * v <= measured <= high * v), None)


def soc_from_voltage(voltage: float, empty_v: float, full_v: float) -> float:
    return max(0.0, min(100.0, 100.0 * (voltage - empty_v) / (full_v - empty_v)))


@dataclass(frozen=True, slots=True)
class BatteryProfile:
    """Battery window and capacity. `for_nominal` scales the firmware's 24 V LiFePO4 defaults."""

    capacity_wh: float
    soc_empty_v: float
    soc_full_v: float
    energy_empty_v: float
    energy_full_v: float

    @classmethod
    def for_nominal(
        cls, nominal_voltage: float = 24.0, capacity_wh: float = 2560.0
    ) -> BatteryProfile:
        factor = nominal_voltage / 24.0
        return cls(capacity_wh, 23.0 * factor, 28.8 * factor, 22.0 * factor, 28.8 * factor)


@dataclass(frozen=True, slots=True)
class DerivedValues:
    pv_current: float | None
    battery_power: float | None
    charge_power: float | None
    discharge_power: float | None
    power_factor: float | None
    efficiency: float | None
    battery_voltage_corrected: float | None
    series_resistance: float
    series_resistance_sample: float | None
    soc_estimate: float | None
    stored_energy: float | None
    autonomy_minutes: float | None


@dataclass(frozen=True, slots=True)
class _BatterySample:
    voltage: float
    charge_a: float
    discharge_a: float
    time: float

    @property
    def net_current(self) -> float:
        return self.charge_a - self.discharge_a


def battery_currents(readings: PowmrReadings) -> tuple[float, float] | None:
    """(charge A, discharge A): Family A has two registers, SMG-II one signed current."""
    charge = number(readings.battery_charge_current)
    discharge = number(readings.battery_discharge_current)
    if charge is not None and discharge is not None:
        return charge, discharge
    signed = number(readings.battery_current)
    if signed is None:
        return None
    return max(0.0, signed), max(0.0, -signed)


class DerivedCalculator:
    """Stateful part of the derived values; call `update` once per poll."""

    def __init__(self, profile: BatteryProfile, max_gap_s: float = 300.0) -> None:
        self.profile = profile
        self.max_gap_s = max_gap_s
        self.series_resistance = INITIAL_SERIES_RESISTANCE_OHM
        self.stored_energy_wh: float | None = None
        self._previous: _BatterySample | None = None
        self._average_output_w: float | None = None
        self._average_efficiency: float | None = None

    def restore(self, stored_energy_wh: float | None, series_resistance: float | None) -> None:
        """Seed the state from what Home Assistant restored after a restart."""
        self.stored_energy_wh = stored_energy_wh
        if series_resistance is not None and series_resistance > 0:
            self.series_resistance = series_resistance

    def invalidate(self) -> None:
        """A poll failed: the next sample must not be paired with the last good one."""
        self._previous = None

    def update(self, snapshot: PowmrSnapshot, now: float) -> DerivedValues:
        readings = snapshot.readings
        voltage = number(readings.battery_voltage)
        currents = battery_currents(readings)
        charge_a, discharge_a = currents if currents is not None else (None, None)
        pv_w = number(readings.pv_power)
        output_w = number(readings.output_active_power)
        discharge_w = None if voltage is None or discharge_a is None else voltage * discharge_a
        on_battery = readings.operating_mode == "battery"
        efficiency = battery_mode_efficiency(output_w, pv_w, discharge_w) if on_battery else None

        sample = None
        if voltage is not None and charge_a is not None and discharge_a is not None:
            sample = _BatterySample(voltage, charge_a, discharge_a, now)
        resistance_sample = self._update_resistance(sample)
        corrected = (
            None
            if sample is None
            else corrected_voltage(sample.voltage, sample.net_current, self.series_resistance)
        )
        if sample is not None and corrected is not None:
            self._update_energy(sample, corrected)
        self._previous = sample
        autonomy = self._autonomy(on_battery, discharge_a, output_w, efficiency)

        pv_a = number(readings.pv_current)
        return DerivedValues(
            pv_current=pv_a if pv_a is not None else pv_current(pv_w, number(readings.pv_voltage)),
            battery_power=battery_power(voltage, charge_a, discharge_a),
            charge_power=None if voltage is None or charge_a is None else voltage * charge_a,
            discharge_power=discharge_w,
            power_factor=power_factor(output_w, number(readings.output_apparent_power)),
            efficiency=efficiency,
            battery_voltage_corrected=corrected,
            series_resistance=self.series_resistance,
            series_resistance_sample=resistance_sample,
            soc_estimate=None
            if corrected is None
            else soc_from_voltage(corrected, self.profile.soc_empty_v, self.profile.soc_full_v),
            stored_energy=self.stored_energy_wh,
            autonomy_minutes=autonomy,
        )

    def _gap_ok(self, sample: _BatterySample) -> bool:
        previous = self._previous
        return previous is not None and 0 < sample.time - previous.time <= self.max_gap_s

    def _update_resistance(self, sample: _BatterySample | None) -> float | None:
        previous = self._previous
        if sample is None or previous is None or not self._gap_ok(sample):
            return None
        current_step = sample.net_current - previous.net_current
        if abs(current_step) <= MIN_CURRENT_STEP_A:
            return None
        # Charging current raises the terminal voltage, so R = ΔV / ΔI_net.
        new_resistance = (sample.voltage - previous.voltage) / current_step
        if new_resistance > 0:
            self.series_resistance += RESISTANCE_SMOOTHING * (
                new_resistance - self.series_resistance
            )
        return new_resistance

    def _update_energy(self, sample: _BatterySample, corrected: float) -> None:
        profile = self.profile
        if corrected <= profile.energy_empty_v:
            self.stored_energy_wh = 0.0
        elif corrected >= profile.energy_full_v:
            self.stored_energy_wh = profile.capacity_wh
        elif self.stored_energy_wh is None:
            soc = soc_from_voltage(corrected, profile.soc_empty_v, profile.soc_full_v)
            self.stored_energy_wh = profile.capacity_wh * soc / 100.0
        elif self._gap_ok(sample) and self._previous is not None:
            hours = (sample.time - self._previous.time) / 3600.0
            energy = self.stored_energy_wh + corrected * sample.net_current * hours
            self.stored_energy_wh = max(0.0, min(profile.capacity_wh, energy))

    def _autonomy(
        self,
        on_battery: bool,
        discharge_a: float | None,
        output_w: float | None,
        efficiency: float | None,
    ) -> float | None:
        if self.stored_energy_wh is None:
            return None
        if not on_battery or not discharge_a or not output_w:
            return float(AUTONOMY_CAP_MINUTES)
        self._average_output_w = _smooth(self._average_output_w, output_w)
        if efficiency is not None:
            capped = min(efficiency / 100.0, MAX_INVERTER_EFFICIENCY)
            self._average_efficiency = _smooth(self._average_efficiency, capped)
        efficiency_factor = self._average_efficiency or MAX_INVERTER_EFFICIENCY
        dc_watts = self._average_output_w / efficiency_factor
        if dc_watts <= 0:
            # A negative output power (energy fed back) averaged to zero or below: no drain.
            return float(AUTONOMY_CAP_MINUTES)
        return min(float(AUTONOMY_CAP_MINUTES), self.stored_energy_wh / dc_watts * 60.0)


def _smooth(average: float | None, value: float) -> float:
    return value if average is None else average + AVERAGE_SMOOTHING * (value - average)
