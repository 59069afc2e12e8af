"""When a Victron entity writes its state: a change that shows, at a bounded rate.

Victron devices advertise about once a second and nearly every reading moves
some value by a digit. Every state Home Assistant writes lands in the
recorder's database, on an SD card for many users, so a sensor writes:

* at once when it first shows, becomes unavailable or comes back, when a
  non-numeric state (an enum, unknown) changes, and when a number moves by
  a large step (``LARGE_CHANGE`` of what is shown, and at least ten display
  steps): a load switching on, the shore power going away;
* otherwise only a change of at least one display step (its
  ``suggested_display_precision``), at most once per ``min_interval``; a
  change held back is written when the interval ends, well within the
  availability interval, so every visible change still lands;
* never a change smaller than a display step.

``WritePolicy`` is plain Python (the clock is handed in); ``ThrottledWrites``
applies it to an entity with one timer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.event import async_call_later

# A move of this fraction of the shown value is news, not noise.
LARGE_CHANGE = 0.1
_LARGE_STEPS = 10
# What an unavailable entity shows: unlike any value, so its return writes at once.
_UNAVAILABLE = object()


@dataclass(slots=True)
class WritePolicy:
    """Decides, per offered state, whether to write it now or when (seconds)."""

    min_interval: float
    precision: int | None
    _shown: Any = None
    _written_at: float | None = None

    def wrote(self, state: Any, now: float) -> None:
        """Note a state that was written."""
        self._shown = state
        self._written_at = now

    def due(self, state: Any, now: float) -> float | None:
        """When ``state`` should be written: 0 for now, a delay in seconds, None for never."""
        shown = self._shown
        if self._written_at is None:
            return 0.0
        if not _is_number(state) or not _is_number(shown):
            return 0.0 if state != shown else None
        change = abs(state - shown)
        step = 10.0 ** -(self.precision or 0) if self.precision is not None else 0.0
        if change == 0 or change < step * (1 - 1e-9):
            return None
        if change >= max(LARGE_CHANGE * abs(shown), _LARGE_STEPS * step):
            return 0.0
        return max(self._written_at + self.min_interval - now, 0.0)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class ThrottledWrites(Entity):
    """An entity whose state changes go through a `WritePolicy`.

    Subclasses set ``_write_policy`` and call ``async_offer_state`` where they
    would write; every write (Home Assistant's first one included) is noted.
    """

    _write_policy: WritePolicy
    _flush_timer: CALLBACK_TYPE | None = None
    # While true the entity still shows its value: the last held-back change
    # is written before the entity turns unavailable.
    _showing_last = False

    def _offered_state(self) -> Any:
        """The state the policy compares (the entity's value)."""
        raise NotImplementedError

    @property
    def available(self) -> bool:
        return self._showing_last or super().available

    @callback
    def async_offer_state(self) -> None:
        """Write the current state now, later, or not at all, as the policy says."""
        if not super().available:
            self._went_unavailable()
            return
        delay = self._write_policy.due(self._offered_state(), self._now())
        if delay is None:
            self._cancel_flush()
        elif delay <= 0:
            self.async_write_ha_state()
        elif self._flush_timer is None:
            self._flush_timer = async_call_later(self.hass, delay, self._flush)

    @callback
    def _went_unavailable(self) -> None:
        if self._flush_timer is not None:
            self._cancel_flush()
            self._showing_last = True
            try:
                self.async_write_ha_state()
            finally:
                self._showing_last = False
        self.async_write_ha_state()

    @callback
    def _flush(self, _: Any) -> None:
        self._flush_timer = None
        self.async_offer_state()

    @callback
    def _cancel_flush(self) -> None:
        if self._flush_timer is not None:
            self._flush_timer()
            self._flush_timer = None

    @callback
    def async_write_ha_state(self) -> None:
        self._cancel_flush()
        shown = self._offered_state() if self.available else _UNAVAILABLE
        self._write_policy.wrote(shown, self._now())
        super().async_write_ha_state()

    async def async_will_remove_from_hass(self) -> None:
        self._cancel_flush()
        await super().async_will_remove_from_hass()

    def _now(self) -> float:
        return self.hass.loop.time()
