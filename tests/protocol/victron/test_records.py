"""The field tables and the generic bit-field decoder, record type by record type."""

from __future__ import annotations

import re

import pytest

from custom_components.offgrid_power.protocol.victron import (
    LAYOUTS,
    FieldKind,
    FieldSpec,
    RecordLayout,
    TruncatedError,
)
from custom_components.offgrid_power.protocol.victron.records import (
    BATTERY_MONITOR,
    DC_ENERGY_METER,
    GX_DEVICE,
    INVERTER,
    INVERTER_RS,
    LYNX_SMART_BMS,
    MULTI_RS,
    ORION_XS,
    SMART_BATTERY_PROTECT,
    SMART_LITHIUM,
    SOLAR_SENSE,
)

SNAKE_CASE = re.compile(r"[a-z][a-z0-9_]*")


def decode(layout: RecordLayout, **raw: int) -> dict[str, object]:
    return dict(layout.decode(layout.extract(layout.encode(raw))))


def fields_with_na() -> list[object]:
    return [
        pytest.param(layout, spec, id=f"{layout.name}.{spec.key}")
        for layout in LAYOUTS.values()
        for spec in layout.fields
        if spec.na is not None
    ]


def test_every_documented_record_type_has_a_layout() -> None:
    assert set(LAYOUTS) == {*range(0x01, 0x0E), 0x0F, 0xFF01}


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=lambda layout: layout.name)
def test_layout_is_well_formed(layout: RecordLayout) -> None:
    keys = [spec.key for spec in layout.fields]
    # Aux-dependent fields share bits, but no two fields that exist together overlap.
    unconditional = [spec for spec in layout.fields if spec.when is None]
    occupied = [0] * (8 * layout.min_length)
    for spec in unconditional:
        for bit in range(spec.offset, spec.end):
            occupied[bit] += 1

    assert len(keys) == len(set(keys))
    assert all(SNAKE_CASE.fullmatch(key) for key in keys)
    assert max(occupied) == 1
    assert layout.min_length <= 16
    for spec in layout.fields:
        assert all(SNAKE_CASE.fullmatch(name) for name in spec.option_names)
        assert spec.when is None or spec.when[0] in keys


@pytest.mark.parametrize(("layout", "spec"), fields_with_na())
def test_not_available_decodes_to_none(layout: RecordLayout, spec: FieldSpec) -> None:
    assert spec.na is not None
    raw = {spec.key: spec.na}
    if spec.when is not None:
        raw[spec.when[0]] = spec.when[1]

    assert decode(layout, **raw)[spec.key] is None


@pytest.mark.parametrize(
    ("layout", "key", "width"),
    [
        (BATTERY_MONITOR, "battery_current", 22),
        (BATTERY_MONITOR, "battery_voltage", 16),
        (MULTI_RS, "ac_in_power", 16),
        (INVERTER_RS, "ac_out_power", 16),
    ],
)
def test_signed_na_is_max_positive_checked_before_sign_extension(
    layout: RecordLayout, key: str, width: int
) -> None:
    max_positive = (1 << (width - 1)) - 1
    all_ones = (1 << width) - 1

    assert decode(layout, **{key: max_positive})[key] is None
    # All ones is -1 in two's complement, a real reading.
    assert decode(layout, **{key: all_ones})[key] == -layout.field(key).scale


def test_unknown_enum_code_is_named_not_raised() -> None:
    values = decode(ORION_XS, device_state=0x42, charger_error=0x99)

    assert values["device_state"] == "unknown_66"
    assert values["charger_error"] == "unknown_153"


def test_unknown_signed_enum_code_keeps_its_sign() -> None:
    assert decode(DC_ENERGY_METER, monitor_mode=0xFFF0)["monitor_mode"] == "unknown_-16"


def test_bitmask_combinations_and_unknown_bits() -> None:
    values = decode(SMART_BATTERY_PROTECT, off_reason=0x88 | 1 << 20, alarm_reason=0)

    # 0x88 crashed Enum-based parsers ("136 is not a valid OffReason").
    assert values["off_reason"] == frozenset({"engine_shutdown", "remote_input", "unknown_bit_20"})
    assert values["alarm_reason"] == frozenset()


def test_enum_and_bitmask_option_lists_are_complete_for_entities() -> None:
    device_state = ORION_XS.field("device_state")

    assert device_state.kind is FieldKind.ENUM
    assert "sustain" in device_state.option_names
    assert len(device_state.option_names) == len(set(device_state.option_names))
    assert INVERTER.field("alarm_reason").kind is FieldKind.BITMASK


