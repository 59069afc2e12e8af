"""MQTT topics of the PowMr bridges: the same snapshots as Modbus and HTTP, nothing invented."""

from __future__ import annotations

import contextlib
import json
import math
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from custom_components.offgrid_power.protocol.powmr import (
    FAMILY_A,
    STALE_AFTER_S,
    MqttCollector,
    PowmrInvalidDataError,
    PowmrSnapshot,
    PowmrTimeoutError,
    decode,
    discovered_prefix,
    normalize_prefix,
    parse_status,
)
from simulators.powmr.family_a import FamilyAModel
from simulators.powmr.mqtt_bridge import dongle_messages, sketch_messages

from .conftest import BATTERY_4501, block_4546, wire_words

README_EXAMPLE = json.loads((Path(__file__).parent / "fixtures" / "dongle_status.json").read_text())
DONGLE = "/powmr"
SKETCH = "/iot/node/powmr"


def _collector(prefix: str, messages: list[tuple[str, str]], now: float = 0.0) -> MqttCollector:
    collector = MqttCollector(prefix)
    for topic, payload in messages:
        collector.receive(topic, payload.encode(), now)
    return collector


def _model() -> FamilyAModel:
    return FamilyAModel(lambda: 0.0, seed=3)


def test_dongle_topics_read_like_its_json() -> None:
    """The README's document, published field by field as the firmware printed floats."""
    messages = [
        (f"{DONGLE}/{group}.{field}", f"{value:.2f}")
        for group, fields in README_EXAMPLE.items()
        for field, value in fields.items()
        if field != "valid_info"
    ]
    snapshot = _collector(DONGLE, messages).snapshot(1.0)
    expected = parse_status(README_EXAMPLE)
    for key in ("grid_voltage", "output_active_power", "battery_voltage", "pv_power"):
        assert snapshot[key] == expected[key]
    assert snapshot["operating_mode"] == "line"
    assert snapshot["charger_status"] == "unknown_13"
    # Not published: absent, not zero.
    assert snapshot["battery_soc"] is None


def test_simulated_dongle_matches_its_http_document() -> None:
    model = _model()
    snapshot = _collector(DONGLE, dongle_messages(model)).snapshot(0.0)
    assert snapshot["battery_voltage"] is not None
    assert snapshot["operating_mode"] in {"line", "battery"}
    assert snapshot["rated_battery_voltage"] is None


def test_sketch_dumps_go_through_the_codec() -> None:
    wire_4501 = wire_words(BATTERY_4501)
    wire_4546 = block_4546(0x41D9, 0x680F, 0, 69)
    messages = [
        (f"{SKETCH}/log/modbus45", "".join(f"{w:04x}" for w in wire_4501)),
        (f"{SKETCH}/log/modbus16", "".join(f"{w:04x}" for w in wire_4546)),
    ]
    snapshot = _collector(SKETCH, messages).snapshot(0.0)
    assert snapshot.values == decode(FAMILY_A, {4501: wire_4501, 4546: wire_4546}).values
    assert snapshot["battery_voltage"] == 22.6
    assert snapshot["output_apparent_power"] == 564


def test_simulated_sketch_dumps_win_over_its_decoded_values() -> None:
    model = _model()
    messages = sketch_messages(model)
    snapshot = _collector(SKETCH, messages).snapshot(0.0)
    dumps = {4501: 45, 4546: 16}
    words = {
        start: [int(payload[i : i + 4], 16) for i in range(0, len(payload), 4)]
        for topic, payload in messages
        for start, count in dumps.items()
        if topic.endswith(f"modbus{count}")
    }
    assert snapshot.values == decode(FAMILY_A, words).values


