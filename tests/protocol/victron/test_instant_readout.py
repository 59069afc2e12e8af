"""Header handling, decryption errors and the plausibility check."""

from __future__ import annotations

import random

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import given, strategies as st
import pytest

from custom_components.offgrid_power.protocol.victron import (
    LAYOUTS,
    ImplausibleRecordError,
    InvalidKeyError,
    KeyRequiredError,
    RecordLayout,
    TruncatedError,
    UnsupportedRecordError,
    VictronParseError,
    WrongKeyError,
    build_advertisement,
    implausible_fields,
    parse,
    peek_header,
    verify_key,
)
from custom_components.offgrid_power.protocol.victron.instant_readout import _apply_keystream
from custom_components.offgrid_power.protocol.victron.records import SOLAR_CHARGER, SOLAR_SENSE

from .helpers import TEST_KEY, advertisement

SOLAR_V1 = bytes.fromhex("100242a0016207adceb37b605d7e0ee21b24df5c")
SOLAR_V1_KEY = bytes.fromhex("adeccb947395801a4dd45a2eaa44bf17")


@pytest.mark.parametrize("data", ["", "10", "deadbeef", "1002000000", "100242a00162"])
def test_malformed_advertisements_raise_the_documented_error(data: str) -> None:
    with pytest.raises(VictronParseError):
        parse(bytes.fromhex(data), SOLAR_V1_KEY)


def test_short_header_is_truncated() -> None:
    with pytest.raises(TruncatedError):
        parse(SOLAR_V1[:7], SOLAR_V1_KEY)
    with pytest.raises(TruncatedError):
        peek_header(SOLAR_V1[:4])


def test_other_manufacturer_record_is_unsupported() -> None:
    with pytest.raises(UnsupportedRecordError, match="first byte 0x02"):
        peek_header(bytes.fromhex("02") + SOLAR_V1[1:])


@pytest.mark.parametrize("record_type", [0x00, 0x0E, 0x10, 0xFE])
def test_unknown_or_unpublished_record_types_are_unsupported(record_type: int) -> None:
    data = advertisement(record_type, bytes(16))

    assert not peek_header(data).supported
    with pytest.raises(UnsupportedRecordError):
        parse(data, TEST_KEY)


def test_unencrypted_test_record_is_named_but_unsupported() -> None:
    data = advertisement(0xFF00, bytes(16))

    assert peek_header(data).record_name == "unencrypted_test"
    with pytest.raises(UnsupportedRecordError):
        parse(data, None)


def test_encrypted_payload_shorter_than_record_is_truncated() -> None:
    with pytest.raises(TruncatedError):
        parse(SOLAR_V1[:-1], SOLAR_V1_KEY)
    with pytest.raises(TruncatedError):
        parse(SOLAR_V1[:8], SOLAR_V1_KEY)


def test_encrypted_record_without_key() -> None:
    with pytest.raises(KeyRequiredError):
        parse(SOLAR_V1, None)


def test_key_of_wrong_length() -> None:
    with pytest.raises(InvalidKeyError):
        parse(SOLAR_V1, SOLAR_V1_KEY[:15])


def test_changed_key_is_detected_by_check_byte() -> None:
    rotated = bytes([SOLAR_V1_KEY[0] + 1]) + SOLAR_V1_KEY[1:]

    with pytest.raises(WrongKeyError):
        parse(SOLAR_V1, rotated)


def test_solar_sense_needs_no_key_and_ignores_one() -> None:
    payload = SOLAR_SENSE.encode({"irradiance": 1234, "time_since_last_sun": 0x7F})
    data = advertisement(0xFF01, payload, product_id=0xA3E0)

    header = peek_header(data)
    record = parse(data, None)

    assert (header.record_name, header.encrypted, header.key_check) == ("solar_sense", False, None)
    assert record.values["irradiance"] == 123.4
    assert record.values["time_since_last_sun"] is None
    assert parse(data, TEST_KEY).values == record.values


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=lambda layout: layout.name)
def test_every_record_type_round_trips_through_encryption(layout: RecordLayout) -> None:
    payload = layout.encode({})
    record = parse(advertisement(layout.record_type, payload), TEST_KEY)

    assert record.layout is layout
    assert record.raw == layout.extract(payload)


