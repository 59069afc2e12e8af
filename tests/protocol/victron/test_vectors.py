"""Public test vectors from the reference (section 1.10), with exact expected values."""

from __future__ import annotations

import pytest

from custom_components.offgrid_power.protocol.victron import (
    LAYOUTS,
    WrongKeyError,
    parse,
    peek_header,
    verify_key,
)

VEBUS_KEY = "da3f5fa2860cb1cf86ba7a6d1d16b9dd"

# (advertisement, key, record type, product id, product name, expected values)
ADVERTISEMENTS = [
    pytest.param(
        "100242a0016207adceb37b605d7e0ee21b24df5c",
        "adeccb947395801a4dd45a2eaa44bf17",
        0x01,
        0xA042,
        "BlueSolar MPPT 75/15",
        {
            "device_state": "absorption",
            "charger_error": "no_error",
            "battery_voltage": 13.88,
            "battery_current": 1.4,
            "yield_today": 0.03,
            "pv_power": 19,
            "load_current": 0.0,
        },
        id="V1-solar-charger",
    ),
    pytest.param(
        "100289a302b040af925d09a4d89aa0128bdef48c6298a9",
        "aff4d0995b7d1e176c0c33ecb9e70dcd",
        0x02,
        0xA389,
        "SmartShunt 500A/50mV",
        {
            "time_to_go": None,
            "battery_voltage": 12.53,
            "alarm_reason": frozenset(),
            "aux_input": "none",
            "battery_current": 0.0,
            "consumed_ah": -50.0,
            "state_of_charge": 50.0,
        },
        id="V2-smartshunt",
    ),
    pytest.param(
        "1000a4a3025f150d8dcbff517f30eb65e76b22a04ac4e1",
        "0da694539597f9cf6c613cde60d7bf05",
        0x02,
        0xA3A4,
        "Smart Battery Sense",
        {
            "time_to_go": None,
            "battery_voltage": 12.22,
            "alarm_reason": frozenset(),
            "aux_input": "temperature",
            "temperature": 22.5,
            "battery_current": None,
            "consumed_ah": None,
            "state_of_charge": None,
        },
        id="V3-battery-sense",
    ),
    pytest.param(
        "1000c0a304121d64ca8d442b90bbdf6a8cba",
        "64ba49f1a8562e45197a8e1fe50d7658",
        0x04,
        0xA3C0,
        "Orion Smart 12V|12V-18A",
        {
            "device_state": "off",
            "charger_error": "no_error",
            "input_voltage": 13.15,
            "output_voltage": None,
            "off_reason": frozenset({"engine_shutdown"}),
        },
        id="V4-orion-smart",
    ),
    pytest.param(
        "100380270c1252dad26f0b8eb39162074d140df410",
        VEBUS_KEY,
        0x0C,
        0x2780,
        "MultiPlus-II 12/3000/120-50 2x120V",
        {
            "device_state": "float",
            "vebus_error": 0,
            "battery_current": 23.2,
            "battery_voltage": 14.45,
            "active_ac_in": "ac_in_1",
            "ac_in_power": 1459,
            "ac_out_power": 1046,
            "alarm": "none",
            "battery_temperature": 32,
            "state_of_charge": None,
        },
        id="V5-vebus-float",
    ),
    pytest.param(
        "100380270ce1b2dabd34912a6ecec963899227a220",
        VEBUS_KEY,
        0x0C,
        0x2780,
        "MultiPlus-II 12/3000/120-50 2x120V",
        {
            "device_state": "inverting",
            "vebus_error": 0,
            "battery_current": -5.9,
            "battery_voltage": 12.43,
            "active_ac_in": "not_connected",
            "ac_in_power": 0,
            "ac_out_power": 45,
            "alarm": "none",
            "battery_temperature": 30,
            "state_of_charge": None,
        },
        id="V6-vebus-inverting",
    ),
    pytest.param(
        "100380270c65b8dad9dd594c7f57d1de9e27a3e2ab",
        VEBUS_KEY,
        0x0C,
        0x2780,
        "MultiPlus-II 12/3000/120-50 2x120V",
        {
            "device_state": "off",
            "vebus_error": 0,
            "battery_current": 0.0,
            "battery_voltage": 12.48,
            "active_ac_in": "not_connected",
            "ac_in_power": 0,
            "ac_out_power": 0,
            "alarm": "none",
            "battery_temperature": 30,
            "state_of_charge": None,
        },
        id="V7-vebus-off",
    ),
]


@pytest.mark.parametrize(
    ("advertisement", "key", "record_type", "product_id", "product_name", "expected"),
    ADVERTISEMENTS,
)
def test_advertisement_vectors(
    advertisement: str,
    key: str,
    record_type: int,
    product_id: int,
    product_name: str,
    expected: dict[str, object],
) -> None:
    record = verify_key(bytes.fromhex(advertisement), bytes.fromhex(key))

    assert record.record_type == record_type
    assert record.product_id == product_id
    assert record.product_name == product_name
    assert dict(record.values) == expected


