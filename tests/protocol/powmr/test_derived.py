"""Derived values: the firmware's formulas, and the stateful estimator."""

from __future__ import annotations

import pytest

from custom_components.offgrid_power.protocol.powmr import (
    FAMILY_A,
    BatteryProfile,
    DerivedCalculator,
    decode,
)
from custom_components.offgrid_power.protocol.powmr.codec import PowmrSnapshot
from custom_components.offgrid_power.protocol.powmr.derived import (
    battery_mode_efficiency,
    battery_power,
    nominal_battery_voltage,
    power_factor,
    pv_current,
    soc_from_voltage,
)
from custom_components.offgrid_power.protocol.powmr.registers import swap_bytes

from .conftest import BATTERY_4501, wire_words


def family_a(**logical: int) -> PowmrSnapshot:
    addresses = {r.key: r.address for r in FAMILY_A.registers}
    return decode(FAMILY_A, {addresses[key]: [swap_bytes(value)] for key, value in logical.items()})


def test_pure_formulas() -> None:
    assert pv_current(400, 80.0) == 5.0
    assert pv_current(3, 2.0) == 0.0
    assert pv_current(None, 80.0) is None
    assert battery_power(26.0, 10, 0) == 260.0
    assert battery_power(26.0, 0, 10) == -260.0
    assert battery_power(None, 1, 1) is None
    assert power_factor(500, 564) == pytest.approx(0.8865, abs=1e-4)
    assert power_factor(600, 564) == 1.0
    assert power_factor(0, 0) == 1.0
    assert battery_mode_efficiency(500, 0, 520) == pytest.approx(96.15, abs=0.01)
    assert battery_mode_efficiency(500, 0, 0) is None
    assert soc_from_voltage(25.9, 23.0, 28.8) == pytest.approx(50.0)
    assert soc_from_voltage(30.0, 23.0, 28.8) == 100.0


def test_profile_scales_with_nominal_voltage() -> None:
    profile = BatteryProfile.for_nominal(48.0, 5120.0)
    assert profile.soc_empty_v == 46.0
    assert profile.soc_full_v == pytest.approx(57.6)


def test_reference_frame_derived_values() -> None:
    snapshot = decode(FAMILY_A, {4501: wire_words(BATTERY_4501)})
    values = DerivedCalculator(BatteryProfile.for_nominal()).update(snapshot, 0.0)
    assert values.pv_current == 0.0
    assert values.discharge_power == pytest.approx(22.6 * 23)
    assert values.battery_power == pytest.approx(-22.6 * 23)
    assert values.power_factor == pytest.approx(500 / 564)
    assert values.efficiency == pytest.approx(100 * 500 / (22.6 * 23))
    # 22.6 V + 0.01 ohm x 23 A discharging = 22.83 V: below the energy floor.
    assert values.battery_voltage_corrected == pytest.approx(22.83)
    assert values.stored_energy == 0.0
    assert values.soc_estimate == 0.0


def test_missing_registers_give_none_not_zero() -> None:
    values = DerivedCalculator(BatteryProfile.for_nominal()).update(family_a(pv_power=100), 0.0)
    assert values.battery_power is None
    assert values.power_factor is None
    assert values.stored_energy is None
    assert values.autonomy_minutes is None


def test_series_resistance_follows_current_steps() -> None:
    calculator = DerivedCalculator(BatteryProfile.for_nominal())
    idle = family_a(battery_voltage=260, battery_charge_current=0, battery_discharge_current=0)
    loaded = family_a(battery_voltage=254, battery_charge_current=0, battery_discharge_current=30)
    calculator.update(idle, 0.0)
    values = calculator.update(loaded, 10.0)
    assert values.series_resistance_sample == pytest.approx(0.02)
    assert values.series_resistance == pytest.approx(0.011)
    # A failed poll in between: no pairing across the gap.
    calculator.invalidate()
    assert calculator.update(idle, 20.0).series_resistance_sample is None


def test_stored_energy_integrates_and_refuses_gaps() -> None:
    calculator = DerivedCalculator(BatteryProfile.for_nominal(), max_gap_s=60)
    charging = family_a(battery_voltage=260, battery_charge_current=10, battery_discharge_current=0)
    start = calculator.update(charging, 0.0).stored_energy
    assert start is not None
    after = calculator.update(charging, 36.0).stored_energy
    assert after == pytest.approx(start + 25.9 * 10 * 0.01, rel=1e-3)
    assert calculator.update(charging, 1000.0).stored_energy == after


def test_autonomy_in_battery_mode() -> None:
    calculator = DerivedCalculator(BatteryProfile.for_nominal())
    calculator.restore(1280.0, 0.01)
    snapshot = family_a(
        operating_mode=3,
        battery_voltage=256,
        battery_charge_current=0,
        battery_discharge_current=20,
        pv_power=0,
        output_active_power=465,
    )
    values = calculator.update(snapshot, 0.0)
    assert values.autonomy_minutes is not None
    assert 100 < values.autonomy_minutes < 200


@pytest.mark.parametrize(
    ("logical", "nominal"),
    [
        ({"rated_battery_voltage": 480, "battery_voltage": 265}, 48.0),  # the rating wins
        ({"battery_voltage": 132}, 12.0),
        ({"battery_voltage": 265}, 24.0),
        ({"battery_voltage": 540}, 48.0),
        ({"battery_voltage": 30}, None),  # no bank of any nominal voltage reads 3 V
        ({}, None),
    ],
)
def test_nominal_battery_voltage(logical: dict[str, int], nominal: float | None) -> None:
    assert nominal_battery_voltage(family_a(**logical)) == nominal
