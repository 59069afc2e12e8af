"""Mastervolt MasterBus (CAN 2.0B, 29-bit ids, 250 kbit/s), free of Home Assistant.

Modules, one job each:

- `ids`: the 29-bit id (class, metadata flag, IDAL, IDB);
- `values`: float32 values, NaN as None, packed dates, durations, commit token;
- `codec`: frames <-> typed messages; `matching`: which reply answers a request;
- `models`: identity, schema and field metadata; `cache`: the schema cache;
- `learner`: passive learning from other masters' traffic;
- `products`: the product catalogue and the fields that matter by default;
- `catalogue`: the strings of known device models (``string_catalogue.json``);
- `policy`: which fields a master polls and writes, and the commit-token rule;
- `session`: the async master (lifecycle, polling, online tracking, housekeeping),
  with `events` (its configuration and events), `discovery` (identity and schema
  reads), `menus` (the settings menus and the access-level rule) and `writes`
  (checks before a write, read-back after it);
- `reader`: frames from a python-can bus to the event loop, a failure once;
- `bridge`: the ESP32 UDP bridge format and its python-can bus;
- `usb_reports`: the HID reports of Mastervolt's USB interface; `usb_link`:
  its python-can bus over Linux hidraw, and finding it in sysfs;
- `transports`: open (and close) a python-can bus from (interface, channel, bitrate);
- `cli`: ``python -m custom_components.offgrid_power.protocol.masterbus``.
"""

from .cache import CacheEntry, SchemaCache
from .codec import AccessLevel, Menu
from .errors import (
    FrameError,
    MasterBusError,
    NotSupportedError,
    RequestTimeout,
    TransportError,
    WriteError,
)
from .events import ConnectionLost, DeviceUpdated, SessionConfig, SessionEvent, ValueUpdated
from .models import (
    Device,
    DeviceIdentity,
    DeviceSchema,
    FieldInfo,
    Group,
    LockedMenu,
    Visualisation,
)
from .policy import controls_allowed, needs_commit, poll_fields
from .products import (
    default_fields,
    offered,
    product_name,
    settings,
    shunt_energy_fields,
    solar_energy_field,
)
from .session import MasterBusSession
from .transports import Interface, TransportConfig, available_interfaces, close_bus, open_bus
from .usb_link import AUTO as USB_AUTO, UsbInterface, find_interfaces as find_usb_interfaces

__all__ = [
    "USB_AUTO",
    "AccessLevel",
    "CacheEntry",
    "ConnectionLost",
    "Device",
    "DeviceIdentity",
    "DeviceSchema",
    "DeviceUpdated",
    "FieldInfo",
    "FrameError",
    "Group",
    "Interface",
    "LockedMenu",
    "MasterBusError",
    "MasterBusSession",
    "Menu",
    "NotSupportedError",
    "RequestTimeout",
    "SchemaCache",
    "SessionConfig",
    "SessionEvent",
    "TransportConfig",
    "TransportError",
    "UsbInterface",
    "ValueUpdated",
    "Visualisation",
    "WriteError",
    "available_interfaces",
    "close_bus",
    "controls_allowed",
    "default_fields",
    "find_usb_interfaces",
    "needs_commit",
    "offered",
    "open_bus",
    "poll_fields",
    "product_name",
    "settings",
    "shunt_energy_fields",
    "solar_energy_field",
]
