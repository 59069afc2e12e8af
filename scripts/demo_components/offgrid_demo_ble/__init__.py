"""Demo only: a simulated ESPHome Bluetooth proxy that hears five Victron devices.

The proxy registers with Home Assistant's Bluetooth manager as a remote
scanner, exactly as the ESPHome integration registers a real one, and
forwards the advertisements of the simulated devices in
``simulators/victron``: the public reference vectors, then readings that move,
encrypted with the vectors' keys. Off-Grid Power therefore hears them through
the real manager, its matchers, discovery and availability tracking.

``simulators`` is imported from the repository: `make demo` runs Home
Assistant from the repository root. Enable it with ``offgrid_demo_ble:`` in
configuration.yaml (optionally ``day_seconds: 720`` for a compressed day).
"""

from __future__ import annotations

from datetime import timedelta
import time
from typing import Any

from homeassistant.components.bluetooth import async_register_scanner
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.typing import ConfigType

from simulators.day import SimulatedDay
from simulators.victron import SimulatedDevice, demo_devices
from simulators.victron.proxy import SimulatedProxyScanner

DOMAIN = "offgrid_demo_ble"
# A locally administered address, as the proxy's Bluetooth MAC.
PROXY_SOURCE = "02:00:00:0B:1E:01"
PROXY_NAME = "Demo Bluetooth proxy"
# How often the proxy hears each device; the devices take a new reading each second.
ADVERTISING_INTERVAL = timedelta(seconds=0.5)


class DemoProxy:
    """The scanner and the devices it hears, advanced on a timer."""

    def __init__(self, hass: HomeAssistant, devices: list[SimulatedDevice]) -> None:
        self.scanner = SimulatedProxyScanner(PROXY_SOURCE, PROXY_NAME, None, False)
        self.devices = devices
        self._unsubscribe = [async_register_scanner(hass, self.scanner), self.scanner.async_setup()]
        # Heard once before startup ends, so the devices are known when the demo adds them.
        self.tick()
        self._unsubscribe.append(async_track_time_interval(hass, self.tick, ADVERTISING_INTERVAL))

    @callback
    def tick(self, _: Any = None) -> None:
        step = ADVERTISING_INTERVAL.total_seconds()
        for device in self.devices:
            self.scanner.hear(device.advance(step))

    @callback
    def stop(self, _: Any = None) -> None:
        while self._unsubscribe:
            self._unsubscribe.pop()()


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the proxy and start forwarding; stop when Home Assistant stops.

    With ``day_seconds`` the solar charger, the shunt and the MultiPlus follow
    a day that long, in step with the demo's other simulators.
    """
    day_seconds = (config.get(DOMAIN) or {}).get("day_seconds")
    day = None if day_seconds is None else SimulatedDay.on_wall_clock(day_seconds, time.time())
    proxy = hass.data[DOMAIN] = DemoProxy(hass, demo_devices(day))
    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, proxy.stop)
    return True
