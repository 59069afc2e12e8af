"""EnergyCounter and NativeCounterAccumulator, as plain objects."""

from __future__ import annotations

import math

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.offgrid_power.energy import (
    MAX_RESTART_GAP_S,
    CounterExtraStoredData,
    EnergyCounter,
    IntegrationMethod,
    NativeCounterAccumulator,
)

HOUR = 3600.0


def test_trapezoid_integration() -> None:
    counter = EnergyCounter(max_step=HOUR)
    assert not counter.add(0.0, 0.0)
    assert counter.add(1000.0, HOUR)
    assert counter.total_kwh == pytest.approx(0.5)


def test_left_integration_holds_the_previous_power() -> None:
    counter = EnergyCounter(max_step=HOUR, method=IntegrationMethod.LEFT)
    counter.add(1000.0, 0.0)
    counter.add(0.0, HOUR)
    assert counter.total_kwh == pytest.approx(1.0)


def test_gap_longer_than_max_step_is_not_bridged() -> None:
    counter = EnergyCounter(max_step=60)
    counter.add(1000.0, 0.0)
    counter.add(1000.0, 61.0)
    assert counter.total_kwh == 0
    counter.add(1000.0, 121.0)
    assert counter.total_kwh == pytest.approx(1000 * 60 / 3_600_000)


@pytest.mark.parametrize("bad", [None, math.nan, math.inf, -5.0])
def test_invalid_sample_breaks_the_chain(bad: float | None) -> None:
    counter = EnergyCounter(max_step=HOUR)
    counter.add(1000.0, 0.0)
    assert not counter.add(bad, 10.0)
    assert not counter.add(1000.0, 20.0)
    assert counter.total_kwh == 0
    counter.add(1000.0, 30.0)
    assert counter.total_kwh == pytest.approx(1000 * 10 / 3_600_000)


def test_interrupt_breaks_the_chain() -> None:
    counter = EnergyCounter(max_step=HOUR)
    counter.add(1000.0, 0.0)
    counter.interrupt()
    counter.add(1000.0, 10.0)
    assert counter.total_kwh == 0


def test_clock_going_backwards_adds_nothing() -> None:
    counter = EnergyCounter(max_step=HOUR)
    counter.add(1000.0, 100.0)
    assert not counter.add(1000.0, 50.0)
    assert not counter.add(1000.0, 50.0)
    assert counter.total_kwh == 0


def test_restore_never_lowers_and_ignores_garbage() -> None:
    counter = EnergyCounter(max_step=HOUR)
    counter.restore({"total_kwh": 5.0})
    assert counter.total_kwh == 5.0
    for garbage in (
        {"total_kwh": -1},
        {"total_kwh": "7"},
        {"total_kwh": math.nan},
        {},
        {"total_kwh": True},
    ):
        counter.restore(garbage)
    assert counter.total_kwh == 5.0
    assert counter.as_dict() == {"total_kwh": 5.0}


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
            st.floats(min_value=0, max_value=1e6, allow_nan=False),
        ),
        max_size=60,
    )
)
def test_energy_counter_never_decreases(samples: list[tuple[float | None, float]]) -> None:
    counter = EnergyCounter(max_step=300)
    previous = 0.0
    for power, at in samples:
        counter.add(power, at)
        assert counter.total_kwh >= previous
        assert math.isfinite(counter.total_kwh)
        previous = counter.total_kwh


def test_native_counter_follows_growth_and_daily_reset() -> None:
    lifetime = NativeCounterAccumulator(max_power_kw=5)
    lifetime.add(3.0, 0.0)  # first reading: a baseline, not energy of ours
    lifetime.add(3.5, HOUR)
    assert lifetime.total_kwh == pytest.approx(0.5)
    # The device's day rolls over at an odd hour: 0.25 kWh counted since.
    lifetime.add(0.25, 2 * HOUR)
    assert lifetime.total_kwh == pytest.approx(0.75)
    lifetime.add(1.0, 3 * HOUR)
    assert lifetime.total_kwh == pytest.approx(1.5)


def test_native_counter_ignores_a_single_bad_packet() -> None:
    lifetime = NativeCounterAccumulator(max_power_kw=5)
    lifetime.add(3.0, 0.0)
    lifetime.add(655.35, 1.0)  # a corrupt reading far beyond 5 kW for one second
    lifetime.add(3.001, 2.0)
    assert lifetime.total_kwh == pytest.approx(0.001)
    lifetime.add(0.0, 3.0)  # a glitch to zero looks like a reset and adds nothing
    lifetime.add(3.002, 4.0)  # held back: not plausible after zero
    lifetime.add(3.003, 5.0)  # confirmed: only the growth after confirmation counts
    assert lifetime.total_kwh == pytest.approx(0.002)


