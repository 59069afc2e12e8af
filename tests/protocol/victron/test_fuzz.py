"""Property tests: any input gives a typed result or the documented error, nothing else."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
import string

from hypothesis import given, settings, strategies as st

from custom_components.offgrid_power.protocol.victron import (
    LAYOUTS,
    FieldKind,
    InvalidKeyError,
    RecordLayout,
    VictronParseError,
    VictronRecord,
    build_advertisement,
    normalize_key,
    parse,
    peek_header,
)
from custom_components.offgrid_power.protocol.victron.ve_smart import VeSmartNetwork

from .helpers import TEST_KEY

FUZZ = settings(max_examples=150, deadline=None)
KEYISH = string.hexdigits + " -:"

keys = st.none() | st.binary(min_size=16, max_size=16) | st.binary(max_size=20)
layouts = st.sampled_from(list(LAYOUTS.values()))


@st.composite
def instant_readouts(draw: st.DrawFn) -> tuple[bytes, bytes]:
    """Well-formed headers whose check byte matches, so decoding goes all the way."""
    key = draw(st.binary(min_size=16, max_size=16))
    record_type = draw(st.sampled_from([*LAYOUTS, 0x00, 0x0E, 0xFF00]) | st.integers(0, 0xFFFF))
    header = b"\x10" + draw(st.binary(min_size=3, max_size=3))
    if record_type > 0xFF:
        header += b"\xff" + draw(st.binary(min_size=2, max_size=2)) + bytes([record_type & 0xFF])
    else:
        header += bytes([record_type]) + draw(st.binary(min_size=2, max_size=2)) + key[:1]
    return header + draw(st.binary(max_size=24)), key


def assert_typed(record: VictronRecord) -> None:
    for key, value in record.values.items():
        spec = record.layout.field(key)
        if value is None:
            continue
        match spec.kind:
            case FieldKind.NUMERIC:
                assert isinstance(value, int | float)
            case FieldKind.ENUM:
                assert isinstance(value, str)
                assert value in spec.option_names or value.startswith("unknown_")
            case FieldKind.BITMASK:
                assert isinstance(value, frozenset)
                assert all(isinstance(flag, str) for flag in value)


def attempt[T](call: Callable[[], T]) -> T | VictronParseError:
    """The call's result, or the documented error it raised; anything else propagates."""
    try:
        return call()
    except VictronParseError as err:
        return err


def outcome(data: bytes, key: bytes | None) -> VictronRecord | VictronParseError:
    return attempt(lambda: parse(data, key))


@FUZZ
@given(data=st.binary(max_size=40), key=keys)
def test_any_bytes_any_key(data: bytes, key: bytes | None) -> None:
    result = outcome(data, key)

    if isinstance(result, VictronRecord):
        assert_typed(result)
    elif key is not None and len(key) >= 4:
        assert key.hex() not in f"{result} {result!r}".lower()


@FUZZ
@given(sample=instant_readouts())
def test_matching_check_byte_decodes_or_explains(sample: tuple[bytes, bytes]) -> None:
    data, key = sample
    result = outcome(data, key)

    if isinstance(result, VictronRecord):
        assert_typed(result)
        assert result.header == peek_header(data)
    else:
        assert key.hex() not in str(result)


@FUZZ
@given(data=st.binary(max_size=12))
def test_peek_header_never_fails_otherwise(data: bytes) -> None:
    header = attempt(lambda: peek_header(data))

    if not isinstance(header, VictronParseError):
        assert isinstance(header.product_name, str)
        assert isinstance(header.record_name, str)


@FUZZ
@given(layout=layouts, data=st.data())
def test_fields_round_trip_through_their_bits(layout: RecordLayout, data: st.DataObject) -> None:
    unconditional = [spec for spec in layout.fields if spec.when is None]
    raw = {spec.key: data.draw(st.integers(0, (1 << spec.width) - 1)) for spec in unconditional}

    extracted = layout.extract(layout.encode(raw))

    assert {key: extracted[key] for key in raw} == raw


@FUZZ
@given(packets=st.lists(st.binary(max_size=32), max_size=4))
def test_ve_smart_any_packets(packets: list[bytes]) -> None:
    network = VeSmartNetwork(TEST_KEY, b"\x01\x0a")
    for packet in packets:
        result = attempt(partial(network.feed, packet))
        assert TEST_KEY.hex() not in str(result)


@FUZZ
@given(text=st.text(string.printable + "äß€", max_size=40) | st.text(KEYISH, max_size=40))
def test_normalize_key_any_text(text: str) -> None:
    key = attempt(lambda: normalize_key(text))

    if isinstance(key, bytes):
        assert len(key) == 16
    else:
        assert isinstance(key, InvalidKeyError)
        assert len(text) < 8 or text not in str(key)


@FUZZ
@given(
    layout=layouts,
    first=st.binary(min_size=24, max_size=24),
    flips=st.lists(st.integers(0, 24 * 8 - 1), max_size=6),
)
def test_decoding_against_a_previous_record_gives_the_same_record(
    layout: RecordLayout, first: bytes, flips: list[int]
) -> None:
    """A stream decoded with ``previous`` equals each advertisement decoded alone."""
    payload = int.from_bytes(first, "little")
    for bit in flips:
        payload ^= 1 << bit
    second = payload.to_bytes(24, "little")

    def advert(body: bytes) -> bytes:
        return build_advertisement(
            layout.record_type, body, TEST_KEY, product_id=0xA042, nonce=0x0102
        )

    previous = parse(advert(first), TEST_KEY)
    alone = parse(advert(second), TEST_KEY)
    streamed = parse(advert(second), TEST_KEY, previous=previous)
    assert dict(streamed.values) == dict(alone.values)
    assert streamed.implausible == alone.implausible
