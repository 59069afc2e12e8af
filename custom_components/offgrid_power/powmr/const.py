"""Config keys and defaults of the PowMr family."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from custom_components.offgrid_power.const import (
    CONF_ENABLE_WRITES as CONF_ENABLE_WRITES,
    CONF_SCAN_INTERVAL as CONF_SCAN_INTERVAL,
    DEFAULT_SCAN_INTERVAL as DEFAULT_SCAN_INTERVAL,
)

CONF_TRANSPORT: Final = "transport"
CONF_PROTOCOL: Final = "protocol"
CONF_DETECTED_PROTOCOL: Final = "detected_protocol"
CONF_UNIT_ID: Final = "unit_id"
CONF_BAUDRATE: Final = "baudrate"
CONF_REPLY_PORT: Final = "reply_port"
# The instance name an ESP32 dongle announces over mDNS; follows it across address changes.
CONF_MDNS_NAME: Final = "mdns_name"
# The MQTT topic prefix a bridge publishes under (``/powmr`` for the dongle).
CONF_TOPIC_PREFIX: Final = "topic_prefix"

CONF_CHARGER_PRIORITY_VARIANT: Final = "charger_priority_variant"
CONF_BATTERY_CAPACITY: Final = "battery_capacity_wh"
CONF_SOC_EMPTY_VOLTAGE: Final = "soc_empty_voltage"
CONF_SOC_FULL_VOLTAGE: Final = "soc_full_voltage"

MIN_SCAN_INTERVAL: Final = 5
MAX_SCAN_INTERVAL: Final = 300
DEFAULT_CHARGER_PRIORITY_VARIANT: Final = "1"
DEFAULT_BATTERY_CAPACITY: Final = 2560
PROTOCOL_AUTO: Final = "auto"

# The energy counters never bridge more than this many poll intervals.
MAX_STEP_POLLS: Final = 3


class Transport(StrEnum):
    """How Home Assistant reaches the inverter."""

    SERIAL = "serial"
    RTU_OVER_TCP = "rtu_over_tcp"
    RTU_OVER_UDP = "rtu_over_udp"
    MODBUS_TCP = "modbus_tcp"
    DONGLE_HTTP = "dongle_http"
    MQTT = "mqtt"


DEFAULT_PORTS: Final = {
    Transport.RTU_OVER_TCP: 8899,
    Transport.RTU_OVER_UDP: 8899,
    Transport.MODBUS_TCP: 502,
    Transport.DONGLE_HTTP: 80,
}

# Connection keys, named as Home Assistant names them.
CONF_HOST: Final = "host"
CONF_PORT: Final = "port"
CONF_DEVICE: Final = "device"