def test_native_counter_ignores_invalid_readings() -> None:
    lifetime = NativeCounterAccumulator(max_power_kw=5)
    lifetime.add(1.0, 0.0)
    for bad in (None, math.nan, -1.0, math.inf):
        assert not lifetime.add(bad, 10.0)
    lifetime.interrupt()
    lifetime.add(1.001, 20.0)
    assert lifetime.total_kwh == pytest.approx(0.001)


def test_native_counter_restores_its_last_reading() -> None:
    wall = [1_000_000.0]
    first = NativeCounterAccumulator(max_power_kw=5, wall_clock=lambda: wall[0])
    first.add(2.0, 0.0)
    wall[0] += HOUR
    first.add(2.5, HOUR)
    # The host restarted: monotonic time starts over, the wall clock went on.
    wall[0] += HOUR
    second = NativeCounterAccumulator(max_power_kw=5, wall_clock=lambda: wall[0])
    second.restore(first.as_dict())
    # Growth counted by the device while Home Assistant was down is kept.
    second.add(3.0, 5.0)
    assert second.total_kwh == pytest.approx(1.0)
    second.restore({"total_kwh": "x", "last_value": None, "last_time": math.nan})
    assert second.total_kwh == pytest.approx(1.0)


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.floats(min_value=-10, max_value=1000)),
            st.floats(min_value=0, max_value=1e6, allow_nan=False),
        ),
        max_size=60,
    )
)
def test_native_counter_never_decreases_nor_outruns_its_power_bound(
    samples: list[tuple[float | None, float]],
) -> None:
    lifetime = NativeCounterAccumulator(max_power_kw=5)
    ordered = sorted(samples, key=lambda sample: sample[1])
    previous = 0.0
    for value, at in ordered:
        lifetime.add(value, at)
        assert lifetime.total_kwh >= previous
        previous = lifetime.total_kwh
    if ordered:
        # Each addition covers its own stretch of time (at least a second), so
        # garbage can never add more than the bound allows over the whole run.
        span = ordered[-1][1] - ordered[0][1] + len(ordered)
        assert lifetime.total_kwh <= 5 * span / HOUR + 1e-9


def test_stored_data_round_trip_and_rejects_foreign_data() -> None:
    stored = CounterExtraStoredData(1.5, "kWh", {"total_kwh": 1.5})
    assert CounterExtraStoredData.from_dict(stored.as_dict()) == stored
    assert (
        CounterExtraStoredData.from_dict({"native_value": 1.5, "native_unit_of_measurement": "kWh"})
        is None
    )


# --- issue 13 section 3: time and power the wall clock and float32 can produce ---------

MAX_KW = 5.0
times = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e7, max_value=1e7),
    st.integers(min_value=-(10**400), max_value=10**400),
)
readings = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-10, max_value=1000),
    st.integers(min_value=-(10**400), max_value=10**400),
)
PROPERTY = settings(max_examples=300, deadline=None, derandomize=True)


def test_a_nan_timestamp_breaks_the_chain_instead_of_poisoning_the_total() -> None:
    counter = EnergyCounter(max_step=300)
    counter.add(1000.0, 0.0)
    counter.add(1000.0, math.nan)
    counter.add(1000.0, 60.0)
    assert counter.total_kwh == 0.0
    counter.add(1000.0, 120.0)
    assert counter.total_kwh == pytest.approx(1000 * 60 / 3_600_000)


def test_a_power_beyond_physics_is_no_sample() -> None:
    counter = EnergyCounter(max_step=300)
    counter.add(1e77, 0.0)
    counter.add(1e77, 60.0)
    assert counter.total_kwh == 0.0
    counter.add(1e308, 120.0)
    counter.add(1e308, 180.0)
    assert counter.total_kwh == 0.0


def test_native_counter_ignores_nan_and_overflowing_timestamps() -> None:
    lifetime = NativeCounterAccumulator(max_power_kw=MAX_KW)
    lifetime.add(1.0, 0.0)
    lifetime.add(500.0, math.nan)
    lifetime.add(500.0, 10**400)
    lifetime.add(1.001, 10.0)
    assert lifetime.total_kwh == pytest.approx(0.001)


def test_a_wall_clock_jump_after_restart_bridges_nothing() -> None:
    wall = [1_000_000.0]
    before = NativeCounterAccumulator(max_power_kw=MAX_KW, wall_clock=lambda: wall[0])
    before.add(1.0, 10.0)
    # NTP corrects the clock a year forward right after boot.
    wall[0] += 365 * 24 * HOUR
    after = NativeCounterAccumulator(max_power_kw=MAX_KW, wall_clock=lambda: wall[0])
    after.restore(before.as_dict())
    after.add(400.0, 5.0)
    assert after.total_kwh == 0.0
    # A backwards jump bridges nothing either.
    wall[0] -= 2 * 365 * 24 * HOUR
    again = NativeCounterAccumulator(max_power_kw=MAX_KW, wall_clock=lambda: wall[0])
    again.restore(after.as_dict())
    again.add(600.0, 5.0)
    assert again.total_kwh == 0.0


