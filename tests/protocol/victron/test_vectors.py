"""Public test vectors from the reference (section 1.10), with exact expected values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from custom_components.offgrid_power.protocol.victron import (
    LAYOUTS,
    WrongKeyError,
    parse,
    peek_header,
    verify_key,
)

FIXTURES = Path(__file__).parent / "fixtures"


def _value(value: object) -> object:
    """A value as the fixture files spell it: flag sets are ``{"flags": [...]}``."""
    if isinstance(value, dict):
        return frozenset(value["flags"])
    return value


def _expected(entry: dict[str, Any]) -> dict[str, object]:
    return {key: _value(value) for key, value in entry["expected"].items()}


def _load(name: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads((FIXTURES / f"{name}.json").read_text())[name]
    return entries


# (advertisement, key, record type, product id, product name, expected values)
ADVERTISEMENTS = [
    pytest.param(
        entry["advertisement"],
        entry["key"],
        int(entry["record_type"], 16),
        int(entry["product_id"], 16),
        entry["product_name"],
        _expected(entry),
        id=entry["id"],
    )
    for entry in _load("advertisements")
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
    pytest.param(int(entry["record_type"], 16), entry["payload"], _expected(entry), id=entry["id"])
    for entry in _load("payloads")
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
