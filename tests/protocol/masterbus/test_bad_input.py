"""Bad input into MasterBus: wire values, stored caches, endpoints and writes.

Each class here once escaped as an undocumented exception or let a nonsense
write onto the bus (issue 13 sections 2 and 5); the fuzz tests look for the next.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
import math
import struct
from typing import Any

import can
from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from custom_components.offgrid_power.protocol.masterbus.bridge import parse_endpoint
from custom_components.offgrid_power.protocol.masterbus.cache import SchemaCache
from custom_components.offgrid_power.protocol.masterbus.codec import ValueWrite, decode_frame
from custom_components.offgrid_power.protocol.masterbus.errors import FrameError, WriteError
from custom_components.offgrid_power.protocol.masterbus.learner import PassiveLearner
from custom_components.offgrid_power.protocol.masterbus.models import FieldInfo, Visualisation
from custom_components.offgrid_power.protocol.masterbus.session import MasterBusSession
from custom_components.offgrid_power.protocol.masterbus.values import (
    decode_date,
    decode_duration,
    decode_float,
)
from custom_components.offgrid_power.protocol.masterbus.writes import (
    check_value,
    confirms,
    read_back_tolerance,
)

from .conftest import COMBI, SHUNT

FUZZ = settings(
    max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
FLOAT32 = st.floats(width=32, allow_nan=True, allow_infinity=True)


# --- values off the wire -------------------------------------------------------------


@pytest.mark.parametrize("packed", [9e11, 3.4e38, -9e11, -1.0])
def test_dates_beyond_the_calendar_are_unavailable(packed: float) -> None:
    assert decode_date(packed) is None
    assert FieldInfo(1, "Date", visualisation=Visualisation.DATE).interpret(packed) is None


@pytest.mark.parametrize("seconds", [9e13, 3.4e38, -3.4e38])
def test_durations_beyond_a_timedelta_are_unavailable(seconds: float) -> None:
    assert decode_duration(seconds) is None
    info = FieldInfo(1, "Time", visualisation=Visualisation.DURATION)
    assert info.interpret(seconds) is None


@FUZZ
@given(FLOAT32, st.sampled_from(list(Visualisation)), st.lists(st.text(max_size=3), max_size=4))
def test_fuzz_interpret_any_float32(value: float, kind: Visualisation, options: list[str]) -> None:
    decoded = decode_float(struct.pack("<f", value))
    interpreted = FieldInfo(1, "x", visualisation=kind, options=tuple(options)).interpret(decoded)
    assert interpreted is None or isinstance(interpreted, float | bool | str | date | timedelta)


# --- the stored schema cache -----------------------------------------------------------

GOOD_ENTRY: dict[str, Any] = {
    "address": 5,
    "change_counter": 1,
    "identity": {"article": "a", "serial": "s", "name": "MSH", "firmware": "1.00"},
    "groups": [{"index": 0, "name": "g", "fields": [1], "menu": 2}],
    "locked": [{"menu": 4, "level": 0}],
    "fields": [
        {
            "field": 1,
            "name": "Battery",
            "unit": "V",
            "visualisation": 1,
            "step": 0.1,
            "minimum": 0,
            "maximum": 60,
            "options": [],
            "writable": False,
        }
    ],
}


@pytest.mark.parametrize(
    "data",
    [
        {"version": 2, "devices": 7},
        {"version": 2, "devices": "abc"},
        {"version": 2, "devices": [None, 1, "x", []]},
        {"version": 2, "devices": [{**GOOD_ENTRY, "address": math.inf}]},
        {"version": 2, "devices": [{**GOOD_ENTRY, "address": math.nan}]},
        {"version": 2, "devices": [{**GOOD_ENTRY, "identity": ["a"]}]},
        {
            "version": 2,
            "devices": [
                {**GOOD_ENTRY, "fields": [{**GOOD_ENTRY["fields"][0], "maximum": math.inf}]}
            ],
        },
        {
            "version": 2,
            "devices": [
                {**GOOD_ENTRY, "fields": [{**GOOD_ENTRY["fields"][0], "visualisation": math.inf}]}
            ],
        },
        {
            "version": 2,
            "devices": [{**GOOD_ENTRY, "groups": [{"index": 1e400, "name": 1, "fields": 3}]}],
        },
    ],
)
def test_malformed_cache_data_gives_an_empty_cache(data: object) -> None:
    assert len(SchemaCache.from_dict(data)) == 0


def test_a_good_entry_survives_next_to_bad_ones() -> None:
    data = {"version": 2, "devices": [None, GOOD_ENTRY, {**GOOD_ENTRY, "address": math.inf}]}
    assert len(SchemaCache.from_dict(data)) == 1


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=40,
)


@FUZZ
@given(st.dictionaries(st.sampled_from(list(GOOD_ENTRY)), json_like, max_size=6))
def test_fuzz_cache_entries(partial: dict[str, object]) -> None:
    cache = SchemaCache.from_dict({"version": 2, "devices": [{**GOOD_ENTRY, **partial}]})
    assert len(cache) <= 1
    SchemaCache.from_dict(cache.to_dict())


@FUZZ
@given(json_like)
def test_fuzz_any_cache_data(data: object) -> None:
    SchemaCache.from_dict({"version": 2, "devices": data})
    SchemaCache.from_dict(data)


# --- endpoints --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["h:-1", "h:65536", "h:+5", "h:1_000", "h: 5", "[::1]:99999", "h:0"]
)
def test_ports_outside_the_port_range_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="65535"):
        parse_endpoint(text, 47810)


def test_a_listening_endpoint_may_ask_for_any_free_port() -> None:
    assert parse_endpoint("0.0.0.0:0", 47811, listening=True) == ("0.0.0.0", 0)
    assert parse_endpoint("h", 47810) == ("h", 47810)
    assert parse_endpoint("[::1]:65535", 1) == ("::1", 65535)


@FUZZ
@given(st.text(max_size=24), st.booleans())
def test_fuzz_endpoints(text: str, listening: bool) -> None:
    try:
        host, port = parse_endpoint(text, 47810, listening=listening)
    except ValueError:
        return
    assert host
    assert 0 <= port <= 65535


# --- writes -------------------------------------------------------------------------------

SETPOINT = FieldInfo(19, "Capacity", "Ah", Visualisation.FLOAT, 1, 20, 10000, writable=True)
DROPDOWN = FieldInfo(7, "Mode", "", Visualisation.DROPDOWN, options=("a", "b", "c"), writable=True)
CHECKBOX = FieldInfo(8, "On", "", Visualisation.CHECKBOX, writable=True)
DATE_FIELD = FieldInfo(9, "Date", "", Visualisation.DATE, writable=True)
TEXT_FIELD = FieldInfo(10, "Name", "", Visualisation.TEXT, writable=True)


@pytest.mark.parametrize(
    ("info", "value", "match"),
    [
        (SETPOINT, math.nan, "finite"),
        (SETPOINT, math.inf, "finite"),
        (SETPOINT, -1e30, "outside"),
        (SETPOINT, 1e39, "finite"),
        (SETPOINT, 10**400, "float32"),
        (SETPOINT, "500", "not a number"),
        (DROPDOWN, 3, "option"),
        (DROPDOWN, -1, "option"),
        (DROPDOWN, 1.5, "option"),
        (CHECKBOX, 2, "0 or 1"),
        (DATE_FIELD, 1e12, "date"),
        (TEXT_FIELD, 1, "not a value"),
        (None, 1, "not in the device's schema"),
        (FieldInfo(1, "Battery", "V"), 13, "read-only"),
    ],
)
def test_writes_the_metadata_does_not_allow_are_refused(
    info: FieldInfo | None, value: object, match: str
) -> None:
    with pytest.raises(WriteError, match=match):
        check_value(info, 19, value)


def test_allowed_writes_pass() -> None:
    assert check_value(SETPOINT, 19, 520) == 520.0
    assert check_value(DROPDOWN, 7, 2) == 2.0
    assert check_value(CHECKBOX, 8, True) == 1.0
    assert check_value(DATE_FIELD, 9, 2026 * 416 + 6 * 32 + 1) == 2026 * 416 + 6 * 32 + 1


def test_read_back_is_strict() -> None:
    assert not confirms(math.inf, math.inf, read_back_tolerance(SETPOINT, 1.0))
    assert not confirms(math.nan, 1.0, 1.0)
    assert not confirms(None, 1.0, 1.0)
    huge_step = FieldInfo(1, "x", step=math.inf, writable=True)
    assert read_back_tolerance(huge_step, 5.0) == pytest.approx(1e-4 * 5)


@FUZZ
@given(
    st.sampled_from([SETPOINT, DROPDOWN, CHECKBOX, DATE_FIELD, TEXT_FIELD, None]),
    st.floats(allow_nan=True, allow_infinity=True) | st.integers() | st.booleans(),
)
def test_fuzz_writes_send_only_what_the_metadata_allows(
    info: FieldInfo | None, value: float
) -> None:
    try:
        number = check_value(info, 1, value)
    except WriteError:
        return
    assert info is not None
    assert math.isfinite(number)
    assert (info.minimum or -math.inf) <= number <= (info.maximum or math.inf)


@pytest.fixture
async def ready(session: MasterBusSession) -> MasterBusSession:
    async with asyncio.timeout(10):
        await session.wait_for_devices(3)
    return session


async def test_nothing_reaches_the_bus_for_a_refused_write(
    ready: MasterBusSession, channel: str
) -> None:
    sniffer = can.Bus(interface="virtual", channel=channel)
    try:
        for value in (math.nan, math.inf, -1e30):
            with pytest.raises(WriteError):
                await ready.write_value(SHUNT, 19, value)
        with pytest.raises(WriteError, match="not in the device's schema"):
            await ready.write_value(SHUNT, 0x7E, 1)
        for value in (math.nan, math.inf, 1e39):
            with pytest.raises(WriteError):
                await ready.write_btm3(COMBI, 11, value)
        writes = []
        while (frame := sniffer.recv(0)) is not None:
            try:
                message = decode_frame(frame.arbitration_id, bytes(frame.data))
            except FrameError:
                continue
            if isinstance(message, ValueWrite):
                writes.append(message)
        assert writes == []
    finally:
        sniffer.shutdown()


async def test_writes_to_one_device_are_rate_limited(ready: MasterBusSession) -> None:
    await ready.describe_field(SHUNT, 19)
    loop = asyncio.get_running_loop()
    started = loop.time()
    for capacity in (500, 510, 520):
        await ready.write_value(SHUNT, 19, capacity, verify=False)
    # Three writes need at least two intervals between them (a lower bound, never flaky).
    assert loop.time() - started >= 2 * ready.config.write_interval


# --- every frame the bus can carry, through the decoder and the learner --------------------


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 0x1FFFFFFF), st.binary(max_size=8)), max_size=40))
def test_fuzz_learner_over_any_frames(frames: list[tuple[int, bytes]]) -> None:
    learner = PassiveLearner()
    addresses = set()
    for can_id, data in frames:
        try:
            message = decode_frame(can_id, data)
        except FrameError:
            continue
        learner.observe(message)
        addresses.add(message.address)
    for address in addresses:
        learner.identity(address)
        for info in learner.schema(address).fields:
            assert isinstance(info.name, str)
