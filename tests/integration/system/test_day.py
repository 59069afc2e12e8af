"""The daily insights through a real Home Assistant, with frozen time."""

from __future__ import annotations

from datetime import date, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .conftest import SimulatedDay, local, set_sources, settle, system_state

DAY = date(2026, 6, 10)


def timestamp(hass: HomeAssistant, entry: MockConfigEntry, key: str) -> str:
    value = system_state(hass, entry, key)
    parsed = dt_util.parse_datetime(value)
    assert parsed is not None, f"{key}: {value}"
    return dt_util.as_local(parsed).strftime("%H:%M")


async def start(hass: HomeAssistant, entry: MockConfigEntry, day: SimulatedDay, at: object) -> None:
    await day.at(at)  # type: ignore[arg-type]
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.usefixtures("amsterdam")
async def test_a_day_and_the_next_midnight(
    hass: HomeAssistant, system_entry: MockConfigEntry, day: SimulatedDay
) -> None:
    await start(hass, system_entry, day, local(DAY, 0))
    assert system_state(hass, system_entry, "solar_start_at") == STATE_UNKNOWN
    await day.run(local(DAY, 0, 1), local(DAY, 23, 59))

    assert timestamp(hass, system_entry, "solar_start_at") == "07:04"
    assert timestamp(hass, system_entry, "solar_stop_at") == "18:57"
    assert timestamp(hass, system_entry, "solar_covered_load_at") == "08:00"
    assert timestamp(hass, system_entry, "battery_full_at") == "14:48"
    assert timestamp(hass, system_entry, "battery_min_voltage_at") == "00:00"
    assert timestamp(hass, system_entry, "charging_started_at") in {"08:02", "08:03"}
    assert float(system_state(hass, system_entry, "battery_min_voltage")) == 25.8
    assert float(system_state(hass, system_entry, "battery_max_voltage")) == 27.5
    assert float(system_state(hass, system_entry, "battery_min_soc")) == 40
    assert float(system_state(hass, system_entry, "solar_peak_power")) == 2000
    assert float(system_state(hass, system_entry, "battery_max_charge_power")) == 1670
    assert float(system_state(hass, system_entry, "deficit_time_today")) == 104
    assert float(system_state(hass, system_entry, "time_to_full")) in {405, 406}
    assert float(system_state(hass, system_entry, "solar_yield_today")) == pytest.approx(12, 0.01)
    mppt1 = "sensor_mppt_1_power"
    mppt2 = "sensor_mppt_2_power"
    # MPPT 1 is counted from its own kWh sensor, MPPT 2 from its power.
    assert float(system_state(hass, system_entry, f"{mppt1}_yield_today")) == pytest.approx(8, 0.01)
    assert float(system_state(hass, system_entry, f"{mppt2}_yield_today")) == pytest.approx(4, 0.01)
    assert float(system_state(hass, system_entry, f"{mppt1}_share_today")) == pytest.approx(
        66.7, abs=0.5
    )
    assert system_state(hass, system_entry, f"{mppt1}_relative_performance") == STATE_UNKNOWN
    assert system_state(hass, system_entry, "overnight_consumption") == STATE_UNKNOWN
    # Lifetime counters: the system's own for the battery and loads.
    assert float(system_state(hass, system_entry, "load_energy")) == pytest.approx(0.33 * 24, 0.01)
    assert float(system_state(hass, system_entry, "battery_in_energy")) > 0
    assert float(system_state(hass, system_entry, "battery_out_energy")) > 0

    next_day = DAY + timedelta(days=1)
    await day.run(local(DAY, 23, 59), local(next_day, 0, 1))
    assert system_state(hass, system_entry, "solar_start_at") == STATE_UNKNOWN
    assert system_state(hass, system_entry, "battery_full_at") == STATE_UNKNOWN
    assert float(system_state(hass, system_entry, "deficit_time_today")) == 0
    assert float(system_state(hass, system_entry, "solar_yield_today")) == 0
    assert float(system_state(hass, system_entry, "solar_yield_yesterday")) == pytest.approx(
        12, 0.01
    )
    assert float(system_state(hass, system_entry, f"{mppt2}_yield_yesterday")) == pytest.approx(
        4, 0.01
    )

    await day.run(local(next_day, 0, 1), local(next_day, 12))
    night_hours = 12 + 7 / 60  # 18:57 to 07:04
    assert float(system_state(hass, system_entry, "overnight_consumption")) == pytest.approx(
        0.33 * night_hours, 0.02
    )
    assert float(
        system_state(hass, system_entry, f"{mppt1}_relative_performance")
    ) == pytest.approx(100 * 25 / 72, abs=1)