def test_sketch_decoded_values_alone() -> None:
    messages = [
        (f"{SKETCH}/s/mode", "0003"),
        (f"{SKETCH}/s/batt_voltage", "25.3"),
        (f"{SKETCH}/s/output_power", "564.0"),
        # Published scaled by 1/20 and a fixed-window SoC: left out, never guessed.
        (f"{SKETCH}/s/output_load", "25.0"),
        (f"{SKETCH}/s/batt_soc", "100.0"),
    ]
    snapshot = _collector(SKETCH, messages).snapshot(0.0)
    assert snapshot["operating_mode"] == "battery"
    assert snapshot["battery_voltage"] == 25.3
    assert snapshot["output_apparent_power"] == 564
    assert snapshot["output_active_power"] is None
    assert snapshot["soc_estimate"] is None


def test_values_age_out_and_then_there_is_no_snapshot() -> None:
    collector = _collector(DONGLE, [(f"{DONGLE}/dc.voltage", "27.40")])
    collector.receive(f"{DONGLE}/ac.input_voltage", b"230.00", 50.0)
    snapshot = collector.snapshot(STALE_AFTER_S + 1)
    assert snapshot["battery_voltage"] is None
    assert snapshot["grid_voltage"] == 230.0
    with pytest.raises(PowmrTimeoutError):
        collector.snapshot(50.0 + STALE_AFTER_S + 1)
    with pytest.raises(PowmrTimeoutError):
        MqttCollector(DONGLE).snapshot(0.0)


def test_stale_dumps_give_way_to_fresh_decoded_values() -> None:
    collector = _collector(
        SKETCH, [(f"{SKETCH}/log/modbus45", "".join(f"{w:04x}" for w in wire_words(BATTERY_4501)))]
    )
    collector.receive(f"{SKETCH}/s/batt_voltage", "26.1", STALE_AFTER_S)
    assert collector.snapshot(STALE_AFTER_S)["battery_voltage"] == 22.6
    assert collector.snapshot(STALE_AFTER_S + 1)["battery_voltage"] == 26.1


def test_not_a_number_is_not_available() -> None:
    snapshot = _collector(
        DONGLE, [(f"{DONGLE}/dc.voltage", "nan"), (f"{DONGLE}/ac.output_watts", "ovf")]
    ).snapshot(0.0)
    assert snapshot["battery_voltage"] is None
    assert snapshot["output_active_power"] is None


def test_a_bad_payload_forgets_the_previous_value() -> None:
    collector = _collector(DONGLE, [(f"{DONGLE}/dc.voltage", "27.40"), (f"{DONGLE}/ac.x", "1")])
    with pytest.raises(PowmrInvalidDataError):
        collector.receive(f"{DONGLE}/dc.voltage", "27,40", 1.0)
    assert collector.snapshot(1.0)["battery_voltage"] is None
    collector.receive(f"{SKETCH}/x", "", 1.0)
    sketch = _collector(SKETCH, [(f"{SKETCH}/s/mode", "0004")])
    with pytest.raises(PowmrInvalidDataError):
        sketch.receive(f"{SKETCH}/s/mode", "04 4", 1.0)
    with pytest.raises(PowmrTimeoutError):
        sketch.snapshot(1.0)


def test_a_published_invalid_flag_is_respected() -> None:
    collector = _collector(
        DONGLE, [(f"{DONGLE}/dc.voltage", "27.40"), (f"{DONGLE}/inverter.valid_info", "0.00")]
    )
    with pytest.raises(PowmrInvalidDataError):
        collector.snapshot(0.0)


@pytest.mark.parametrize(
    ("topic", "payload"),
    [
        (f"{DONGLE}/dc.voltage", "27.4e1"),
        (f"{DONGLE}/dc.voltage", "infinity"),
        (f"{DONGLE}/dc.voltage", "1_000"),
        (f"{DONGLE}/dc.voltage", "27.4\u00a0"),
        (f"{DONGLE}/dc.voltage", "9" * 300),
        (f"{SKETCH}/log/modbus45", "0300" * 44),
        (f"{SKETCH}/log/modbus16", "zz00" * 16),
        (f"{SKETCH}/s/mode", "10000"),
    ],
)
def test_payloads_a_bridge_never_sends_are_refused(topic: str, payload: str) -> None:
    collector = MqttCollector(SKETCH if topic.startswith(SKETCH) else DONGLE)
    with pytest.raises(PowmrInvalidDataError):
        collector.receive(topic, payload, 0.0)