def test_monotonic_time_leaves_one_corrupt_reading_no_gap_to_hide_in() -> None:
    lifetime = NativeCounterAccumulator(max_power_kw=MAX_KW)
    lifetime.add(1.0, 100.0)
    lifetime.add(400.0, 110.0)  # corrupt: 399 kWh in 10 s
    lifetime.add(1.001, 120.0)
    assert lifetime.total_kwh == pytest.approx(0.001)


@PROPERTY
@given(st.lists(st.tuples(readings, times), max_size=60), st.floats(1, 600))
def test_energy_counter_property(samples: list[tuple[float | None, float]], step: float) -> None:
    counter = EnergyCounter(max_step=step)
    previous = 0.0
    for power, at in samples:
        counter.add(power, at)
        assert math.isfinite(counter.total_kwh)
        grown = counter.total_kwh - previous
        # One step integrates at most the physical power over the longest bridged gap.
        assert 0 <= grown <= counter.max_power_w * step / 3_600_000 * (1 + 1e-9)
        previous = counter.total_kwh


@PROPERTY
@given(
    st.lists(
        st.one_of(
            st.tuples(readings, times),
            st.just(("restart", 0.0)),
            st.tuples(st.just("jump"), st.floats(-1e8, 1e8)),
        ),
        max_size=60,
    )
)
def test_native_counter_property(steps: list[tuple[object, float]]) -> None:
    """Restarts, wall-clock jumps both ways, garbage readings and timestamps."""
    wall = [1_700_000_000.0]
    lifetime = NativeCounterAccumulator(max_power_kw=MAX_KW, wall_clock=lambda: wall[0])
    previous = 0.0
    seen: list[float] = []
    for value, at in steps:
        if value == "restart":
            stored = lifetime.as_dict()
            lifetime = NativeCounterAccumulator(max_power_kw=MAX_KW, wall_clock=lambda: wall[0])
            lifetime.restore(stored)
            seen = []
        elif value == "jump":
            wall[0] += at
        else:
            lifetime.add(value, at)  # type: ignore[arg-type]
            if isinstance(at, float) and math.isfinite(at):
                seen.append(at)
        assert math.isfinite(lifetime.total_kwh)
        grown = lifetime.total_kwh - previous
        assert grown >= 0
        # No step credits more than the bound over the longest span it can
        # measure: the monotonic times seen since the restart, or a restart gap.
        span = max(max(seen) - min(seen) if seen else 0.0, MAX_RESTART_GAP_S) + 1
        assert grown <= MAX_KW * span / HOUR * (1 + 1e-9)
        previous = lifetime.total_kwh


# --- monotonic time: the wall clock jumps (NTP, RTC), the counters' clock does not ---
#
# The HA layer feeds every counter Home Assistant's monotonic clock
# (``energy.counter_time``); the wall clock only links two runs of the native
# counter. These runs drive both clocks the way a host does: monotonic time
# only moves forward (by any amount, a suspended host included) and starts over
# at a restart, the wall clock moves with it and also jumps either way.

RESTART = "restart"
WALL_JUMP = "wall_jump"
YEAR = 365 * 24 * HOUR
forward = st.one_of(
    st.floats(min_value=0, max_value=600),
    st.sampled_from([0.0, 1e-9, 1.0, 299.999, 300.0, 300.001, HOUR, YEAR]),
)
wall_jumps = st.one_of(
    st.floats(min_value=-2 * YEAR, max_value=2 * YEAR),
    st.sampled_from([YEAR, -YEAR, MAX_RESTART_GAP_S, MAX_RESTART_GAP_S + 1]),
)
host_steps = st.lists(
    st.one_of(
        st.tuples(st.just("sample"), readings, forward),
        st.tuples(st.just(WALL_JUMP), st.none(), wall_jumps),
        st.tuples(st.just(RESTART), st.none(), st.floats(min_value=0, max_value=1e6)),
    ),
    max_size=80,
)


class HostClocks:
    """A host's monotonic clock and its wall clock, which NTP may move."""

    def __init__(self) -> None:
        self.monotonic = 12_345.0
        self.wall = 1_700_000_000.0

    def tick(self, seconds: float) -> float:
        self.monotonic += seconds
        self.wall += seconds
        return self.monotonic

    def reboot(self, boot_monotonic: float, downtime: float) -> None:
        self.monotonic = boot_monotonic
        self.wall += downtime


