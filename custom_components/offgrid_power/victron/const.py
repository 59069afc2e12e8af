"""Constants of the Victron family."""

from datetime import timedelta
from typing import Final

CONF_KEY: Final = "key"
# VE.Smart Networking (options): the network's 2-byte id and 16-byte key, as hex.
CONF_NETWORK_ID: Final = "network_id"
CONF_NETWORK_KEY: Final = "network_key"

# Victron devices advertise several times a second; a proxy cannot tell when one
# leaves, so without this Home Assistant would wait 15 minutes before marking it gone.
FALLBACK_AVAILABILITY_SECONDS: Final = 120.0
# An integrated counter holds the last power between advertisements that repeat
# the same data, and never bridges more than this without a sample.
ENERGY_HOLD_INTERVAL: Final = timedelta(seconds=30)
ENERGY_MAX_STEP_SECONDS: Final = 90.0
# States in whole Wh: a new state every second for a few mWh would only load
# the recorder; the counter itself keeps full precision (and restores it).
ENERGY_STATE_DECIMALS: Final = 3
# Bounds how fast a yield-today counter can plausibly grow (kW).
MAX_SOLAR_POWER_KW: Final = 50.0
# Recorder load (see write_policy): a change that shows is written at most this
# often, well within FALLBACK_AVAILABILITY_SECONDS; an energy total less often.
STATE_MIN_INTERVAL: Final = 10.0
ENERGY_MIN_INTERVAL: Final = 60.0
