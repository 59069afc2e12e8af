"""Constants shared by every family of Off-Grid Power."""

from enum import StrEnum
import logging
from typing import Final

DOMAIN: Final = "offgrid_power"
LOGGER = logging.getLogger(__package__)

CONF_FAMILY: Final = "family"


class Family(StrEnum):
    """The device families, one config entry type each."""

    POWMR = "powmr"
    VICTRON = "victron"
    MASTERBUS = "masterbus"
