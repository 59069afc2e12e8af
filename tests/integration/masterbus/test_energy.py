"""Energy: battery charge/discharge integrated from the shunt's V x A, and the
Solar ChargeMaster's own lifetime kWh, across gaps, bad readings and restarts."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import mock_restore_cache_with_extra_data

from custom_components.offgrid_power.const import DOMAIN
from simulators.masterbus import MasterBusSimulator

from .conftest import (
    ENTRY_ID,
    POLL,
    SHUNT,
    SHUNT_SERIAL,
    SOLAR,
    SOLAR_SERIAL,
    TICKING_CLOCK,
    bridge_data,
    hold,
    make_entry,
    online,
    poll,
    setup_entry,
    unload,
    until,
)

pytestmark = TICKING_CLOCK

CHARGE = "sensor.msh_battery_energy_charged"
DISCHARGE = "sensor.msh_battery_energy_discharged"
SOLAR_TOTAL = "sensor.scm_solar_solar_energy"
SOLAR_NATIVE = "sensor.scm_solar_device_lifetime_yield"
WS_PER_KWH = 3_600_000
# 125 W for one 10 s poll.
ONE_POLL_KWH = 125 * 10 / WS_PER_KWH


class PollClock:
    """The test's own time for the polls: each one exactly a step after the one before.

    The clock ticks (the bus needs it), so a poll timed from "now" would add
    the real seconds that setup and the previous polls took to the energy
    totals, more of them the busier the machine. Counted from the counter's
    last sample instead, each poll lands where the test says; what is left
    is the moment a poll takes to read the bus, which does not add up.

    The poll is the coordinator's refresh, run at the step rather than left
    to its timer: Home Assistant schedules the next refresh from the second
    in which the last one finished, so after a poll that took a busy machine
    most of a second the timer is due a second after the step, and the step
    would pass without a poll.
    """

    def __init__(self, hass: HomeAssistant, freezer: FrozenDateTimeFactory, entity_id: str) -> None:
        self._hass, self._freezer = hass, freezer
        self.now = hass.states.get(entity_id).last_reported

    async def poll(self, step: timedelta = POLL) -> None:
        """Poll at ``step`` after the last poll, and let every task settle."""
        self.now += step
        self._freezer.move_to(self.now)
        (entry,) = self._hass.config_entries.async_entries(DOMAIN)
        await entry.runtime_data.coordinator.async_refresh()
        await self._hass.async_block_till_done(wait_background_tasks=True)


def kwh(hass: HomeAssistant, entity_id: str) -> float:
    """A counter's state as a number."""
    return float(hass.states.get(entity_id).state)


def grew_one_poll(before: float, after: float) -> bool:
    """Whether a counter of 125 W grew by one poll: 10 s plus the moment the
    read takes on the ticking clock (below a second on a busy machine),
    neither none nor a gap."""
    return ONE_POLL_KWH * (1 - 1e-9) <= after - before < 2 * ONE_POLL_KWH


async def test_battery_energy_follows_shunt_power_and_never_bridges_a_gap(
    hass: HomeAssistant, simulator: MasterBusSimulator, freezer: FrozenDateTimeFactory
) -> None:
    shunt = simulator.device(SHUNT)
    hold(shunt, 1, 12.5)
    hold(shunt, 2, 10.0)  # 125 W into the battery
    entry = make_entry(hass, bridge_data(simulator))
    await setup_entry(hass, entry)
    assert hass.states.get("sensor.msh_battery_battery_power").state == "125.0"
    # The counters' first sample was taken as their state was written.
    clock = PollClock(hass, freezer, CHARGE)
    for _ in range(6):
        await clock.poll()
    assert kwh(hass, CHARGE) == pytest.approx(125 * 60 / WS_PER_KWH, rel=0.05)
    assert kwh(hass, DISCHARGE) == 0.0

    hold(shunt, 2, -8.0)  # 100 W out of it
    for _ in range(6):
        await clock.poll()
    # The step from +125 W to -100 W is split between the two counters.
    charged = (125 * 60 + 125 / 2 * 10) / WS_PER_KWH
    assert kwh(hass, CHARGE) == pytest.approx(charged, rel=0.05)
    assert kwh(hass, DISCHARGE) == pytest.approx((100 / 2 * 10 + 100 * 50) / WS_PER_KWH, rel=0.05)

    # Five minutes without a poll (HA busy, link down): nothing is guessed for them.
    before = kwh(hass, DISCHARGE)
    await clock.poll(timedelta(minutes=5))
    assert kwh(hass, DISCHARGE) == before
    await clock.poll()
    assert kwh(hass, DISCHARGE) == pytest.approx(before + 100 * 10 / WS_PER_KWH, rel=0.05)

    # The shunt leaves: its readings go unavailable, the totals stay and stop.
    before = kwh(hass, DISCHARGE)
    simulator.unplug(SHUNT)
    for _ in range(3):
        await clock.poll()
    assert hass.states.get("sensor.msh_battery_battery_power").state == "unavailable"
    assert kwh(hass, DISCHARGE) == before
    # Back: the first reading starts a new chain, the second adds 10 s of 100 W.
    simulator.plug(SHUNT)
    await until(entry, lambda: online(entry, SHUNT))
    clock.now = dt_util.utcnow()  # the wait for the bus took real time
    await clock.poll()
    assert kwh(hass, DISCHARGE) == before
    await clock.poll()
    assert kwh(hass, DISCHARGE) == pytest.approx(before + 100 * 10 / WS_PER_KWH, rel=0.05)
    assert kwh(hass, CHARGE) == pytest.approx(charged, rel=0.05)
    await unload(hass, entry)


