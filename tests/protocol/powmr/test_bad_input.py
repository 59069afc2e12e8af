"""Bad input from the wire, the dongle and the user: the documented error or an unavailable value.

Each class here once escaped as an undocumented exception or passed a nonsense
value on (issue 13 §2); the fuzz tests at the end look for the next class.
"""

from __future__ import annotations

import contextlib
import json
import math

import aiohttp
from aiohttp import web
from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from custom_components.offgrid_power.protocol.powmr import (
    FAMILY_A,
    SMG_II,
    BatteryProfile,
    DerivedCalculator,
    DongleClient,
    PowmrInvalidDataError,
    PowmrSettingError,
    decode,
    parse_status,
)
from custom_components.offgrid_power.protocol.powmr.codec import PowmrSnapshot
from custom_components.offgrid_power.protocol.powmr.dongle import MAX_BODY_BYTES, parse_body
from custom_components.offgrid_power.protocol.powmr.plausible import PLAUSIBLE
from custom_components.offgrid_power.protocol.powmr.registers import swap_bytes
from custom_components.offgrid_power.protocol.powmr.settings import encode_setting

FUZZ = settings(
    max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


def _document(**inverter: object) -> dict[str, object]:
    return {"inverter": {"valid_info": 1, **inverter}, "ac": {}, "dc": {}}


def assert_sane(snapshot: PowmrSnapshot) -> None:
    """Every number finite and inside its key's physical range; rejected keys are None."""
    for key, value in snapshot.values.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            assert math.isfinite(value), key
            low, high = PLAUSIBLE.get(key, (-math.inf, math.inf))
            assert low <= value <= high, (key, value)
    for key in snapshot.implausible:
        assert snapshot.values[key] is None


# --- dongle JSON -------------------------------------------------------------------


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_enum_codes_and_readings_read_as_unavailable(constant: str) -> None:
    body = (
        f'{{"inverter": {{"valid_info": 1, "op_mode": {constant}, "temp": {constant},'
        f' "soc": 50}}, "ac": {{"input_voltage": {constant}}}}}'
    ).encode()
    snapshot = parse_status(parse_body(body))
    assert snapshot["operating_mode"] is None
    assert snapshot["temperature"] is None
    assert snapshot["grid_voltage"] is None
    assert snapshot["soc_estimate"] == 50


@pytest.mark.parametrize("code", [1e308, -1e308, 4.5, -1, 70000])
def test_enum_codes_no_register_can_hold_are_unavailable(code: float) -> None:
    snapshot = parse_status(_document(op_mode=code))
    assert snapshot["operating_mode"] is None


@pytest.mark.parametrize(
    ("group", "field", "key", "value"),
    [
        ("ac", "input_voltage", "grid_voltage", 1e308),
        ("dc", "voltage", "battery_voltage", -1e308),
        ("inverter", "soc", "soc_estimate", 101),
        ("inverter", "eff_w", "efficiency", 3_000_000),
        ("inverter", "battery_energy", "stored_energy", 1e308),
    ],
)
def test_implausible_dongle_readings_are_dropped_and_named(
    group: str, field: str, key: str, value: float
) -> None:
    document = _document()
    document.setdefault(group, {})[field] = value  # type: ignore[index]
    snapshot = parse_status(document)
    assert snapshot[key] is None
    assert key in snapshot.implausible


@pytest.mark.parametrize(
    "body",
    [
        b"\xff\xfe{}",
        b'{"inverter": {"valid_info": 1, "name": "\xc3\x28"}}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 5000 + b"1" + b"}" * 5000,
        b" " * (MAX_BODY_BYTES + 1),
        b"{not json",
    ],
    ids=["bom", "bad-utf8", "deep-list", "deep-object", "too-large", "syntax"],
)
def test_bodies_that_are_not_a_status_document(body: bytes) -> None:
    with pytest.raises(PowmrInvalidDataError):
        parse_body(body)


@pytest.mark.parametrize("body", [b"\x80\x81 not utf-8", b"{" * 100_000, b"0" * (20 * 1024 * 1024)])
async def test_dongle_client_refuses_bad_bodies(unused_tcp_port: int, body: bytes) -> None:
    async def status(_request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json")

    app = web.Application()
    app.router.add_get("/api/status", status)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", unused_tcp_port).start()
    try:
        async with aiohttp.ClientSession() as session:
            client = DongleClient(session, "127.0.0.1", unused_tcp_port)
            with pytest.raises(PowmrInvalidDataError):
                await client.read_snapshot()
    finally:
        await runner.cleanup()


# --- Modbus registers ----------------------------------------------------------------


def _family_a(**logical: int) -> PowmrSnapshot:
    addresses = {r.key: r.address for r in FAMILY_A.registers}
    return decode(FAMILY_A, {addresses[key]: [swap_bytes(value)] for key, value in logical.items()})


def test_register_values_outside_physics_are_dropped_and_named() -> None:
    snapshot = _family_a(battery_soc=101, grid_voltage=3500, temperature=400, battery_voltage=264)
    assert snapshot["battery_soc"] is None
    assert snapshot["grid_voltage"] is None
    assert snapshot["temperature"] is None
    assert snapshot["battery_voltage"] == 26.4
    assert set(snapshot.implausible) == {"battery_soc", "grid_voltage", "temperature"}


def test_an_all_ones_measurement_is_not_available() -> None:
    snapshot = _family_a(grid_frequency=0xFFFF, pv_power=0xFFFF, flags_4516=0xFFFF)
    assert snapshot["grid_frequency"] is None
    assert snapshot["pv_power"] is None
    # A bit word has no "not available": all flags set is a value.
    assert snapshot["flags_4516"] == 0xFFFF
    assert snapshot.implausible == ()


def test_smg_signed_readings_outside_physics() -> None:
    addresses = {r.key: r.address for r in SMG_II.registers}
    snapshot = decode(
        SMG_II, {addresses["grid_frequency"]: [0x7FFF], addresses["battery_soc"]: [250]}
    )
    assert snapshot["grid_frequency"] is None
    assert snapshot["battery_soc"] is None


# --- derived values and settings -------------------------------------------------------


def test_negative_output_after_positive_does_not_divide_by_zero() -> None:
    calculator = DerivedCalculator(BatteryProfile.for_nominal(24.0))

    def poll(output_w: int) -> PowmrSnapshot:
        document = _document(op_mode=3)
        document["dc"] = {"voltage": 26.0, "charge_current": 0, "discharge_current": 10}
        document["ac"] = {"output_watts": output_w}
        return parse_status(document)

    calculator.update(poll(100), 0.0)
    # The smoothed average reaches exactly zero: 100 + 0.2 * (-400 - 100) = 0.
    derived = calculator.update(poll(-400), 5.0)
    assert derived.autonomy_minutes is not None
    assert math.isfinite(derived.autonomy_minutes)


@pytest.mark.parametrize("value", [10**400, -(10**400), math.nan, math.inf, -math.inf])
def test_encode_setting_refuses_numbers_no_register_holds(value: float) -> None:
    setting = FAMILY_A.settings_by_key["max_charge_current"]
    with pytest.raises(PowmrSettingError):
        encode_setting(setting, value, 24.0)


# --- fuzz: every entry point of outside data ----------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=30,
)
groups = st.sampled_from(["ac", "dc", "pv", "inverter"])
fields = st.sampled_from(
    [
        "input_voltage",
        "input_freq",
        "output_watts",
        "voltage",
        "pv_power",
        "soc",
        "temp",
        "eff_w",
        "op_mode",
        "charger",
        "autonomy",
        "battery_energy",
        "power_factor",
        "valid_info",
    ]
)


@FUZZ
@given(
    st.dictionaries(groups, st.dictionaries(fields, json_values, max_size=8), max_size=4),
)
def test_fuzz_status_documents(document: dict[str, dict[str, object]]) -> None:
    document.setdefault("inverter", {})["valid_info"] = 1
    assert_sane(parse_status(document))


@FUZZ
@given(json_values)
def test_fuzz_any_json_is_a_snapshot_or_refused(document: object) -> None:
    with contextlib.suppress(PowmrInvalidDataError):
        assert_sane(parse_status(document))


@FUZZ
@given(st.binary(max_size=512) | json_values.map(lambda v: json.dumps(v).encode()))
def test_fuzz_bodies(body: bytes) -> None:
    try:
        document = parse_body(body)
    except PowmrInvalidDataError:
        return
    with contextlib.suppress(PowmrInvalidDataError):
        assert_sane(parse_status(document))


@FUZZ
@given(
    st.sampled_from([FAMILY_A, SMG_II]),
    st.integers(0, 700),
    st.lists(st.integers(0, 0xFFFF), min_size=1, max_size=70),
)
def test_fuzz_register_blocks(family, start: int, block: list[int]) -> None:  # type: ignore[no-untyped-def]
    assert_sane(decode(family, {start: block}))


@FUZZ
@given(
    st.sampled_from([*FAMILY_A.settings, *SMG_II.settings]),
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    st.sampled_from([None, 12.0, 24.0, 48.0]),
)
def test_fuzz_encode_setting(setting, value: object, nominal: float | None) -> None:  # type: ignore[no-untyped-def]
    try:
        raw = encode_setting(setting, value, nominal)
    except PowmrSettingError:
        return
    assert 0 <= raw <= 0xFFFF


@FUZZ
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(
                [
                    "operating_mode",
                    "battery_voltage",
                    "battery_charge_current",
                    "battery_discharge_current",
                    "output_active_power",
                    "pv_power",
                    "output_apparent_power",
                    "pv_voltage",
                ]
            ),
            st.integers(0, 0xFFFF),
        ),
        min_size=1,
        max_size=8,
    ),
    st.lists(st.floats(0, 1e6), min_size=8, max_size=8),
)
def test_fuzz_derived_values(polls: list[dict[str, int]], times: list[float]) -> None:
    calculator = DerivedCalculator(BatteryProfile.for_nominal(24.0))
    for poll, now in zip(polls, sorted(times), strict=False):
        derived = calculator.update(_family_a(**poll), now)
        for name in derived.__slots__:
            value = getattr(derived, name)
            assert value is None or math.isfinite(value), name
