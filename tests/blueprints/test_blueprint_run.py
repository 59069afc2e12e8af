"""Run each shipped blueprint as an automation in a real Home Assistant.

The blueprints do not depend on Off-Grid Power's entities, so the sensors here are states
set with hass.states.async_set. Time moves with the freezer plus async_fire_time_changed.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_DEVICE_CLASS, ATTR_FRIENDLY_NAME, ATTR_UNIT_OF_MEASUREMENT
from homeassistant.core import CoreState, HomeAssistant, ServiceCall, State
from homeassistant.helpers import translation
from homeassistant.setup import async_setup_component
import homeassistant.util.dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    async_fire_time_changed,
    async_mock_service,
    mock_restore_cache,
)

from .conftest import SetupBlueprint, assert_no_warnings

SOC = "sensor.house_battery_soc"
SOC_ATTRS = {ATTR_FRIENDLY_NAME: "House battery", ATTR_UNIT_OF_MEASUREMENT: "%"}
MEMORY = "input_boolean.battery_memory"


async def _settle() -> None:
    """Let the event loop run the work queued by a state change or a timer.

    Not hass.async_block_till_done(): an alert that waits for its re-arm trigger is a run
    that does not end, and block_till_done would wait for it forever.
    """
    for _ in range(30):
        await asyncio.sleep(0)


async def _advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory, **delta: float) -> None:
    freezer.tick(timedelta(**delta))
    async_fire_time_changed(hass, dt_util.utcnow())
    await _settle()


async def _set(hass: HomeAssistant, entity_id: str, state: str, attrs: dict | None = None) -> None:
    hass.states.async_set(entity_id, state, attrs)
    await _settle()


async def _setup_memory(hass: HomeAssistant, restored: str | None = None) -> str:
    """The Toggle helper a blueprint remembers its hysteresis in, restored like after a restart."""
    if restored is not None:
        mock_restore_cache(hass, (State(MEMORY, restored),))
    assert await async_setup_component(
        hass, "input_boolean", {"input_boolean": {"battery_memory": {"name": "Battery memory"}}}
    )
    await hass.async_block_till_done()
    return MEMORY


def _memory_on(hass: HomeAssistant) -> bool:
    return hass.states.get(MEMORY).state == "on"


async def _restart_runs(hass: HomeAssistant, automation: str) -> None:
    """What a restart does to an automation: its runs stop, its triggers attach anew."""
    for action, data in (("turn_off", {"stop_actions": True}), ("turn_on", {})):
        await hass.services.async_call(
            "automation", action, {"entity_id": automation, **data}, blocking=True
        )
    await _settle()


async def _start_home_assistant(hass: HomeAssistant) -> None:
    """Finish a startup begun with hass.set_state(CoreState.not_running)."""
    await hass.async_start()
    await hass.async_block_till_done()
    await _settle()


# --------------------------------------------------------------------------- low battery

LOW_BATTERY = {
    "soc_sensor": SOC,
    "memory": MEMORY,
    "low_level": 20,
    "rearm_level": 30,
    "low_duration": {"minutes": 2},
}
BATTERY_FULL = {"soc_sensor": SOC, "memory": MEMORY}
LOW, FULL = "low_battery_alert.yaml", "battery_full.yaml"


async def test_low_battery_alert_hysteresis(
    hass: HomeAssistant,
    setup_blueprint: SetupBlueprint,
    notify_calls: list[ServiceCall],
    persistent_calls: list[ServiceCall],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One alert per discharge: hovering at the threshold does not chatter."""
    await _setup_memory(hass)
    await _set(hass, SOC, "50", SOC_ATTRS)
    await setup_blueprint(LOW, LOW_BATTERY | {"persistent": True, "notify_recovery": True})

    # Below the level, but not for long enough: nothing.
    await _set(hass, SOC, "19", SOC_ATTRS)
    await _advance(hass, freezer, minutes=1)
    await _set(hass, SOC, "21", SOC_ATTRS)
    await _advance(hass, freezer, minutes=5)
    assert notify_calls == []
    assert not _memory_on(hass)

    # Below for 2 minutes: exactly one alert (notify + persistent), remembered in the helper.
    await _set(hass, SOC, "19", SOC_ATTRS)
    await _advance(hass, freezer, minutes=2, seconds=1)
    assert len(notify_calls) == 1
    assert notify_calls[0].data["title"] == "Battery low"
    assert "House battery is at 19 %" in notify_calls[0].data["message"]
    assert len(persistent_calls) == 1
    assert _memory_on(hass)

    # Hovering around the alert level: no new alert (not re-armed above 30 %).
    for value in ("21", "18", "22", "17", "unavailable", "16", "unknown", "15", "30"):
        await _set(hass, SOC, value, SOC_ATTRS)
        await _advance(hass, freezer, minutes=3)
    assert len(notify_calls) == 1
    assert _memory_on(hass)

    # Charged above the re-arm level: recovery message, then the next discharge alerts again.
    await _set(hass, SOC, "31", SOC_ATTRS)
    assert len(notify_calls) == 2
    assert "recovered to 31 %" in notify_calls[1].data["message"]
    assert not _memory_on(hass)
    await _set(hass, SOC, "12", SOC_ATTRS)
    await _advance(hass, freezer, minutes=2, seconds=1)
    assert len(notify_calls) == 3
    assert "is at 12 %" in notify_calls[2].data["message"]
    assert_no_warnings(caplog)