async def test_solar_lifetime_follows_the_device_counter_and_ignores_bad_readings(
    hass: HomeAssistant, simulator: MasterBusSimulator, freezer: FrozenDateTimeFactory
) -> None:
    solar = simulator.device(SOLAR)
    hold(solar, 9, 1234.5)
    entry = make_entry(hass, bridge_data(simulator))
    await setup_entry(hass, entry)
    assert kwh(hass, SOLAR_NATIVE) == 1234.5
    assert kwh(hass, SOLAR_TOTAL) == 0.0  # the first reading is the baseline
    # One solar counter for the Energy dashboard: the device's own reading has no
    # state class, so the dashboard offers only the counter that never goes back.
    offered = [
        state.entity_id
        for state in hass.states.async_all("sensor")
        if state.entity_id.startswith("sensor.scm_solar")
        and state.attributes.get("device_class") == "energy"
        and state.attributes.get("state_class") in ("total", "total_increasing")
    ]
    assert offered == [SOLAR_TOTAL]
    hold(solar, 9, 1234.75)
    await poll(hass, freezer, timedelta(minutes=5))
    assert kwh(hass, SOLAR_TOTAL) == pytest.approx(0.25)

    solar.not_available.add(9)  # NaN on the wire
    await poll(hass, freezer)
    assert hass.states.get(SOLAR_NATIVE).state == "unknown"
    assert kwh(hass, SOLAR_TOTAL) == pytest.approx(0.25)
    solar.not_available.clear()

    hold(solar, 9, 1000.0)  # a glitch downwards: the total never decreases
    await poll(hass, freezer)
    assert kwh(hass, SOLAR_TOTAL) == pytest.approx(0.25)
    hold(solar, 9, 1234.75)
    await poll(hass, freezer)
    assert kwh(hass, SOLAR_TOTAL) == pytest.approx(0.25)
    await unload(hass, entry)


async def test_a_wall_clock_jump_neither_adds_energy_nor_breaks_the_chain(
    hass: HomeAssistant,
    simulator: MasterBusSimulator,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """NTP moves Home Assistant's wall clock a year on and back between polls;
    the counters run on its monotonic clock, which moved one poll each time."""
    shunt, solar = simulator.device(SHUNT), simulator.device(SOLAR)
    hold(shunt, 1, 12.5)
    hold(shunt, 2, 10.0)  # 125 W into the battery
    hold(solar, 9, 1234.5)
    entry = make_entry(hass, bridge_data(simulator))
    await setup_entry(hass, entry)
    await poll(hass, freezer)
    charged, solar_total = kwh(hass, CHARGE), kwh(hass, SOLAR_TOTAL)
    wall = dt_util.utcnow
    monkeypatch.setattr(dt_util, "utcnow", lambda: wall() + timedelta(days=365))
    hold(solar, 9, 1634.5)  # a corrupt reading: 400 kWh in one poll
    await poll(hass, freezer)
    assert kwh(hass, SOLAR_TOTAL) == solar_total
    assert grew_one_poll(charged, kwh(hass, CHARGE))  # neither none nor a year

    monkeypatch.setattr(dt_util, "utcnow", wall)  # and back again
    charged = kwh(hass, CHARGE)
    hold(solar, 9, 1234.5 + 2**-8)  # about 1.4 kW for 10 s: plausible
    await poll(hass, freezer)
    assert kwh(hass, SOLAR_TOTAL) == pytest.approx(solar_total + 2**-8)
    assert grew_one_poll(charged, kwh(hass, CHARGE))
    await unload(hass, entry)


def _restored(hass: HomeAssistant, key: str, object_id: str) -> str:
    entity_id = er.async_get(hass).async_get_or_create(
        "sensor", DOMAIN, f"{ENTRY_ID}_{key}", suggested_object_id=object_id
    )
    return entity_id.entity_id


async def test_totals_continue_after_a_restart(
    hass: HomeAssistant, simulator: MasterBusSimulator, freezer: FrozenDateTimeFactory
) -> None:
    charge = _restored(hass, f"{SHUNT_SERIAL}_battery_charge_energy", "charge_total")
    solar_total = _restored(hass, f"{SOLAR_SERIAL}_solar_energy", "solar_total")
    an_hour_ago = (dt_util.utcnow() - timedelta(hours=1)).timestamp()
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(charge, "3.5"),
                {
                    "native_value": 3.5,
                    "native_unit_of_measurement": "kWh",
                    "counter": {"total_kwh": 3.5},
                },
            ),
            (
                State(solar_total, "100.0"),
                {
                    "native_value": 100.0,
                    "native_unit_of_measurement": "kWh",
                    "counter": {"total_kwh": 100.0, "last_value": 1232.5, "last_time": an_hour_ago},
                },
            ),
        ],
    )
    shunt = simulator.device(SHUNT)
    hold(shunt, 1, 12.5)
    hold(shunt, 2, 10.0)
    hold(simulator.device(SOLAR), 9, 1234.5)
    entry = make_entry(hass, bridge_data(simulator))
    await setup_entry(hass, entry)
    # The charger counted 2 kWh while Home Assistant was down; that counts.
    assert kwh(hass, solar_total) == pytest.approx(102.0)
    # The shunt's hour is unknown: the integration restarts from the stored total.
    assert kwh(hass, charge) == 3.5
    await PollClock(hass, freezer, charge).poll()
    assert grew_one_poll(3.5, kwh(hass, charge))

    # A reload (as after changing options) keeps both totals too.
    charged = kwh(hass, charge)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert kwh(hass, solar_total) == pytest.approx(102.0)
    assert kwh(hass, charge) == charged
    await unload(hass, entry)
