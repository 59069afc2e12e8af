"""Mastervolt MasterBus (CAN 2.0B, 29-bit ids, 250 kbit/s), free of Home Assistant.

Modules, one job each:

- `ids`: the 29-bit id (class, metadata flag, IDAL, IDB);
- `values`: float32 values, NaN as None, packed dates, durations, commit token;
- `codec`: frames <-> typed messages; `matching`: which reply answers a request;
- `models`: identity, schema and field metadata; `cache`: the schema cache;
- `learner`: passive learning from other masters' traffic;
- `session`: the async master (discovery, polling, writes, online tracking);
- `reader`: frames from a python-can bus to the event loop, a failure once;
- `bridge`: the ESP32 UDP bridge format and its python-can bus;
- `transports`: open (and close) a python-can bus from (interface, channel, bitrate);
- `cli`: ``python -m custom_components.offgrid_power.protocol.masterbus``.
"""

from .cache import CacheEntry, SchemaCache
from .errors import (
    FrameError,
    MasterBusError,
    NotSupportedError,
    RequestTimeout,
    TransportError,
    WriteError,
)
from .models import Device, DeviceIdentity, DeviceSchema, FieldInfo, Group, Visualisation
from .session import (
    ConnectionLost,
    DeviceUpdated,
    MasterBusSession,
    SessionConfig,
    SessionEvent,
    ValueUpdated,
)
from .transports import Interface, TransportConfig, available_interfaces, close_bus, open_bus

__all__ = [
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
    "MasterBusError",
    "MasterBusSession",
    "NotSupportedError",
    "RequestTimeout",
    "SchemaCache",
    "SessionConfig",
    "SessionEvent",
    "TransportConfig",
    "TransportError",
    "ValueUpdated",
    "Visualisation",
    "WriteError",
    "available_interfaces",
    "close_bus",
    "open_bus",
]
