"""One bad update must not stop a coordinator, nor flood the log.

Home Assistant's coordinators log an `UpdateFailed` once per failure streak,
but any other exception as "Unexpected error" with a traceback on every
update. `guarded_update` turns whatever a single update raises into an
`UpdateFailed` naming the exception's type (the message itself may quote a
device address, which is redacted elsewhere), so it is logged once per streak
like any failed poll. The traceback goes to the debug log for the curious.
`FailureStreak` does the same for updates that are callbacks, not polls.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
import functools
import logging
from typing import Any, Protocol

from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.update_coordinator import UpdateFailed

from .const import DOMAIN, LOGGER


class _Named(Protocol):
    name: str


def guarded_update[C: _Named, T](
    update: Callable[[C], Coroutine[Any, Any, T]],
) -> Callable[[C], Coroutine[Any, Any, T]]:
    """Wrap a coordinator's ``_async_update_data`` so every exception is an `UpdateFailed`."""

    @functools.wraps(update)
    async def guarded(coordinator: C) -> T:
        try:
            return await update(coordinator)
        except HomeAssistantError:
            # UpdateFailed, ConfigEntryAuthFailed...: Home Assistant knows these.
            raise
        except Exception as err:
            LOGGER.debug("Unexpected error in %s", coordinator.name, exc_info=True)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="unexpected_error",
                translation_placeholders={"error": type(err).__name__},
            ) from err

    return guarded


class FailureStreak:
    """Logs the first failure of a streak and the recovery, each once."""

    def __init__(self, name: str, logger: logging.Logger = LOGGER) -> None:
        self.name = name
        self.logger = logger
        self.failures = 0
        self._failing = False

    def failed(self, err: Exception) -> None:
        self.failures += 1
        if not self._failing:
            self._failing = True
            self.logger.warning(
                "Unexpected %s while updating %s; ignoring this update",
                type(err).__name__,
                self.name,
            )
        self.logger.debug("Unexpected error in %s", self.name, exc_info=err)

    def succeeded(self) -> None:
        if self._failing:
            self._failing = False
            self.logger.info("%s updates again", self.name)
