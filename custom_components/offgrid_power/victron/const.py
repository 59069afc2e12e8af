"""Constants of the Victron family."""

from typing import Final

CONF_KEY: Final = "key"
