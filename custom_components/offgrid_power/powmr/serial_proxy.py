"""ESPHome serial proxies, where the installed Home Assistant offers them.

Home Assistant 2026.5 added `SerialPortSelector`: a serial port picker that
lists local ports and the UARTs of ESPHome devices with `serial_proxy`, the
latter as `esphome-hass://` URLs that serialx opens (the library's
`rtu_stream` link). Older releases have neither, so the serial port stays a
text field and a proxy URL is refused with a message instead of probed.
"""

from __future__ import annotations

from typing import Any

from homeassistant.helpers import selector

from custom_components.offgrid_power.protocol.powmr import needs_serialx


def serial_proxies_supported() -> bool:
    """Whether this Home Assistant lists ESPHome serial proxies as serial ports."""
    return hasattr(selector, "SerialPortSelector")


def serial_port_selector() -> Any:
    """The picker of local ports and serial proxies where there is one, else a text field."""
    if serial_proxies_supported():
        return selector.SerialPortSelector()  # type: ignore[attr-defined]
    return selector.TextSelector()


def unsupported_serial_proxy(device: str) -> bool:
    """A serial proxy URL that this Home Assistant cannot open."""
    return needs_serialx(device) and not serial_proxies_supported()