@pytest.mark.parametrize(
    ("aux_input", "aux_raw", "present", "value"),
    [
        (0, 0xFFFE, "starter_voltage", -0.02),
        (1, 1250, "midpoint_voltage", 12.5),
        (2, 29815, "temperature", 25.0),
        (3, 1234, None, None),
    ],
)
def test_battery_monitor_aux_value_follows_aux_mode(
    aux_input: int, aux_raw: int, present: str | None, value: float | None
) -> None:
    aux_keys = {"starter_voltage", "midpoint_voltage", "temperature"}
    values = decode(BATTERY_MONITOR, aux_input=aux_input, starter_voltage=aux_raw)

    assert aux_keys & values.keys() == ({present} if present else set())
    if present:
        assert values[present] == value


def test_dc_energy_meter_has_no_midpoint() -> None:
    values = decode(DC_ENERGY_METER, aux_input=1, starter_voltage=1250)

    assert not {"starter_voltage", "midpoint_voltage", "temperature"} & values.keys()
    assert values["aux_input"] == "midpoint_voltage"


def test_smart_lithium_cells_and_flags() -> None:
    cells = {f"cell_{n}_voltage": 0x7F for n in range(1, 9)}
    cells |= {"cell_1_voltage": 0x00, "cell_2_voltage": 0x01, "cell_3_voltage": 0x7D}
    values = decode(
        SMART_LITHIUM,
        bms_flags=1 << 25 | 1 << 26,
        error_flags=0,
        battery_voltage=1330,
        balancer_status=1,
        battery_temperature=61,
        **cells,
    )

    assert values["bms_flags"] == frozenset({"allowed_to_charge", "allowed_to_discharge"})
    assert values["error_flags"] == frozenset()
    assert (values["cell_1_voltage"], values["cell_2_voltage"], values["cell_3_voltage"]) == (
        2.6,
        2.61,
        3.85,
    )
    # 12 V batteries report four cells; the rest are NA.
    assert values["cell_8_voltage"] is None
    assert values["battery_voltage"] == 13.3
    assert values["balancer_status"] == "balanced"
    assert values["battery_temperature"] == 21


def test_lynx_smart_bms_two_bit_states() -> None:
    values = decode(
        LYNX_SMART_BMS,
        error=0,
        allowed_to_charge=1,
        allowed_to_discharge=2,
        external_relay=0,
        low_cell_voltage_alarm=1,
        high_current_alarm=2,
        high_temperature_alarm=3,
        state_of_charge=875,
        consumed_ah=123,
        battery_temperature=65,
    )

    assert values["error"] == "no_error"
    assert (values["allowed_to_charge"], values["allowed_to_discharge"]) == ("on", "off")
    assert values["external_relay"] is None
    assert values["low_cell_voltage_alarm"] == "ok"
    assert values["high_current_alarm"] == "warning"
    assert values["high_temperature_alarm"] == "alarm"
    assert values["contactor_alarm"] is None
    assert values["state_of_charge"] == 87.5
    # Consumed Ah is negative by specification, for Lynx as for the BMV.
    assert values["consumed_ah"] == -12.3
    assert values["battery_temperature"] == 25


def test_smart_battery_protect_uses_corrected_offsets() -> None:
    values = decode(
        SMART_BATTERY_PROTECT,
        device_state=0xF9,
        output_state=1,
        error_code=0,
        input_voltage=1280,
        output_voltage=1279,
    )

    assert values["device_state"] == "on"
    assert values["output_state"] == "on"
    assert (values["input_voltage"], values["output_voltage"]) == (12.8, 12.79)


@pytest.mark.parametrize(
    ("raw", "minutes"),
    [(0, 0), (29, 58), (30, 60), (40, 160), (95, 710), (96, 720), (126, 1620), (0x7F, None)],
)
def test_solar_sense_time_since_last_sun(raw: int, minutes: int | None) -> None:
    assert decode(SOLAR_SENSE, time_since_last_sun=raw)["time_since_last_sun"] == minutes


def test_solar_sense_scaled_fields() -> None:
    values = decode(
        SOLAR_SENSE,
        installation_power=412,
        yield_today=153,
        irradiance=5004,
        cell_temperature=851,
        battery_voltage=150,
        tx_power=1,
    )

    assert values["installation_power"] == 412
    assert values["yield_today"] == 1.53
    assert values["irradiance"] == 500.4
    assert values["cell_temperature"] == 25.1
    assert values["battery_voltage"] == 3.2
    assert values["tx_power"] == 6


def test_gx_record_signed_powers() -> None:
    values = decode(GX_DEVICE, battery_power=(1 << 21) - 250, dc_power=0xFFFFF, state_of_charge=80)

    assert values["battery_power"] == -250
    assert values["dc_power"] is None
    assert values["state_of_charge"] == 80


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=lambda layout: layout.name)
def test_payload_shorter_than_layout_is_truncated(layout: RecordLayout) -> None:
    with pytest.raises(TruncatedError):
        layout.extract(bytes(layout.min_length - 1))


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=lambda layout: layout.name)
def test_longer_payload_is_a_future_extension(layout: RecordLayout) -> None:
    payload = layout.encode({})

    assert layout.extract(payload + b"\xff" * 4) == layout.extract(payload)