@pytest.mark.parametrize(
    "topic",
    [
        f"{SKETCH}/log/console",
        f"{SKETCH}/log/modbus",
        f"{SKETCH}/log/modbus/4536",
        f"{SKETCH}/c/modbus_write_single",
        f"{SKETCH}/s/unknown_name",
        "/powmr2/dc.voltage",
        f"{DONGLE}/other.voltage",
        f"{DONGLE}/dc/voltage",
    ],
)
def test_other_topics_are_no_readings(topic: str) -> None:
    prefix = SKETCH if topic.startswith(SKETCH) else DONGLE
    assert MqttCollector(prefix).receive(topic, "garbage", 0.0) is False


@pytest.mark.parametrize(
    ("given_prefix", "stored"),
    [("/powmr", "/powmr"), (" /powmr/ ", "/powmr"), ("/powmr/#", "/powmr"), ("powmr", "powmr")],
)
def test_prefix_is_normalised(given_prefix: str, stored: str) -> None:
    assert normalize_prefix(given_prefix) == stored


@pytest.mark.parametrize("bad", ["", "/", "#", "a/+/b", "a\0b", "a\nb", "x" * 201])
def test_unusable_prefixes_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="topic prefix"):
        normalize_prefix(bad)


def test_discovery_topics_name_their_prefix() -> None:
    manifest = json.loads(
        (
            Path(__file__).parents[3] / "custom_components" / "offgrid_power" / "manifest.json"
        ).read_text()
    )
    assert [discovered_prefix(topic) for topic in manifest["mqtt"]] == [DONGLE, SKETCH]
    assert discovered_prefix("/s/mode") is None
    assert discovered_prefix("/powmr/dc.voltage") is None


# Fuzzing: whatever arrives, a reading, "not ours" or the documented error.
FUZZ = settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
SUFFIXES = st.sampled_from(
    [
        *("dc.voltage", "inverter.op_mode", "inverter.valid_info", "ac.output_va", "pv.pv_power"),
        *("s/mode", "s/batt_voltage", "s/output_power", "log/modbus45", "log/modbus16", "log/x"),
    ]
)
PAYLOADS = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=40),
    st.from_regex(r"[+-]?[0-9]{1,6}(\.[0-9]{1,4})?", fullmatch=True),
    st.sampled_from(["nan", "inf", "-inf", "ovf", "0004", "0003", "ffff"]),
    st.integers(1, 46).flatmap(
        lambda n: st.lists(st.integers(0, 0xFFFF), min_size=n, max_size=n).map(
            lambda words: "".join(f"{w:04x}" for w in words)
        )
    ),
)


def _checked(snapshot: PowmrSnapshot) -> None:
    for value in snapshot.values.values():
        if isinstance(value, float):
            assert math.isfinite(value)


@FUZZ
@given(st.lists(st.tuples(SUFFIXES, PAYLOADS, st.floats(0, 200)), max_size=20), st.floats(0, 300))
def test_fuzzed_messages_never_crash_the_collector(
    messages: list[tuple[str, bytes | str, float]], now: float
) -> None:
    collector = MqttCollector(DONGLE)
    for suffix, payload, at in messages:
        with contextlib.suppress(PowmrInvalidDataError):
            assert isinstance(collector.receive(f"{DONGLE}/{suffix}", payload, at), bool)
    try:
        snapshot = collector.snapshot(now)
    except (PowmrInvalidDataError, PowmrTimeoutError):
        return
    _checked(snapshot)
    assert snapshot.family is FAMILY_A.family


@FUZZ
@given(st.text(max_size=250))
def test_fuzzed_prefixes_are_usable_or_refused(prefix: str) -> None:
    try:
        stored = normalize_prefix(prefix)
    except ValueError:
        return
    assert stored
    assert not set(stored) & {"+", "#", "\0"}
    assert MqttCollector(stored).prefix == stored
