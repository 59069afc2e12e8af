"""Constants of the Victron family."""

from typing import Final

CONF_KEY: Final = "key"
# VE.Smart Networking (options): the network's 2-byte id and 16-byte key, as hex.
CONF_NETWORK_ID: Final = "network_id"
CONF_NETWORK_KEY: Final = "network_key"
