"""The system runtime: listens to the chosen entities and keeps the system's values.

A state change of a chosen entity schedules a refresh (right away, or at most
every two seconds under a burst); the refresh reads every source whose state
object changed into a `Reading`, builds a `SystemSample`, feeds the energy
counters and the day's insights, and tells its entities, which write a state
only when their value changed. The live power values follow every refresh.
The counters and the day's figures are written by the `TICK` (every 30 s),
which also keeps the counters integrating while the sources hold a steady
value (Home Assistant fires no event for an unchanged state), and at local
midnight, which starts the new day. The sources' own kWh sensors are read
with the figures: they feed only the counters and the day's yields, which
show no sooner.

Event-loop cost (the issue's "Speed" requirement, `make bench`): the sources
of a busy system change many times a second, so nothing may run per change.
The runtime listens for a state change only while no refresh is pending: the
first change schedules one and stops listening, the refresh compares the
state objects and listens again. Between refreshes the sources' changes cost
the system nothing; a refresh reads only the power, voltage, charge and
charger sources (the kWh sources wait for the tick). It listens on the bus
with an entity-id filter rather than through `async_track_state_change_event`,
whose dispatch is deferred to the next loop iteration: a polled device
writing all its sources at once would queue one dispatch per source before
the first could stop the listening. The filter runs in the state write and
stops at the first match. Its timer is a plain loop timer, set per refresh.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Final, NamedTuple

from homeassistant.const import EVENT_STATE_CHANGED, Platform
from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_track_time_change, async_track_time_interval
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from custom_components.offgrid_power.const import DOMAIN
from custom_components.offgrid_power.energy import (
    Counter,
    EnergyCounter,
    IntegrationMethod,
    NativeCounterAccumulator,
    counter_time,
)
from custom_components.offgrid_power.models import OffGridConfigEntry, OffGridRuntime

from .choice import SystemChoice, parse_choice
from .const import BATTERY_IN, BATTERY_OUT, LOAD
from .dashboard import async_follow_choice
from .dashboard_button import CreateDashboardButton
from .energy_button import AddToEnergyDashboardButton
from .entities import SystemSensor, system_sensors
from .insights import DayInsights, SystemSample
from .readings import (
    ENERGY,
    POWER,
    SIGNED_CURRENT,
    SIGNED_POWER,
    STATE_OF_CHARGE,
    VOLTAGE,
    Quantity,
    Reading,
    read_charger_full,
    read_number,
)
from .repairs import issue_id, missing_entities, update_battery_issue
from .solar_total import SolarTotal

# Steady sources send no events: integrate the held values this often, and
# never bridge more than MAX_STEP without a sample (Home Assistant was down).
# Counters and day figures change with every sample but are read over minutes
# and hours (statistics, "today"): their entities are written on this tick
# only, which keeps their state writes (and recorder rows) few.
TICK: Final = timedelta(seconds=30)
ENERGY_MAX_STEP_SECONDS: Final = 90.0
# A source's own kWh counter cannot plausibly grow faster than this.
SOURCE_MAX_POWER_KW: Final = 50.0
STORE_VERSION: Final = 1
SAVE_DELAY_SECONDS: Final = 10.0
# Bursts of state changes (every source of a polled device at once, a flood of
# Bluetooth advertisements) become one refresh and one round of state writes.
# Two seconds keep the live values live (a Victron sensor writes a small change
# every 10 s) and the system's share of the event loop small (`make bench`).
MIN_REFRESH_INTERVAL: Final = timedelta(seconds=2)


# Not a state: a source not read yet.
_UNSEEN: Final = object()


class _Source(NamedTuple):
    """A chosen entity and how it is read."""

    entity_id: str
    charger: bool
    quantity: Quantity | None
    # The counter a kWh sensor feeds.
    counter: Counter | None


def store_for(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """Where a system entry keeps its counters and today's insights."""
    return Store(hass, STORE_VERSION, f"{DOMAIN}.system.{entry_id}")


