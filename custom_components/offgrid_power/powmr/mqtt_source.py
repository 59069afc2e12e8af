"""A PowMr bridge's MQTT topics as a snapshot source, through Home Assistant's MQTT integration.

The entry uses the broker the user already set up in Home Assistant (no
client of its own). It subscribes to ``<prefix>/#``; every message goes to the
library's `MqttCollector`, and each coordinator update reads the snapshot of
the readings that are still fresh, at the entry's poll interval (the energy
counters want a sample per interval). When the bridge falls silent the
readings age out after `STALE_AFTER_S` and the update fails: the entities turn
unavailable until the first update after the bridge speaks again.

Home Assistant's ``mqtt`` package is imported only here and only when an MQTT
entry or flow runs, so installations without MQTT never load it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import time
from typing import TYPE_CHECKING, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback

from custom_components.offgrid_power.const import LOGGER
from custom_components.offgrid_power.protocol.powmr import (
    MqttCollector,
    PowmrConnectionError,
    PowmrInvalidDataError,
    PowmrSnapshot,
    PowmrTimeoutError,
)

if TYPE_CHECKING:
    from homeassistant.components.mqtt import ReceiveMessage

# The dongle firmware publishes every 5-30 s: the first burst comes within this.
FIRST_MESSAGE_TIMEOUT: Final = 35.0
# A bridge publishes one poll's topics back to back; this lets the rest of the
# burst that the first message opened arrive before the first snapshot.
BURST_SETTLE: Final = 0.5


async def async_mqtt_available(hass: HomeAssistant) -> bool:
    """Whether Home Assistant's MQTT integration is set up (waits while it starts)."""
    if not hass.config_entries.async_entries("mqtt"):
        return False
    from homeassistant.components import mqtt

    return await mqtt.async_wait_for_mqtt_client(hass)


class MqttSource:
    """Snapshots from the topics under one prefix."""

    def __init__(self, hass: HomeAssistant, prefix: str) -> None:
        self.hass = hass
        self.collector = MqttCollector(prefix)
        self.messages = 0
        self.bad_messages = 0
        # Seconds, for the ages of readings; a test may move it ahead.
        self.clock: Callable[[], float] = time.monotonic
        self._unsubscribe: CALLBACK_TYPE | None = None
        self._first_message = asyncio.Event()

    async def async_start(self) -> None:
        """Subscribe to the prefix; raise `PowmrConnectionError` without MQTT."""
        if self._unsubscribe is not None:
            return
        if not await async_mqtt_available(self.hass):
            raise PowmrConnectionError("Home Assistant's MQTT integration is not set up")
        from homeassistant.components import mqtt

        self._unsubscribe = await mqtt.async_subscribe(
            self.hass, f"{self.collector.prefix}/#", self._async_message_received, encoding=None
        )

    @callback
    def _async_message_received(self, message: ReceiveMessage) -> None:
        try:
            ours = self.collector.receive(message.topic, message.payload, self.clock())
        except PowmrInvalidDataError as err:
            self.bad_messages += 1
            LOGGER.debug("Ignoring PowMr MQTT message on %s: %s", message.topic, err)
            return
        if not ours:
            return
        self.messages += 1
        self._first_message.set()

    async def read_snapshot(self) -> PowmrSnapshot:
        """The fresh readings; the first read waits for the bridge's first burst."""
        if self._unsubscribe is None:
            await self.async_start()
            try:
                async with asyncio.timeout(FIRST_MESSAGE_TIMEOUT):
                    await self._first_message.wait()
            except TimeoutError as err:
                raise PowmrTimeoutError(
                    f"no PowMr message under {self.collector.prefix} "
                    f"within {FIRST_MESSAGE_TIMEOUT:.0f} s"
                ) from err
            await asyncio.sleep(BURST_SETTLE)
        return self.collector.snapshot(self.clock())

    async def close(self) -> None:
        """Unsubscribe; the broker connection belongs to Home Assistant."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def diagnostics(self) -> dict[str, object]:
        return {
            "transport": "mqtt",
            "messages": self.messages,
            "bad_messages": self.bad_messages,
            **self.collector.diagnostics(self.clock()),
        }
