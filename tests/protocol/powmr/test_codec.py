"""Codec on the reference's captured frames, plus properties over arbitrary words."""

from __future__ import annotations

from hypothesis import given, strategies as st
import pytest

from custom_components.offgrid_power.protocol.powmr import (
    FAMILY_A,
    SMG_II,
    PowmrInvalidDataError,
    decode,
    register_map,
)
from custom_components.offgrid_power.protocol.powmr.frames import crc16, with_crc
from custom_components.offgrid_power.protocol.powmr.registers import PowmrFamily

from .conftest import BATTERY_4501, BATTERY_4546, LINE_4546, wire_words


def test_battery_frame_4501_decodes_as_documented() -> None:
    snapshot = decode(FAMILY_A, {4501: wire_words(BATTERY_4501)})
    assert snapshot.family is PowmrFamily.FAMILY_A
    expected = {
        "operating_mode": "battery",
        "grid_voltage": 3.0,
        "pv_voltage": 2.0,
        "pv_power": 0,
        "battery_voltage": 22.6,
        "battery_soc": 27,
        "battery_charge_current": 0,
        "battery_discharge_current": 23,
        "output_voltage": 229.8,
        "output_frequency": 50.0,
        "output_apparent_power": 564,
        "output_active_power": 500,
        "load_percent": 25,
        "rated_apparent_power": 2400,
        "rated_active_power": 2400,
        "rated_grid_voltage": 230,
        "rated_grid_current": 10,
        "rated_battery_voltage": 24.0,
        "rated_output_voltage": 230,
        "rated_output_frequency": 50.0,
        "rated_output_current": 10,
        "error_code": 0,
        "charger_source_priority": "solar_and_utility",
        "output_source_priority": "utility_first",
        "ac_input_range": "ups",
        "output_frequency_setting": "50hz",
        "max_charge_current": 80,
        "output_voltage_setting": 230,
        "max_utility_charge_current": 2,
        "back_to_utility_voltage": 24.0,
        "back_to_battery_voltage": 24.5,
        "main_cpu_version": 0xA2C1,
    }
    assert {key: snapshot[key] for key in expected} == expected
    # VA >= W in every captured frame: 4512 is apparent power, 4513 active power.
    assert snapshot["output_apparent_power"] >= snapshot["output_active_power"]  # type: ignore[operator]


def test_settings_flags_4535_use_raw_masks() -> None:
    snapshot = decode(FAMILY_A, {4501: wire_words(BATTERY_4501)})
    on = {"record_fault_code", "buzzer", "backlight", "beep_on_source_failure"}
    on |= {"return_to_default_screen", "overload_bypass"}
    off = {"battery_equalization", "equalization_now", "restart_on_overload"}
    off |= {"restart_on_overtemperature"}
    assert all(snapshot[key] is True for key in on)
    assert all(snapshot[key] is False for key in off)


@pytest.mark.parametrize(
    ("block", "on_battery", "charger", "temperature"),
    [(BATTERY_4546, True, "off", 68), (LINE_4546, False, "charging", 69)],
)
def test_block_4546_status_flags(
    block: list[int], on_battery: bool, charger: str, temperature: int
) -> None:
    snapshot = decode(FAMILY_A, {4546: block})
    assert snapshot["bulk_charge_voltage"] == 25.0
    assert snapshot["float_charge_voltage"] == 25.0
    assert snapshot["low_dc_cutoff_voltage"] == 20.0
    assert snapshot["equalization_time"] == 60
    assert snapshot["equalization_timeout"] == 120
    assert snapshot["equalization_interval"] == 30
    assert snapshot["on_battery"] is on_battery
    assert snapshot["on_battery_2"] is on_battery
    assert snapshot["grid_active"] is not on_battery
    assert snapshot["grid_active_2"] is not on_battery
    assert snapshot["load_enabled"] is True
    assert snapshot["charger_status"] == charger
    assert snapshot["temperature"] == temperature
    # Registers outside the block are absent, never 0.
    assert snapshot["battery_voltage"] is None


