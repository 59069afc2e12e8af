"""The typed readings: every value a source fills is an attribute of the type it decodes to."""

from __future__ import annotations

from typing import get_type_hints

import pytest

from custom_components.offgrid_power.protocol.powmr import (
    FAMILY_A,
    SMG_II,
    PowmrReadings,
    RegisterMap,
    decode,
    parse_status,
    register_map,
)
from custom_components.offgrid_power.protocol.powmr.dongle import _NUMBERS
from custom_components.offgrid_power.protocol.powmr.readings import READING_KEYS, readings_from
from custom_components.offgrid_power.protocol.powmr.registers import PowmrFamily, Register

TYPES = get_type_hints(PowmrReadings)
MAPS = (FAMILY_A, register_map(PowmrFamily.FAMILY_A, 2), SMG_II)


def _decoded_type(register: Register) -> object:
    if register.options is not None:
        return str | None
    if register.boolean:
        return bool | None
    # A raw word (bit field, version, code) has no unit; a measurement or setting has one.
    return (float if register.unit is not None else int) | None


@pytest.mark.parametrize("registers", MAPS, ids=lambda m: f"{m.family}")
def test_every_register_is_a_reading_of_its_type(registers: RegisterMap) -> None:
    for register in registers.registers:
        assert TYPES[register.key] == _decoded_type(register), register.key
    for flag in registers.flags:
        assert TYPES[flag.key] == bool | None, flag.key
    for setting in registers.settings:
        assert setting.mirror_key is None or setting.mirror_key in READING_KEYS, setting.key
    modes = next(r.options for r in registers.registers if r.key == "operating_mode")
    assert modes is not None
    for command in registers.commands:
        assert command.required_mode in (None, *modes.values()), command.key


def test_every_dongle_value_is_a_number_reading() -> None:
    for _group, _field, key in _NUMBERS:
        assert TYPES[key] == float | None, key


def test_every_reading_has_a_source() -> None:
    """No attribute is left that neither a register map nor the dongle fills."""
    filled = {key for registers in MAPS for key in registers.keys}
    filled |= {key for _group, _field, key in _NUMBERS}
    assert filled == READING_KEYS


def test_readings_are_the_decoded_values() -> None:
    snapshot = decode(SMG_II, {201: [3, 2301, 5000]})
    readings = snapshot.readings
    assert readings.operating_mode == "battery"
    assert readings.grid_voltage == 230.1
    assert readings.grid_frequency == 50.0
    assert readings.battery_voltage is None
    assert set(snapshot.keys) == set(SMG_II.keys)
    assert all(getattr(readings, key) == snapshot[key] for key in snapshot.keys)


def test_dongle_readings_carry_what_the_document_has() -> None:
    snapshot = parse_status(
        {"inverter": {"valid_info": 1, "soc": 80, "op_mode": 3}, "dc": {"voltage": 26.5}}
    )
    assert snapshot.readings.soc_estimate == 80
    assert snapshot.readings.battery_voltage == 26.5
    assert snapshot.readings.operating_mode == "battery"
    assert snapshot.readings.grid_power is None
    assert "soc_estimate" in snapshot.keys
    assert "grid_power" not in snapshot.keys


def test_smg_output_frequency_reads_as_family_a_labels_it() -> None:
    """321 holds 0.01 Hz; Family A's 4540 a code: both read as the same labels."""
    assert decode(SMG_II, {321: [5000]}).readings.output_frequency_setting == "50hz"
    assert decode(SMG_II, {321: [6000]}).readings.output_frequency_setting == "60hz"
    assert decode(SMG_II, {321: [5500]}).readings.output_frequency_setting == "unknown_5500"


def test_a_key_that_is_no_reading_is_refused() -> None:
    with pytest.raises(KeyError, match="not_a_reading"):
        readings_from({"battery_voltage": 26.0, "not_a_reading": 1})
