"""Settings and defaults of a MasterBus entry."""

from __future__ import annotations

from typing import Final

from custom_components.offgrid_power.const import (
    CONF_ENABLE_WRITES as CONF_ENABLE_WRITES,
    CONF_SCAN_INTERVAL as CONF_SCAN_INTERVAL,
    DEFAULT_SCAN_INTERVAL as DEFAULT_SCAN_INTERVAL,
)
from custom_components.offgrid_power.protocol.masterbus import SessionConfig

CONF_INTERFACE: Final = "interface"
CONF_CHANNEL: Final = "channel"
CONF_BITRATE: Final = "bitrate"
CONF_LISTEN: Final = "listen"
CONF_FIELDS: Final = "fields"
CONF_LISTEN_ONLY: Final = "listen_only"
# An installer access code the user typed (never one of ours): a secret.
CONF_ACCESS_CODE: Final = "access_code"

DEFAULT_BITRATE: Final = 250_000
MIN_SCAN_INTERVAL: Final = 2
MAX_SCAN_INTERVAL: Final = 3600
DEFAULT_BRIDGE_LISTEN: Final = "0.0.0.0:47811"

# Protocol timing (the library's defaults follow real masters); tests shorten it.
SESSION_DEFAULTS = SessionConfig()
# The config flow listens until no new device showed up for DISCOVERY_QUIET
# seconds, and gives up after DISCOVERY_LIMIT seconds.
DISCOVERY_QUIET = 3.0
DISCOVERY_LIMIT = 60.0
# At setup, how long to wait for the devices chosen in the flow to announce.
STARTUP_WAIT = 15.0
# Reconnect back-off after the interface failed (seconds, doubled per failure).
RECONNECT_MIN = 5.0
RECONNECT_MAX = 300.0