@PROPERTY
@given(host_steps, st.floats(1, 600))
def test_energy_counter_on_monotonic_time_ignores_wall_clock_jumps(
    steps: list[tuple[str, object, float]], max_step: float
) -> None:
    clocks = HostClocks()
    counter = EnergyCounter(max_step=max_step)
    previous, last_at = 0.0, None
    for kind, value, amount in steps:
        if kind == WALL_JUMP:
            clocks.wall += amount  # the counter never sees it
            assert counter.total_kwh == previous
            continue
        if kind == RESTART:
            stored = counter.as_dict()
            clocks.reboot(amount, HOUR)
            counter = EnergyCounter(max_step=max_step)
            counter.restore(stored)
            assert counter.total_kwh == previous
            last_at = None
            continue
        at = clocks.tick(amount)
        counter.add(value, at)  # type: ignore[arg-type]
        grown = counter.total_kwh - previous
        assert math.isfinite(counter.total_kwh)
        assert grown >= 0
        # Physical bound per step: the top power over the monotonic time since
        # the previous sample of this run, never over more than max_step.
        elapsed = 0.0 if last_at is None else at - last_at
        bridged = elapsed if elapsed <= max_step else 0.0
        assert grown <= counter.max_power_w * bridged / 3_600_000 * (1 + 1e-9)
        previous, last_at = counter.total_kwh, at


@PROPERTY
@given(host_steps)
def test_native_counter_on_monotonic_time_ignores_wall_clock_jumps(
    steps: list[tuple[str, object, float]],
) -> None:
    clocks = HostClocks()

    def accumulator() -> NativeCounterAccumulator:
        return NativeCounterAccumulator(max_power_kw=MAX_KW, wall_clock=lambda: clocks.wall)

    lifetime = accumulator()
    previous = 0.0
    run_start = clocks.monotonic
    # What the physics allows in all: the monotonic time of every run, a second
    # per reading (the bound's floor) and one bounded bridge per restart. Wall-
    # clock jumps add nothing to it, however far they go.
    allowed_s = 0.0
    for kind, value, amount in steps:
        if kind == WALL_JUMP:
            clocks.wall += amount
            assert lifetime.total_kwh == previous
            continue
        if kind == RESTART:
            stored = lifetime.as_dict()
            clocks.reboot(amount, HOUR)
            lifetime = accumulator()
            lifetime.restore(stored)
            assert lifetime.total_kwh == previous
            run_start = clocks.monotonic
            allowed_s += MAX_RESTART_GAP_S
            continue
        at = clocks.tick(amount)
        allowed_s += amount + 1
        lifetime.add(value, at)  # type: ignore[arg-type]
        grown = lifetime.total_kwh - previous
        assert math.isfinite(lifetime.total_kwh)
        assert grown >= 0
        # Per step: the bound over this run's monotonic time, or one restart bridge.
        span = max(at - run_start, MAX_RESTART_GAP_S) + 1
        assert grown <= MAX_KW * span / HOUR * (1 + 1e-9)
        assert lifetime.total_kwh <= MAX_KW * allowed_s / HOUR * (1 + 1e-9)
        previous = lifetime.total_kwh


def test_a_year_forward_on_the_wall_clock_gives_a_corrupt_reading_no_room() -> None:
    """Live: NTP moves the wall clock a year on, monotonic time moves 10 s."""
    clocks = HostClocks()
    lifetime = NativeCounterAccumulator(max_power_kw=MAX_KW, wall_clock=lambda: clocks.wall)
    lifetime.add(1.0, clocks.tick(10))
    clocks.wall += YEAR
    lifetime.add(400.0, clocks.tick(10))  # corrupt: 399 kWh
    lifetime.add(1.001, clocks.tick(10))
    assert lifetime.total_kwh == pytest.approx(0.001)


def test_an_oscillating_wall_clock_neither_credits_nor_breaks_the_chain() -> None:
    clocks = HostClocks()
    counter = EnergyCounter(max_step=300)
    lifetime = NativeCounterAccumulator(max_power_kw=MAX_KW, wall_clock=lambda: clocks.wall)
    counter.add(1000.0, clocks.monotonic)
    lifetime.add(1.0, clocks.monotonic)
    for minute in range(1, 11):
        clocks.wall += YEAR if minute % 2 else -YEAR
        at = clocks.tick(60)
        counter.add(1000.0, at)
        lifetime.add(1.0 + minute * 0.01, at)
    # Ten minutes at 1 kW, and 0.1 kWh counted by the device: no more, no less.
    assert counter.total_kwh == pytest.approx(1000 * 600 / 3_600_000)
    assert lifetime.total_kwh == pytest.approx(0.1)