class SystemRuntime(OffGridRuntime):
    """One off-grid system: its readings, energy counters and insights."""

    platforms = (Platform.BUTTON, Platform.SENSOR)

    def __init__(self, hass: HomeAssistant, entry: OffGridConfigEntry) -> None:
        super().__init__(hass, entry)
        self.choice: SystemChoice = parse_choice(entry.options)
        self.readings: dict[str, Reading] = {}
        self.charger_full: bool | None = None
        self.counters: dict[str, Counter] = {
            BATTERY_IN: EnergyCounter(ENERGY_MAX_STEP_SECONDS),
            BATTERY_OUT: EnergyCounter(ENERGY_MAX_STEP_SECONDS),
            LOAD: EnergyCounter(ENERGY_MAX_STEP_SECONDS, IntegrationMethod.LEFT),
        }
        for source in self.choice.solar:
            self.counters[source.key] = (
                NativeCounterAccumulator(SOURCE_MAX_POWER_KW)
                if source.energy
                else EnergyCounter(ENERGY_MAX_STEP_SECONDS)
            )
        self.solar_total: SolarTotal = SolarTotal()
        self.insights: DayInsights = DayInsights(
            dt_util.get_default_time_zone(), self.choice.thresholds
        )
        self.sample: SystemSample = SystemSample(at=dt_util.utcnow())
        self._entity_ids = self.choice.entity_ids
        self._watched = frozenset(self._entity_ids)
        self._battery_entities = self.choice.battery_entities
        sources = self._how_to_read_each_entity()
        # kWh sensors feed only the figures: they are read when those are written.
        self._live_sources = tuple(s for s in sources if s.counter is None)
        self._energy_sources = tuple(s for s in sources if s.counter is not None)
        # Per solar source: its key, power entity, and the counter its power feeds
        # (None when the source has a kWh sensor of its own).
        self._solar = tuple(
            (s.key, s.power, None if s.energy else self.counters[s.key]) for s in self.choice.solar
        )
        self._store = store_for(hass, entry.entry_id)
        self._live_listeners: list[Callable[[], None]] = []
        self._figure_listeners: list[Callable[[], None]] = []
        self._unsubscribe: list[CALLBACK_TYPE] = []
        # The state object each source had at the last refresh: Home Assistant
        # makes a new one for every change, so identity tells what changed.
        self._seen: dict[str, State | None] = {}
        # Listening for state changes only while no refresh is pending; a
        # refresh runs at most once per MIN_REFRESH_INTERVAL.
        self._stop_listening: CALLBACK_TYPE | None = None
        self._last_refresh = dt_util.utcnow() - MIN_REFRESH_INTERVAL
        self._scheduled: asyncio.Handle | None = None

    def _how_to_read_each_entity(self) -> tuple[_Source, ...]:
        """Every chosen entity with what it is read as, worked out once."""
        quantities = self._quantity_of_each_entity()
        counters = {s.energy: self.counters[s.key] for s in self.choice.solar if s.energy}
        return tuple(
            _Source(
                entity_id,
                entity_id == self.choice.charge_state,
                quantities.get(entity_id),
                counters.get(entity_id),
            )
            for entity_id in self._entity_ids
        )

    def _quantity_of_each_entity(self) -> dict[str, Quantity]:
        choice = self.choice
        quantities: dict[str | None, Quantity] = {
            choice.battery_soc: STATE_OF_CHARGE,
            choice.battery_voltage: VOLTAGE,
            choice.battery_power: SIGNED_POWER,
            choice.battery_current: SIGNED_CURRENT,
            choice.ac_load_power: POWER,
            choice.dc_load_power: POWER,
        }
        for source in choice.solar:
            quantities[source.power] = POWER
            quantities[source.energy] = ENERGY
        return {entity_id: q for entity_id, q in quantities.items() if entity_id}

    # -- lifecycle -------------------------------------------------------

    async def async_start(self) -> None:
        """Restore the stored day, read every source once and start listening."""
        if (stored := await self._store.async_load()) is not None:
            self._restore(stored)
        hass = self.hass
        self._check_battery_entities()
        self._unsubscribe += [
            # Home Assistant stopping does not unload the entry: the tick stops with it.
            async_track_time_interval(hass, self._on_tick, TICK, cancel_on_shutdown=True),
            async_track_time_change(hass, self._on_tick, hour=0, minute=0, second=0),
            hass.bus.async_listen(er.EVENT_ENTITY_REGISTRY_UPDATED, self._on_registry_update),
        ]
        self._refresh(dt_util.utcnow(), figures=True)
        # A dashboard made before the user chose other entities follows the new choice.
        self.entry.async_create_task(hass, async_follow_choice(hass, self.entry))

    async def async_shutdown(self) -> None:
        """Stop listening and store the day so far."""
        while self._unsubscribe:
            self._unsubscribe.pop()()
        self._cancel_scheduled_refresh()
        if self._stop_listening is not None:
            self._stop_listening()
            self._stop_listening = None
        await self._store.async_save(self._to_store())

    def async_add_platform_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add the system device's sensors, and its Energy dashboard and dashboard buttons."""
        if platform is Platform.BUTTON:
            async_add_entities([AddToEnergyDashboardButton(self), CreateDashboardButton(self)])
        else:
            async_add_entities(self._sensors())

    def _sensors(self) -> list[SystemSensor]:
        """The sensors of the current choice; those of sources no longer chosen leave the registry."""
        sensors = system_sensors(self)
        current = {sensor.unique_id for sensor in sensors}
        registry = er.async_get(self.hass)
        for stale in er.async_entries_for_config_entry(registry, self.entry.entry_id):
            if stale.domain == Platform.SENSOR and stale.unique_id not in current:
                registry.async_remove(stale.entity_id)
        return sensors

    @callback
    def async_add_listener(self, update: Callable[[], None], *, live: bool) -> CALLBACK_TYPE:
        """Call ``update`` after every refresh (``live``) or when the figures are written (the tick).

        Returns the remover.
        """
        listeners = self._live_listeners if live else self._figure_listeners
        listeners.append(update)
        return lambda: listeners.remove(update)

    # -- events ----------------------------------------------------------

    @callback
    def _listen(self) -> None:
        if self._stop_listening is None:
            self._stop_listening = self.hass.bus.async_listen(
                EVENT_STATE_CHANGED, self._on_state_change, self._is_watched
            )

    @callback
    def _is_watched(self, data: EventStateChangedData) -> bool:
        return data["entity_id"] in self._watched

    @callback
    def _on_state_change(self, _: Event[EventStateChangedData]) -> None:
        # The first change since the last refresh schedules the next one; the
        # changes until then are read by comparing state objects, not one by one.
        if self._stop_listening is not None:
            self._stop_listening()
            self._stop_listening = None
        wait = (self._last_refresh + MIN_REFRESH_INTERVAL - dt_util.utcnow()).total_seconds()
        loop = self.hass.loop
        self._scheduled = (
            loop.call_soon(self._scheduled_refresh)
            if wait <= 0
            else loop.call_later(wait, self._scheduled_refresh)
        )

    @callback
    def _cancel_scheduled_refresh(self) -> None:
        if self._scheduled is not None:
            self._scheduled.cancel()
            self._scheduled = None

    @callback
    def _scheduled_refresh(self) -> None:
        self._scheduled = None
        self._refresh(dt_util.utcnow())

    @callback
    def _on_tick(self, now: datetime) -> None:
        # The tick (and midnight) writes the figures too: a new day shows at once.
        self._refresh(dt_util.utcnow(), figures=True)
        # Saved from the tick, not from every event: a delayed save restarts its
        # delay when asked again, so a busy source would postpone it for ever.
        # Home Assistant also writes the pending save when it stops.
        self._store.async_delay_save(self._to_store, SAVE_DELAY_SECONDS)

    @callback
    def _on_registry_update(self, event: Event[er.EventEntityRegistryUpdatedData]) -> None:
        watched = self.choice.battery_entities
        if event.data["entity_id"] in watched or event.data.get("old_entity_id") in watched:
            self._check_battery_entities()

    @callback
    def _check_battery_entities(self) -> None:
        missing = missing_entities(self.hass, self.choice.battery_entities)
        update_battery_issue(self.hass, self.entry.entry_id, self.entry.title, missing)

    # -- values ----------------------------------------------------------

    def _read_changed(self, sources: tuple[_Source, ...], at: float) -> None:
        """Read those of ``sources`` whose state object changed since they were last read."""
        get, seen, readings = self.hass.states.get, self._seen, self.readings
        battery_appeared_or_removed = False
        for entity_id, charger, quantity, counter in sources:
            state = get(entity_id)
            previous = seen.get(entity_id, _UNSEEN)
            if state is previous:
                continue
            seen[entity_id] = state
            if charger:
                self.charger_full, reason = read_charger_full(state)
                readings[entity_id] = Reading(None, reason)
            if quantity is not None:
                reading = readings[entity_id] = read_number(state, quantity)
                if counter is not None:
                    # A kWh sensor is fed when it changed, not on every tick: its
                    # plausibility bound is the growth since its previous change.
                    counter.add(reading.value, at)
            if previous is not _UNSEEN and (previous is None) != (state is None):
                battery_appeared_or_removed |= entity_id in self._battery_entities
        if battery_appeared_or_removed:
            self._check_battery_entities()

    def value(self, entity_id: str | None) -> float | None:
        """A source's current value, None if not chosen or not valid."""
        if entity_id is None or (reading := self.readings.get(entity_id)) is None:
            return None
        return reading.value

    def _battery_power(self) -> float | None:
        choice = self.choice
        if choice.battery_power:
            return self.value(choice.battery_power)
        voltage, current = self.value(choice.battery_voltage), self.value(choice.battery_current)
        return None if voltage is None or current is None else voltage * current

    def _load_power(self) -> float | None:
        ac = self.value(self.choice.ac_load_power)
        if ac is None or not self.choice.dc_load_power:
            return ac
        dc = self.value(self.choice.dc_load_power)
        return None if dc is None else ac + dc

    @callback
    def _refresh(self, now: datetime, *, figures: bool = False) -> None:
        """Read the sources that changed, feed the counters and insights, tell the entities.

        With ``figures`` (the tick, midnight, the start) the kWh sources are
        read and the counters' and day figures' entities written too; the
        first refresh of a new day is one, so the day that ends keeps its yield.
        """
        self._cancel_scheduled_refresh()
        self._last_refresh = now
        figures = figures or self.insights.is_new_day(now)
        at = counter_time(self.hass)
        self._read_changed(self._live_sources, at)
        if figures:
            self._read_changed(self._energy_sources, at)
        self._listen()
        choice, counters, value = self.choice, self.counters, self.value
        battery = self._battery_power()
        load = self._load_power()
        solar = {key: value(power) for key, power, _ in self._solar}
        counters[BATTERY_IN].add(None if battery is None else max(battery, 0.0), at)
        counters[BATTERY_OUT].add(None if battery is None else max(-battery, 0.0), at)
        counters[LOAD].add(load, at)
        for key, _, counter in self._solar:
            if counter is not None:
                counter.add(solar[key], at)
        source_energy = {key: counters[key].total_kwh for key, _, _ in self._solar}
        if figures:
            self.solar_total.update(source_energy)
        self.sample = SystemSample(
            at=now,
            battery_voltage=value(choice.battery_voltage),
            battery_soc=value(choice.battery_soc),
            battery_power=battery,
            solar_power=solar,
            load_power=load,
            charger_full=self.charger_full,
            source_energy=source_energy,
            load_energy=counters[LOAD].total_kwh,
        )
        self.insights.observe(self.sample)
        for update in list(self._live_listeners):
            update()
        if figures:
            for update in list(self._figure_listeners):
                update()

    # -- persistence -----------------------------------------------------

    def _to_store(self) -> dict[str, Any]:
        return {
            "counters": {name: counter.as_dict() for name, counter in self.counters.items()},
            "solar_total": self.solar_total.as_dict(),
            "insights": self.insights.as_dict(),
        }

    def _restore(self, stored: dict[str, Any]) -> None:
        counters = stored.get("counters")
        if isinstance(counters, dict):
            for name, counter in self.counters.items():
                if isinstance(data := counters.get(name), dict):
                    counter.restore(data)
        if isinstance(solar_total := stored.get("solar_total"), dict):
            self.solar_total.restore(solar_total)
        if isinstance(insights := stored.get("insights"), dict):
            self.insights.restore(insights)

    # -- diagnostics -----------------------------------------------------

    def diagnostics(self) -> dict[str, Any]:
        """Each source's last reading (with why it was rejected) and the day so far."""
        return {
            "readings": {
                entity_id: {
                    "value": reading.value,
                    "rejected": reading.reason.value if reading.reason else None,
                }
                for entity_id, reading in self.readings.items()
            },
            "charger_full": self.charger_full,
            "counters": {name: counter.as_dict() for name, counter in self.counters.items()},
            "insights": self.insights.as_dict(),
            "repair_issue": issue_id(self.entry.entry_id)
            if missing_entities(self.hass, self.choice.battery_entities)
            else None,
        }