async def test_low_battery_hysteresis_survives_stopped_runs(
    hass: HomeAssistant,
    setup_blueprint: SetupBlueprint,
    notify_calls: list[ServiceCall],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A restart stops every run; the alert is still remembered and not repeated."""
    await _setup_memory(hass)
    await _set(hass, SOC, "50", SOC_ATTRS)
    automation = await setup_blueprint(LOW, LOW_BATTERY)
    await _set(hass, SOC, "19", SOC_ATTRS)
    await _advance(hass, freezer, minutes=3)
    assert len(notify_calls) == 1

    await _set(hass, SOC, "25", SOC_ATTRS)
    await _restart_runs(hass, automation)
    await _set(hass, SOC, "18", SOC_ATTRS)
    await _advance(hass, freezer, minutes=3)
    assert len(notify_calls) == 1

    await _restart_runs(hass, automation)
    await _set(hass, SOC, "35", SOC_ATTRS)
    await _set(hass, SOC, "18", SOC_ATTRS)
    await _advance(hass, freezer, minutes=3)
    assert len(notify_calls) == 2
    assert_no_warnings(caplog)


async def test_low_battery_alert_ignores_unavailable(
    hass: HomeAssistant,
    setup_blueprint: SetupBlueprint,
    notify_calls: list[ServiceCall],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """unavailable/unknown/garbage never alert and never log template errors."""
    await _setup_memory(hass)
    await _set(hass, SOC, "unknown", SOC_ATTRS)
    await setup_blueprint(
        "low_battery_alert.yaml",
        {"soc_sensor": SOC, "memory": MEMORY, "low_duration": {"seconds": 0}, "notify_action": ""},
    )
    for value in ("unavailable", "unknown", "n/a", ""):
        await _set(hass, SOC, value, SOC_ATTRS)
        await _advance(hass, freezer, minutes=1)
    assert not _memory_on(hass)
    # Empty notify action: the alert runs (and is remembered) but calls nothing.
    await _set(hass, SOC, "5", SOC_ATTRS)
    await _advance(hass, freezer, seconds=1)
    assert notify_calls == []
    assert _memory_on(hass)
    assert_no_warnings(caplog)


# --------------------------------------------------------------------------- battery full


async def test_battery_full_notifies_once_per_charge(
    hass: HomeAssistant,
    setup_blueprint: SetupBlueprint,
    notify_calls: list[ServiceCall],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Full for 5 minutes notifies; floating at 99-100 % does not repeat until re-armed."""
    await _setup_memory(hass)
    await _set(hass, SOC, "80", SOC_ATTRS)
    await setup_blueprint(FULL, BATTERY_FULL)

    await _set(hass, SOC, "100", SOC_ATTRS)
    await _advance(hass, freezer, minutes=4)
    assert notify_calls == []
    await _advance(hass, freezer, minutes=1, seconds=1)
    assert len(notify_calls) == 1
    assert notify_calls[0].data == {
        "title": "Battery full",
        "message": "House battery is full (100 %).",
    }
    assert _memory_on(hass)

    for value in ("99", "100", "unavailable", "100", "95", "unknown", "100"):
        await _set(hass, SOC, value, SOC_ATTRS)
        await _advance(hass, freezer, minutes=6)
    assert len(notify_calls) == 1

    await _set(hass, SOC, "85", SOC_ATTRS)  # below the 90 % re-arm level
    assert not _memory_on(hass)
    await _set(hass, SOC, "100", SOC_ATTRS)
    await _advance(hass, freezer, minutes=5, seconds=1)
    assert len(notify_calls) == 2
    assert_no_warnings(caplog)


@pytest.mark.parametrize(
    ("file_name", "memory_before", "soc_at_start", "at_start", "memory_after", "later", "after"),
    [
        # Alerted before the restart and still low: no repeat, still waiting for the re-arm.
        pytest.param(LOW, "on", "15", 0, "on", ["19"], 0, id="low-alerted-still-low"),
        pytest.param(LOW, "on", "25", 0, "on", ["19"], 0, id="low-alerted-between"),
        # Charged while Home Assistant was down: re-armed at startup.
        pytest.param(LOW, "on", "80", 0, "off", ["19"], 1, id="low-charged-meanwhile"),
        # Went low while Home Assistant was down: the alert comes at startup.
        pytest.param(LOW, "off", "10", 1, "on", ["19"], 0, id="low-went-low-meanwhile"),
        # Armed before the restart: still armed.
        pytest.param(LOW, "off", "25", 0, "off", ["19"], 1, id="low-armed"),
        # The sensor is not there yet: nothing is decided until it reports.
        pytest.param(LOW, "on", "unavailable", 0, "on", ["19"], 0, id="low-sensor-missing"),
        # Notified before the restart, still floating near full: no repeat.
        pytest.param(FULL, "on", "100", 0, "on", ["92", "100"], 0, id="full-notified-still-full"),
        pytest.param(FULL, "on", "95", 0, "on", ["92", "100"], 0, id="full-notified-between"),
        # Used while Home Assistant was down: re-armed at startup.
        pytest.param(FULL, "on", "60", 0, "off", ["92", "100"], 1, id="full-used-meanwhile"),
        # Filled up while Home Assistant was down: the notification comes at startup.
        pytest.param(FULL, "off", "100", 1, "on", ["92", "100"], 0, id="full-filled-meanwhile"),
        # Armed before the restart: still armed.
        pytest.param(FULL, "off", "95", 0, "off", ["92", "100"], 1, id="full-armed"),
    ],
)
async def test_battery_blueprints_after_restart(
    hass: HomeAssistant,
    setup_blueprint: SetupBlueprint,
    notify_calls: list[ServiceCall],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    file_name: str,
    memory_before: str,
    soc_at_start: str,
    at_start: int,
    memory_after: str,
    later: list[str],
    after: int,
) -> None:
    """A real startup: the helper is restored, the automation catches up once, and the
    hysteresis from before the restart still decides whether the next crossing notifies."""
    hass.set_state(CoreState.not_running)
    await _setup_memory(hass, restored=memory_before)
    await _set(hass, SOC, soc_at_start, SOC_ATTRS)
    await setup_blueprint(file_name, LOW_BATTERY if file_name == LOW else BATTERY_FULL)
    await _start_home_assistant(hass)
    assert len(notify_calls) == at_start
    assert hass.states.get(MEMORY).state == memory_after

    # Crossing the alert (full) level again without passing the re-arm level in between.
    for value in later:
        await _set(hass, SOC, value, SOC_ATTRS)
    await _advance(hass, freezer, minutes=6)
    assert len(notify_calls) == at_start + after
    assert_no_warnings(caplog)


# --------------------------------------------------------------------------- faults

POWMR_ERROR = "sensor.powmr_error_code"
VICTRON_ALARM = "sensor.smartshunt_alarm_reason"
MB_ALARM = "binary_sensor.mass_combi_alarm"


async def test_fault_alert_enum_and_binary(
    hass: HomeAssistant,
    setup_blueprint: SetupBlueprint,
    notify_calls: list[ServiceCall],
    persistent_calls: list[ServiceCall],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Enum codes leaving none/ok/no_alarm and problem binary sensors going on notify."""
    # A mocked service runs on the event loop; a plain function would run in the
    # executor and be recorded at a moment the test cannot wait for.
    dismiss_calls = async_mock_service(hass, "persistent_notification", "dismiss")
    await _set(hass, POWMR_ERROR, "none", {ATTR_FRIENDLY_NAME: "PowMr error code"})
    await _set(hass, VICTRON_ALARM, "no_alarm", {ATTR_FRIENDLY_NAME: "SmartShunt alarm"})
    await _set(hass, MB_ALARM, "off", {ATTR_FRIENDLY_NAME: "Mass Combi alarm"})
    await setup_blueprint(
        "fault_alert.yaml",
        {"fault_entities": [POWMR_ERROR, VICTRON_ALARM, MB_ALARM], "persistent": True},
    )

    # PowMr fault code appears.
    await _set(hass, POWMR_ERROR, "overload", {ATTR_FRIENDLY_NAME: "PowMr error code"})
    assert len(notify_calls) == 1
    assert notify_calls[0].data["title"] == "PowMr error code: overload"
    assert '"overload"' in notify_calls[0].data["message"]
    assert persistent_calls[-1].data["notification_id"] == f"offgrid_power_fault_{POWMR_ERROR}"

    # A different code while still in fault notifies again; attribute-only updates do not.
    await _set(hass, POWMR_ERROR, "over_temperature", {ATTR_FRIENDLY_NAME: "PowMr error code"})
    await _set(
        hass, POWMR_ERROR, "over_temperature", {ATTR_FRIENDLY_NAME: "PowMr error code", "x": 1}
    )
    assert len(notify_calls) == 2

    # Cleared: a "cleared" message and the persistent notification is dismissed.
    await _set(hass, POWMR_ERROR, "none", {ATTR_FRIENDLY_NAME: "PowMr error code"})
    assert len(notify_calls) == 3
    assert notify_calls[2].data["title"] == "PowMr error code: cleared"
    assert len(dismiss_calls) == 1

    # Victron alarm reason; the "no problem" list is case-insensitive.
    await _set(hass, VICTRON_ALARM, "low_voltage", {ATTR_FRIENDLY_NAME: "SmartShunt alarm"})
    await _set(hass, VICTRON_ALARM, "NO_ALARM", {ATTR_FRIENDLY_NAME: "SmartShunt alarm"})
    assert [call.data["title"] for call in notify_calls[3:]] == [
        "SmartShunt alarm: low_voltage",
        "SmartShunt alarm: cleared",
    ]

    # MasterBus problem binary sensor.
    await _set(hass, MB_ALARM, "on", {ATTR_FRIENDLY_NAME: "Mass Combi alarm"})
    assert notify_calls[-1].data["title"] == "Mass Combi alarm: on"
    await _set(hass, MB_ALARM, "off", {ATTR_FRIENDLY_NAME: "Mass Combi alarm"})
    assert notify_calls[-1].data["title"] == "Mass Combi alarm: cleared"
    assert len(notify_calls) == 7

    # unavailable/unknown in between: silent in both directions.
    for state in ("unavailable", "off", "unknown", "off"):
        await _set(hass, MB_ALARM, state, {ATTR_FRIENDLY_NAME: "Mass Combi alarm"})
    for state in ("unavailable", "none", "unknown", "none"):
        await _set(hass, POWMR_ERROR, state, {ATTR_FRIENDLY_NAME: "PowMr error code"})
    assert len(notify_calls) == 7
    assert_no_warnings(caplog)


async def test_fault_alert_translated_state(
    hass: HomeAssistant,
    setup_blueprint: SetupBlueprint,
    notify_calls: list[ServiceCall],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Messages use state_translated(): a problem binary sensor reads "Problem" / "OK"."""
    # The binary_sensor component (no platforms) brings its translations with it.
    assert await async_setup_component(hass, "binary_sensor", {})
    await translation.async_load_integrations(hass, {"binary_sensor"})
    attrs = {ATTR_FRIENDLY_NAME: "Shunt alarm", "device_class": "problem"}
    await _set(hass, "binary_sensor.shunt_alarm", "off", attrs)
    await setup_blueprint("fault_alert.yaml", {"fault_entities": ["binary_sensor.shunt_alarm"]})
    await _set(hass, "binary_sensor.shunt_alarm", "on", attrs)
    await _set(hass, "binary_sensor.shunt_alarm", "off", attrs)
    assert [call.data["title"] for call in notify_calls] == [
        "Shunt alarm: Problem",
        "Shunt alarm: cleared",
    ]
    assert notify_calls[0].data["message"].startswith('Shunt alarm reports "Problem" since ')
    assert notify_calls[1].data["message"] == "Shunt alarm is back to normal (OK)."
    assert_no_warnings(caplog)


# --------------------------------------------------------------------------- PV surplus

SURPLUS = "sensor.pv_surplus"
LOAD = "input_boolean.water_heater"


@pytest.fixture
async def load_switch(hass: HomeAssistant) -> str:
    """A real input_boolean as the load, switched through homeassistant.turn_on/off."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(
        hass, "input_boolean", {"input_boolean": {"water_heater": {"name": "Water heater"}}}
    )
    await hass.async_block_till_done()
    return LOAD


async def test_pv_surplus_hysteresis_and_min_times(
    hass: HomeAssistant,
    setup_blueprint: SetupBlueprint,
    load_switch: str,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """On at >= on-threshold, off below off-threshold, respecting minimum on/off times."""
    await _set(hass, SURPLUS, "0")
    await _set(hass, SOC, "80", SOC_ATTRS)
    await setup_blueprint(
        "pv_surplus_switch.yaml",
        {
            "surplus_sensor": SURPLUS,
            "load_switch": load_switch,
            "on_threshold": 1000,
            "off_threshold": 200,
            "min_on_time": {"minutes": 10},
            "min_off_time": {"minutes": 5},
            "soc_sensor": SOC,
            "soc_floor": 50,
        },
    )

    def is_on() -> bool:
        return hass.states.get(load_switch).state == "on"

    # The load has just been created ("off" for 0 s): the minimum off time holds it off.
    await _set(hass, SURPLUS, "1500")
    assert not is_on()
    await _advance(hass, freezer, minutes=5, seconds=1)
    assert is_on()

    # Between the thresholds: stays on (hysteresis).
    await _set(hass, SURPLUS, "600")
    await _set(hass, SURPLUS, "201")
    assert is_on()

    # Below the off threshold, but the minimum on time has not passed.
    await _set(hass, SURPLUS, "150")
    assert is_on()
    # The per-minute re-evaluation switches off once 10 minutes are over.
    await _advance(hass, freezer, minutes=9)
    assert is_on()
    await _advance(hass, freezer, minutes=1, seconds=1)
    assert not is_on()

    # Surplus comes straight back: the minimum off time prevents short-cycling.
    await _set(hass, SURPLUS, "2000")
    assert not is_on()
    await _advance(hass, freezer, minutes=2)
    assert not is_on()
    await _advance(hass, freezer, minutes=3, seconds=1)
    assert is_on()

    # Unavailable readings never switch anything.
    await _advance(hass, freezer, minutes=20)
    for value in ("unavailable", "unknown", "n/a"):
        await _set(hass, SURPLUS, value)
        await _advance(hass, freezer, minutes=1)
    assert is_on()
    assert_no_warnings(caplog)


async def test_pv_surplus_soc_floor_and_inverted_sign(
    hass: HomeAssistant,
    setup_blueprint: SetupBlueprint,
    load_switch: str,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Below the SoC floor the load neither starts nor keeps running; grid sign inverted."""
    await _set(hass, SURPLUS, "0")
    await _set(hass, SOC, "40", SOC_ATTRS)
    await setup_blueprint(
        "pv_surplus_switch.yaml",
        {
            "surplus_sensor": SURPLUS,
            "invert_surplus": True,  # a grid meter: -1500 W means 1500 W exported
            "load_switch": load_switch,
            "on_threshold": 1000,
            "off_threshold": 0,
            "min_on_time": {"minutes": 1},
            "min_off_time": {"minutes": 1},
            "soc_sensor": SOC,
            "soc_floor": 50,
        },
    )
    await _advance(hass, freezer, minutes=2)
    await _set(hass, SURPLUS, "-1500")
    await _advance(hass, freezer, minutes=1)
    assert hass.states.get(load_switch).state == "off"  # SoC 40 % < floor 50 %

    await _set(hass, SOC, "unavailable", SOC_ATTRS)
    await _advance(hass, freezer, minutes=1)
    assert hass.states.get(load_switch).state == "off"  # unknown SoC: do not start

    await _set(hass, SOC, "60", SOC_ATTRS)
    await _advance(hass, freezer, minutes=1)
    assert hass.states.get(load_switch).state == "on"

    await _advance(hass, freezer, minutes=2)
    await _set(hass, SOC, "45", SOC_ATTRS)
    await _advance(hass, freezer, minutes=1)
    assert hass.states.get(load_switch).state == "off"  # dropped below the floor
    assert_no_warnings(caplog)


@pytest.mark.parametrize("load_before", ["on", "off"])
async def test_pv_surplus_hysteresis_survives_restart(
    hass: HomeAssistant,
    setup_blueprint: SetupBlueprint,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    load_before: str,
) -> None:
    """The load's own state is the hysteresis: a restart in the dead band changes nothing."""
    hass.set_state(CoreState.not_running)
    mock_restore_cache(hass, (State(LOAD, load_before),))
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(
        hass, "input_boolean", {"input_boolean": {"water_heater": {"name": "Water heater"}}}
    )
    await _set(hass, SURPLUS, "600")  # between the off (200 W) and on (1000 W) thresholds
    automation = await setup_blueprint(
        "pv_surplus_switch.yaml",
        {
            "surplus_sensor": SURPLUS,
            "load_switch": LOAD,
            "on_threshold": 1000,
            "off_threshold": 200,
            "min_on_time": {"minutes": 10},
            "min_off_time": {"minutes": 5},
        },
    )
    await _start_home_assistant(hass)
    await _restart_runs(hass, automation)
    for _ in range(3):
        await _set(hass, SURPLUS, "550")
        await _set(hass, SURPLUS, "650")
        await _advance(hass, freezer, minutes=10)
    assert hass.states.get(LOAD).state == load_before

    # Out of the dead band the usual rules apply again.
    await _set(hass, SURPLUS, "100" if load_before == "on" else "1500")
    assert hass.states.get(LOAD).state != load_before
    assert_no_warnings(caplog)


async def test_pv_surplus_without_battery(
    hass: HomeAssistant,
    setup_blueprint: SetupBlueprint,
    load_switch: str,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The SoC input is optional."""
    await _set(hass, SURPLUS, "0")
    await setup_blueprint(
        "pv_surplus_switch.yaml",
        {"surplus_sensor": SURPLUS, "load_switch": load_switch, "min_off_time": "00:00:30"},
    )
    await _advance(hass, freezer, seconds=31)
    await _set(hass, SURPLUS, "5000")
    assert hass.states.get(load_switch).state == "on"
    assert_no_warnings(caplog)


# --------------------------------------------------------------------------- daily report


async def test_daily_energy_report(
    hass: HomeAssistant,
    setup_blueprint: SetupBlueprint,
    notify_calls: list[ServiceCall],
    persistent_calls: list[ServiceCall],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """At the chosen time the counters are sent, unavailable ones marked as such."""
    await hass.config.async_set_time_zone("UTC")
    freezer.move_to("2026-06-01 20:00:00+00:00")
    await _set(
        hass,
        "sensor.solar_yield_today",
        "12.3456",
        {ATTR_FRIENDLY_NAME: "Solar yield today", ATTR_UNIT_OF_MEASUREMENT: "kWh"},
    )
    await _set(
        hass,
        "sensor.battery_discharge_today",
        "3.1",
        {ATTR_FRIENDLY_NAME: "Battery discharge today", ATTR_UNIT_OF_MEASUREMENT: "kWh"},
    )
    await _set(hass, "sensor.load_today", "unavailable", {ATTR_FRIENDLY_NAME: "Load today"})
    await setup_blueprint(
        "daily_energy_report.yaml",
        {
            "energy_sensors": [
                "sensor.solar_yield_today",
                "sensor.battery_discharge_today",
                "sensor.load_today",
            ],
            "report_time": "21:00:00",
            "persistent": True,
        },
    )
    await _advance(hass, freezer, minutes=59)
    assert notify_calls == []
    await _advance(hass, freezer, minutes=1, seconds=1)
    assert len(notify_calls) == 1
    assert notify_calls[0].data == {
        "title": "Energy today",
        "message": (
            "Solar yield today: 12.35 kWh\nBattery discharge today: 3.1 kWh\nLoad today: unavailable"
        ),
    }
    assert persistent_calls[0].data["notification_id"] == "offgrid_power_daily_energy_report"
    # Once a day.
    await _advance(hass, freezer, hours=23)
    assert len(notify_calls) == 1
    await _advance(hass, freezer, hours=1)
    assert len(notify_calls) == 2
    assert_no_warnings(caplog)


async def test_daily_energy_report_of_a_systems_insights(
    hass: HomeAssistant,
    setup_blueprint: SetupBlueprint,
    notify_calls: list[ServiceCall],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The system's daily insights need no helper: times in local time, "not yet" for unknown."""
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    freezer.move_to("2026-06-01 18:59:00+00:00")
    timestamp = {ATTR_DEVICE_CLASS: "timestamp"}
    await _set(
        hass,
        "sensor.system_battery_full_at",
        "2026-06-01T09:15:00+00:00",
        {ATTR_FRIENDLY_NAME: "Battery full at", **timestamp},
    )
    await _set(
        hass,
        "sensor.system_solar_stop_at",
        "unknown",
        {ATTR_FRIENDLY_NAME: "Solar stop", **timestamp},
    )
    await _set(
        hass,
        "sensor.system_deficit_time_today",
        "42.0",
        {ATTR_FRIENDLY_NAME: "Time in deficit today", ATTR_UNIT_OF_MEASUREMENT: "min"},
    )
    await setup_blueprint(
        "daily_energy_report.yaml",
        {
            "energy_sensors": [
                "sensor.system_battery_full_at",
                "sensor.system_solar_stop_at",
                "sensor.system_deficit_time_today",
            ],
            "report_time": "21:00:00",
        },
    )
    await _advance(hass, freezer, minutes=1, seconds=1)
    assert len(notify_calls) == 1
    assert notify_calls[0].data["message"] == (
        "Battery full at: 11:15\nSolar stop: not yet\nTime in deficit today: 42.0 min"
    )
    assert_no_warnings(caplog)


# --------------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    ("file_name", "inputs", "message"),
    [
        (
            "low_battery_alert.yaml",
            {"soc_sensor": SOC},
            "Failed to generate automation from blueprint: Missing input memory",
        ),
        (
            "battery_full.yaml",
            {"memory": MEMORY},
            "Failed to generate automation from blueprint: Missing input soc_sensor",
        ),
        (
            "low_battery_alert.yaml",
            {"soc_sensor": SOC, "memory": MEMORY, "low_duration": "soon"},
            "Blueprint 'Off-Grid Power - low battery alert' generated invalid automation",
        ),
        (
            "pv_surplus_switch.yaml",
            {"surplus_sensor": "not an entity", "load_switch": LOAD},
            "Blueprint 'Off-Grid Power - PV surplus load switching' generated invalid automation",
        ),
    ],
)
async def test_bad_inputs_fail_with_home_assistants_message(
    hass: HomeAssistant,
    blueprint_config_dir: object,
    caplog: pytest.LogCaptureFixture,
    file_name: str,
    inputs: dict,
    message: str,
) -> None:
    """A missing or invalid input leaves the automation unavailable, with HA's own error."""
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "alias": "Broken",
                "use_blueprint": {"path": f"offgrid_power/{file_name}", "input": inputs},
            }
        },
    )
    await hass.async_block_till_done()
    assert hass.states.get("automation.broken").state == "unavailable"
    assert message in caplog.text