@pytest.mark.usefixtures("amsterdam")
async def test_a_restart_mid_day(
    hass: HomeAssistant, system_entry: MockConfigEntry, day: SimulatedDay
) -> None:
    await start(hass, system_entry, day, local(DAY, 6))
    await day.run(local(DAY, 6, 1), local(DAY, 10))
    before = float(system_state(hass, system_entry, "solar_yield_today"))
    load_before = float(system_state(hass, system_entry, "load_energy"))
    assert await hass.config_entries.async_unload(system_entry.entry_id)
    await hass.async_block_till_done()

    # Home Assistant is down for ten minutes, then starts in the sunshine;
    # meanwhile MPPT 1's kWh counter jumped by 500 kWh (the charger was replaced).
    day.mppt1_kwh += 500
    await start(hass, system_entry, day, local(DAY, 10, 10))
    assert timestamp(hass, system_entry, "solar_start_at") == "07:04"
    assert float(system_state(hass, system_entry, "solar_yield_today")) >= before
    assert float(system_state(hass, system_entry, "load_energy")) == pytest.approx(load_before)
    await day.run(local(DAY, 10, 11), local(DAY, 23))
    assert timestamp(hass, system_entry, "solar_start_at") == "07:04"
    assert timestamp(hass, system_entry, "battery_full_at") == "14:48"
    assert float(system_state(hass, system_entry, "deficit_time_today")) == 104
    # The ten minutes down are not counted (about 0.15 kWh of solar, 0.055 kWh
    # of load), nor is the jump.
    assert float(system_state(hass, system_entry, "solar_yield_today")) == pytest.approx(
        12 - 0.15, 0.01
    )


@pytest.mark.usefixtures("amsterdam")
@pytest.mark.parametrize(
    ("when", "hours"),
    [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25)],
    ids=["spring-forward", "fall-back"],
)
async def test_a_dst_day(
    hass: HomeAssistant, system_entry: MockConfigEntry, day: SimulatedDay, when: date, hours: int
) -> None:
    midnight, next_midnight = local(when, 0), local(when + timedelta(days=1), 0)
    assert next_midnight - midnight == timedelta(hours=hours)
    await start(hass, system_entry, day, midnight - timedelta(minutes=1))
    await day.run(midnight, next_midnight - timedelta(minutes=1))
    assert timestamp(hass, system_entry, "solar_start_at") == "07:04"
    assert timestamp(hass, system_entry, "battery_full_at") == "14:48"
    assert float(system_state(hass, system_entry, "deficit_time_today")) == 104
    # The load ran for the day's real length, 23 or 25 hours.
    assert float(system_state(hass, system_entry, "load_energy")) == pytest.approx(
        0.33 * hours, 0.01
    )
    await day.run(next_midnight - timedelta(minutes=1), next_midnight + timedelta(minutes=1))
    assert system_state(hass, system_entry, "solar_start_at") == STATE_UNKNOWN
    assert float(system_state(hass, system_entry, "solar_yield_yesterday")) == pytest.approx(
        12, 0.01
    )


@pytest.mark.usefixtures("amsterdam")
async def test_bad_input_never_makes_a_wrong_insight(
    hass: HomeAssistant, system_entry: MockConfigEntry, day: SimulatedDay
) -> None:
    await start(hass, system_entry, day, local(DAY, 6))
    await day.run(local(DAY, 6, 1), local(DAY, 12))
    peak = system_state(hass, system_entry, "solar_peak_power")
    low = system_state(hass, system_entry, "battery_min_voltage")
    energy = float(system_state(hass, system_entry, "solar_energy"))

    for broken in ("unknown", "nan", "-5", "banana", None):
        set_sources(hass, mppt2=broken, voltage=broken, soc="140")
        await settle(hass)
        assert system_state(hass, system_entry, "solar_power") == STATE_UNAVAILABLE
        assert system_state(hass, system_entry, "balance") == STATE_UNAVAILABLE
        assert system_state(hass, system_entry, "solar_peak_power") == peak
        assert system_state(hass, system_entry, "battery_min_voltage") == low
        assert system_state(hass, system_entry, "battery_min_soc") == "40.0"
        assert float(system_state(hass, system_entry, "solar_energy")) >= energy

    runtime = system_entry.runtime_data
    diagnostics = runtime.diagnostics()["readings"]
    assert diagnostics["sensor.mppt_2_power"]["rejected"] == "unavailable"
    assert diagnostics["sensor.shunt_soc"]["rejected"] == "out_of_range"

    # MPPT 1's kWh sensor jumps by 500 kWh (a replaced charger): not yield.
    set_sources(hass, mppt1_energy=day.mppt1_kwh + 500)
    await settle(hass)
    assert float(system_state(hass, system_entry, "sensor_mppt_1_power_yield_today")) < 10


@pytest.mark.usefixtures("amsterdam")
async def test_a_charger_in_float_means_full(
    hass: HomeAssistant,
    system_entry: MockConfigEntry,
    day: SimulatedDay,
    freezer: FrozenDateTimeFactory,
) -> None:
    # At 12:00 the state of charge (70 %) is below the full threshold.
    await start(hass, system_entry, day, local(DAY, 12))
    freezer.move_to(local(DAY, 12, 1))
    set_sources(hass, charger="float")
    await settle(hass)
    assert timestamp(hass, system_entry, "battery_full_at") == "12:01"
    assert system_entry.runtime_data.diagnostics()["charger_full"] is True
