"""Setting validation, voltage bounds that follow the battery, and value conversion."""

from __future__ import annotations

import pytest

from custom_components.offgrid_power.protocol.powmr import (
    FAMILY_A,
    PowmrFamily,
    PowmrSettingError,
    register_map,
)
from custom_components.offgrid_power.protocol.powmr.settings import decode_setting, encode_setting

SETTINGS = FAMILY_A.settings_by_key


@pytest.mark.parametrize(
    ("nominal", "volts", "raw"), [(12.0, 14.2, 142), (24.0, 28.4, 284), (48.0, 56.8, 568)]
)
def test_voltage_bounds_scale_with_the_battery(nominal: float, volts: float, raw: int) -> None:
    assert encode_setting(SETTINGS["bulk_charge_voltage"], volts, nominal) == raw


@pytest.mark.parametrize(("nominal", "volts"), [(12.0, 28.4), (24.0, 56.8), (48.0, 28.4)])
def test_voltage_outside_the_scaled_range_is_refused(nominal: float, volts: float) -> None:
    with pytest.raises(PowmrSettingError, match="outside"):
        encode_setting(SETTINGS["bulk_charge_voltage"], volts, nominal)


def test_voltage_needs_a_known_nominal_voltage() -> None:
    with pytest.raises(PowmrSettingError, match="nominal"):
        encode_setting(SETTINGS["float_charge_voltage"], 27.0, None)


def test_step_is_enforced() -> None:
    with pytest.raises(PowmrSettingError, match="multiple"):
        encode_setting(SETTINGS["back_to_utility_voltage"], 23.2, 24.0)
    with pytest.raises(PowmrSettingError, match="multiple"):
        encode_setting(SETTINGS["max_charge_current"], 35, 24.0)


def test_back_to_battery_accepts_zero_for_full() -> None:
    assert encode_setting(SETTINGS["back_to_battery_voltage"], 0, 48.0) == 0


def test_options_accept_labels_and_codes() -> None:
    setting = SETTINGS["output_source_priority"]
    assert encode_setting(setting, "sbu", None) == 2
    assert encode_setting(setting, 1, None) == 1
    with pytest.raises(PowmrSettingError):
        encode_setting(setting, "grid_only", None)
    with pytest.raises(PowmrSettingError):
        encode_setting(setting, 7, None)
    assert decode_setting(setting, 9) == "unknown_9"


def test_switches_round_trip_as_bool() -> None:
    setting = SETTINGS["buzzer"]
    assert encode_setting(setting, True, None) == 1
    assert decode_setting(setting, 0) is False
    with pytest.raises(PowmrSettingError):
        encode_setting(setting, 2, None)
    with pytest.raises(PowmrSettingError):
        encode_setting(setting, "on", None)


def test_charger_priority_variant_2_has_three_options() -> None:
    setting = register_map(PowmrFamily.FAMILY_A, 2).settings_by_key["charger_source_priority"]
    assert encode_setting(setting, "solar_only", None) == 2
    with pytest.raises(PowmrSettingError):
        encode_setting(setting, 3, None)


def test_every_setting_mirror_is_a_snapshot_key() -> None:
    for family in PowmrFamily:
        registers = register_map(family)
        for setting in registers.settings:
            assert setting.mirror_key is None or setting.mirror_key in registers.keys
