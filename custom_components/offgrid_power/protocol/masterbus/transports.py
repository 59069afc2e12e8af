"""Open a python-can bus for MasterBus from (interface, channel, bitrate).

Supported: ``socketcan`` (a configured kernel interface such as ``can0``; its
bitrate is set with ``ip link``, not here), ``slcan`` (a tty such as
``/dev/ttyACM0@115200``, or ``socket://host:port`` for a Lawicel TCP bridge),
``gs_usb`` (candleLight/CANable via libusb, channel = device index),
``bridge`` (the ESP32 UDP bridge, channel = ``host[:port]``, see `bridge`) and
``mastervolt_usb`` (Mastervolt's USB interface on Linux hidraw, channel =
``auto`` or ``/dev/hidrawN``, see `usb_link`).
Opening and closing block (serial settle time, USB), so call `open_bus` and
`close_bus` in an executor.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from enum import StrEnum
import importlib.util
import logging
import sys

import can

from ..redact import mask_address_in, safe_address
from .bridge import HOST_PORT, BridgeBus, parse_endpoint
from .errors import TransportError
from .slcan import TolerantSlcanBus
from .usb_link import UsbLinkBus

_LOGGER = logging.getLogger(__name__)

MASTERBUS_BITRATE = 250_000
# MasterBus uses 29-bit ids only; standard frames are someone else's traffic.
EXTENDED_ONLY: can.typechecking.CanFilters = [{"can_id": 0, "can_mask": 0, "extended": True}]


class Interface(StrEnum):
    """The kinds of CAN access the integration offers."""

    SOCKETCAN = "socketcan"
    SLCAN = "slcan"
    GS_USB = "gs_usb"
    BRIDGE = "bridge"
    MASTERVOLT_USB = "mastervolt_usb"


@dataclass(frozen=True, slots=True, repr=False)
class TransportConfig:
    """Where the bus is."""

    interface: Interface
    channel: str
    bitrate: int = MASTERBUS_BITRATE
    # Bridge only: where the host listens for the bridge's datagrams.
    listen: str = f"0.0.0.0:{HOST_PORT}"

    def __repr__(self) -> str:
        # A channel URL may carry credentials (socket://user:password@host): shown masked.
        return f"TransportConfig({self.interface}:{safe_address(self.channel)} @ {self.bitrate})"


def available_interfaces() -> tuple[Interface, ...]:
    """Interfaces whose Python dependencies (or operating system) are here."""
    needs = {Interface.SLCAN: "serial", Interface.GS_USB: "usb"}
    return tuple(
        kind
        for kind in Interface
        if (kind not in needs or importlib.util.find_spec(needs[kind]) is not None)
        and (kind is not Interface.MASTERVOLT_USB or sys.platform == "linux")  # hidraw
    )


def open_bus(config: TransportConfig) -> can.BusABC:
    """Open the bus (blocking); raise `TransportError` when it cannot be opened."""
    if config.interface not in available_interfaces():
        raise TransportError(f"{config.interface} needs a Python package that is not installed")
    try:
        match config.interface:
            case Interface.BRIDGE:
                host, port = parse_endpoint(config.listen, HOST_PORT, listening=True)
                return BridgeBus(config.channel, port, host, can_filters=EXTENDED_ONLY)
            case Interface.MASTERVOLT_USB:
                return UsbLinkBus(config.channel, can_filters=EXTENDED_ONLY)
            case Interface.SLCAN:
                # A TCP bridge needs no settle time; a USB serial adapter does.
                settle = 0.0 if "://" in config.channel else 2.0
                return TolerantSlcanBus(
                    channel=config.channel,
                    bitrate=config.bitrate,
                    sleep_after_open=settle,
                    can_filters=EXTENDED_ONLY,
                )
            case Interface.GS_USB:
                index = int(config.channel or 0)
                return can.Bus(
                    interface="gs_usb",
                    channel=index,
                    index=index,
                    bitrate=config.bitrate,
                    can_filters=EXTENDED_ONLY,
                )
            case Interface.SOCKETCAN:
                return can.Bus(
                    interface="socketcan", channel=config.channel, can_filters=EXTENDED_ONLY
                )
    except (can.CanError, OSError, ValueError) as err:
        raise TransportError(
            f"cannot open {config.interface} {safe_address(config.channel)}: "
            + mask_address_in(str(err), config.channel)
        ) from err
    raise TransportError(f"unknown interface {config.interface}")


def close_bus(bus: can.BusABC) -> None:
    """Shut a bus down (blocking), also one whose link already failed.

    python-can's slcan bus says goodbye (``C``) before it closes its port; on a
    dead link that write fails and the port would stay open, so it is closed
    here.
    """
    try:
        bus.shutdown()
    except (can.CanError, OSError) as err:
        _LOGGER.debug("Closing %s: %s", bus.channel_info, err)
        port = getattr(bus, "serialPortOrig", None)
        if port is not None:
            with contextlib.suppress(Exception):
                port.close()
