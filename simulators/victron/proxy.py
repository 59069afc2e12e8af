"""A simulated ESPHome Bluetooth proxy inside Home Assistant: a remote scanner fed by simulated devices.

This is what Home Assistant's ESPHome integration registers for a real proxy
(a ``BaseHaRemoteScanner``), minus the network link: advertisements enter
Home Assistant's Bluetooth manager exactly where a proxy's would. Used by the
demo and the event-loop benchmark; it needs Home Assistant, the rest of this
package does not.
"""

from __future__ import annotations

from homeassistant.components.bluetooth import MONOTONIC_TIME, BaseHaRemoteScanner
from homeassistant.core import callback

from custom_components.offgrid_power.protocol.victron import VICTRON_COMPANY_ID

from .devices import Advertisement


class SimulatedProxyScanner(BaseHaRemoteScanner):
    """Forwards simulated advertisements as a proxy's raw-advertisement batch would.

    Construct it as Home Assistant's remote scanners are: ``(source, name,
    connector, connectable)``; a passive proxy is not connectable.
    """

    @callback
    def hear(self, advertisement: Advertisement) -> None:
        self._async_on_advertisement(
            advertisement.address,
            advertisement.rssi,
            advertisement.name,
            [],
            {},
            {VICTRON_COMPANY_ID: advertisement.data},
            None,
            {},
            MONOTONIC_TIME(),
        )
