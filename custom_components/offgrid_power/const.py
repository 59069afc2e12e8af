"""Constants shared by every family of Off-Grid Power."""

from enum import StrEnum
import logging
from typing import Final

DOMAIN: Final = "offgrid_power"
LOGGER = logging.getLogger(__package__)

# Config entry schema. Minor 2: a PowMr entry's unique id holds no credential.
ENTRY_VERSION: Final = 1
ENTRY_MINOR_VERSION: Final = 2

CONF_FAMILY: Final = "family"
# The off-grid system entry is stored under CONF_FAMILY too, so setup picks its
# runtime the same way; it is not a device family and owns no link.
SYSTEM_KIND: Final = "system"

# Options every polled family (PowMr, MasterBus) offers under the same names.
CONF_SCAN_INTERVAL: Final = "scan_interval"
CONF_ENABLE_WRITES: Final = "enable_writes"
DEFAULT_SCAN_INTERVAL: Final = 10


class Family(StrEnum):
    """The device families, one config entry type each."""

    POWMR = "powmr"
    VICTRON = "victron"
    MASTERBUS = "masterbus"