def test_battery_sense_raw_not_available_patterns() -> None:
    record = parse(
        bytes.fromhex("1000a4a3025f150d8dcbff517f30eb65e76b22a04ac4e1"),
        bytes.fromhex("0da694539597f9cf6c613cde60d7bf05"),
    )

    # The 22-bit current's NA is 0x1FFFFF (the PDF's 0x3FFFFF is wrong).
    assert record.raw["battery_current"] == 0x1FFFFF
    assert record.raw["consumed_ah"] == 0xFFFFF
    assert record.raw["state_of_charge"] == 0x3FF
    assert record.raw["temperature"] == 29565
    assert record.header.device_kind == "smart_battery_sense"


def test_v8_key_mismatch_is_reported() -> None:
    data = bytes.fromhex("100289a302bb01af129087600b9b97bc2c32867c8238da")

    with pytest.raises(WrongKeyError, match="starts with 'af'"):
        parse(data, bytes.fromhex("ff" * 16))


# (record type, decrypted payload, expected subset of values)
PAYLOADS = [
    pytest.param(
        0x01,
        "0300f80402000200030000fe8c9a5572",
        {
            "device_state": "bulk",
            "battery_voltage": 12.72,
            "battery_current": 0.2,
            "yield_today": 0.02,
            "pv_power": 3,
        },
        id="P1-solar-bulk",
    ),
    pytest.param(
        0x01,
        "0300fb09650032000901ffff31bc45ad",
        {
            "device_state": "bulk",
            "battery_voltage": 25.55,
            "battery_current": 10.1,
            "yield_today": 0.5,
            "pv_power": 265,
            "load_current": None,
        },
        id="P2-solar-mppt100",
    ),
    pytest.param(
        0x02,
        "ffffe6040000feff010000000080fe0c",
        {"aux_input": "midpoint_voltage", "midpoint_voltage": 655.34, "state_of_charge": 100.0},
        id="P3-midpoint",
    ),
    pytest.param(
        0x02,
        "ffffe6040000feff000000000080feac",
        {"aux_input": "starter_voltage", "starter_voltage": -0.02},
        id="P4-starter",
    ),
    pytest.param(
        0x02,
        "ffffe6040000ffff020000000080fede",
        {"aux_input": "temperature", "temperature": None},
        id="P5-temperature-na",
    ),
    pytest.param(
        0x02,
        "fffff80400008971feff7fffffffff5c",
        {"battery_voltage": 12.72, "temperature": 17.5},
        id="P6-battery-sense",
    ),
    pytest.param(
        0x0D,
        "fdffe4040000ffff020000ae28af8a5c",
        {"monitor_mode": "dc_dc_charger", "aux_input": "temperature", "temperature": None},
        id="P7-dc-meter-temperature-na",
    ),
    pytest.param(
        0x0D,
        "ffff6f0a0000000003000043698118eb",
        {"monitor_mode": "generic_source", "aux_input": "none", "voltage": 26.71, "current": 0.0},
        id="P8-dc-meter-generic-source",
    ),
    pytest.param(
        0x08,
        "060046a500ffffffffffffbdffeb3d1f",
        {
            "device_state": "storage",
            "output_1_voltage": 13.5,
            "output_1_current": 0.5,
            "output_2_voltage": None,
            "output_2_current": None,
            "temperature": 21,
        },
        id="P9-ac-charger",
    ),
    pytest.param(
        0x04,
        "00002305ff7f80000000cbdd494cc5d1",
        {
            "device_state": "off",
            "input_voltage": 13.15,
            "output_voltage": None,
            "off_reason": frozenset({"engine_shutdown"}),
        },
        id="P10-orion-padded",
    ),
]


@pytest.mark.parametrize(("record_type", "payload", "expected"), PAYLOADS)
def test_payload_vectors(record_type: int, payload: str, expected: dict[str, object]) -> None:
    layout = LAYOUTS[record_type]
    values = layout.decode(layout.extract(bytes.fromhex(payload)))

    assert {key: values[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("advertisement", "record_name", "device_kind", "supported"),
    [
        ("1002000000", "test", "test", False),
        ("100289a302", "battery_monitor", "battery_monitor", True),
        ("100289a30d", "dc_energy_meter", "dc_energy_meter", True),
        ("1002a4a302", "battery_monitor", "smart_battery_sense", True),
        ("100242a001", "solar_charger", "solar_charger", True),
    ],
)
def test_discovery_headers(
    advertisement: str, record_name: str, device_kind: str, supported: bool
) -> None:
    header = peek_header(bytes.fromhex(advertisement))

    assert header.record_name == record_name
    assert header.device_kind == device_kind
    assert header.supported is supported
    assert header.nonce is None


@pytest.mark.parametrize(
    ("advertisement", "product_id", "record_type", "nonce", "key_check"),
    [
        ("100257a00140022058bd6b2ceaab786d7a5bf14f", 0xA057, 0x01, 0x0240, 0x20),
        ("100281a302790b7d775fb778802af8032b78f35cb622ce", 0xA381, 0x02, 0x0B79, 0x7D),
    ],
)
def test_over_the_air_headers(
    advertisement: str, product_id: int, record_type: int, nonce: int, key_check: int
) -> None:
    header = peek_header(bytes.fromhex(advertisement))

    assert (header.product_id, header.record_type, header.nonce, header.key_check) == (
        product_id,
        record_type,
        nonce,
        key_check,
    )