def test_stock_dongle_request_crcs() -> None:
    assert with_crc(bytes.fromhex("05031195002d")).hex() == "05031195002d9143"
    assert with_crc(bytes.fromhex("050311c20010")).hex() == "050311c20010e142"
    # leodesigner's write examples: 5017 := 3 and 5024 := 2.
    assert with_crc(bytes.fromhex("050613990003")).hex() == "0506139900031ce4"
    assert crc16(bytes.fromhex("050613a00002")).to_bytes(2, "little") == bytes.fromhex("0d29")


def test_unknown_enum_code_is_reported_not_mapped() -> None:
    snapshot = decode(FAMILY_A, {4501: [0x0900]})
    assert snapshot["operating_mode"] == "unknown_9"


def test_charger_priority_variant_2() -> None:
    snapshot = decode(register_map(PowmrFamily.FAMILY_A, 2), {4536: [0x0100]})
    assert snapshot["charger_source_priority"] == "solar_and_utility"


def test_smg_ii_signed_and_32_bit_values() -> None:
    snapshot = decode(SMG_II, {100: [0x0001, 0x0002], 201: [3, 2301, 5000, 0xFF9C]})
    assert snapshot["fault_bits"] == 0x10002
    assert snapshot["operating_mode"] == "battery"
    assert snapshot["grid_voltage"] == 230.1
    assert snapshot["grid_frequency"] == 50.0
    assert snapshot["grid_power"] == -100
    assert snapshot["warning_bits"] is None


def test_snapshot_number_skips_enums_and_flags() -> None:
    snapshot = decode(FAMILY_A, {4501: wire_words(BATTERY_4501)})
    assert snapshot.number("battery_voltage") == 22.6
    assert snapshot.number("operating_mode") is None
    assert snapshot.number("buzzer") is None


words = st.integers(min_value=0, max_value=0xFFFF)


@given(
    family=st.sampled_from([FAMILY_A, SMG_II]),
    start=st.integers(min_value=0, max_value=5100),
    block=st.lists(words, min_size=0, max_size=125),
)
def test_any_words_give_a_complete_snapshot(family, start, block) -> None:  # type: ignore[no-untyped-def]
    snapshot = decode(family, {start: block})
    assert set(snapshot.values) >= set(family.keys)
    covered = range(start, start + len(block))
    for register in family.registers:
        inside = all(
            a in covered for a in range(register.address, register.address + register.words)
        )
        if not inside:
            assert snapshot[register.key] is None
        elif snapshot[register.key] is None:
            # Read but dropped: either all ones (not available) or implausible, never silently.
            span = range(register.address, register.address + register.words)
            all_ones = all(snapshot.wire_words[a] == 0xFFFF for a in span)
            assert register.key in snapshot.implausible or (all_ones and register.unit)
    assert dict(snapshot.wire_words) == dict(zip(covered, block, strict=True))


@given(
    start=st.integers(min_value=4501, max_value=4561),
    bad=st.one_of(st.integers(max_value=-1), st.integers(min_value=0x10000)),
)
def test_words_outside_u16_are_rejected(start: int, bad: int) -> None:
    with pytest.raises(PowmrInvalidDataError):
        decode(FAMILY_A, {start: [bad]})


@given(word=words)
def test_byte_swap_round_trips(word: int) -> None:
    snapshot = decode(FAMILY_A, {4506: [word]})
    swapped = ((word & 0xFF) << 8) | (word >> 8)
    volts = round(swapped * 0.1, 1)
    if swapped == 0xFFFF:
        # All ones: not available, which is not an implausible reading.
        assert snapshot["battery_voltage"] is None
        assert snapshot.implausible == ()
    elif volts > 80:
        # No battery bank a PowMr unit charges reaches 80 V: the gate drops it.
        assert snapshot["battery_voltage"] is None
        assert snapshot.implausible == ("battery_voltage",)
    else:
        assert snapshot["battery_voltage"] == volts