def test_verify_key_accepts_real_data() -> None:
    record = verify_key(SOLAR_V1, SOLAR_V1_KEY)

    assert implausible_fields(record) == ()


def test_verify_key_rejects_a_key_that_only_shares_the_check_byte() -> None:
    """A key-byte match alone is not enough; most such keys decrypt to nonsense."""
    impostors = [SOLAR_V1_KEY[:1] + variant.to_bytes(15, "big") for variant in range(1, 101)]
    records = [parse(SOLAR_V1, impostor) for impostor in impostors]
    rejected = sum(bool(implausible_fields(record)) for record in records)

    assert all(record.product_name == "BlueSolar MPPT 75/15" for record in records)
    with pytest.raises(ImplausibleRecordError):
        verify_key(SOLAR_V1, impostors[0])
    assert rejected >= 90


def test_implausible_fields_are_named() -> None:
    payload = SOLAR_CHARGER.encode(
        {"device_state": 0x42, "battery_voltage": 20000, "charger_error": 0}
    )
    record = parse(advertisement(0x01, payload), TEST_KEY)

    assert record.values["device_state"] == "unknown_66"
    assert record.values["battery_voltage"] == 200.0
    assert implausible_fields(record) == ("device_state", "battery_voltage")
    with pytest.raises(ImplausibleRecordError, match="device_state, battery_voltage"):
        verify_key(advertisement(0x01, payload), TEST_KEY)


def test_wrong_key_error_does_not_leak_the_key() -> None:
    wrong = bytes.fromhex("ff" * 16)

    with pytest.raises(WrongKeyError) as caught:
        parse(SOLAR_V1, wrong)

    assert wrong.hex() not in str(caught.value)
    assert wrong.hex() not in repr(caught.value)


@pytest.mark.parametrize(
    "layout",
    [layout for layout in LAYOUTS.values() if layout.encrypted],
    ids=lambda layout: layout.name,
)
def test_random_plaintext_is_mostly_implausible(layout: RecordLayout) -> None:
    """What a wrong key that shares the check byte decrypts to is noise."""
    noise = random.Random(layout.record_type)
    samples = [layout.extract(noise.randbytes(layout.min_length)) for _ in range(200)]

    plausible = sum(not layout.implausible(raw) for raw in samples)

    assert plausible <= 30


def test_build_advertisement_reproduces_a_real_one() -> None:
    decrypted = bytes.fromhex("04006c050e000300130000fe")

    built = build_advertisement(0x01, decrypted, SOLAR_V1_KEY, product_id=0xA042, nonce=0x0762)

    # Byte 1 is undocumented and ignored by every decoder.
    assert built[:1] + built[2:] == SOLAR_V1[:1] + SOLAR_V1[2:]


def test_build_encrypted_advertisement_needs_a_key() -> None:
    with pytest.raises(KeyRequiredError):
        build_advertisement(0x01, bytes(12), None, product_id=0xA042, nonce=1)


@given(
    key=st.binary(min_size=16, max_size=16),
    nonce=st.binary(min_size=2, max_size=2),
    data=st.binary(max_size=40),
)
def test_keystream_is_standard_aes_ctr(key: bytes, nonce: bytes, data: bytes) -> None:
    """The cached block encryptor gives exactly AES-128-CTR, across block boundaries too."""
    reference = Cipher(algorithms.AES(key), modes.CTR(nonce + bytes(14))).encryptor()
    assert _apply_keystream(key, nonce, data) == reference.update(data) + reference.finalize()
