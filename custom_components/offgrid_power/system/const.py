"""Keys and defaults of the off-grid system entry.

The entry's data holds only ``family: system``; everything the user chooses
(the entities and the thresholds) lives in the options, so the options flow
and reconfigure edit one place.
"""

from typing import Final

# The battery: state of charge, voltage, power (or voltage and current), and an
# optional charger state whose "float"/"storage" means the battery is full.
CONF_BATTERY_SOC: Final = "battery_soc"
CONF_BATTERY_VOLTAGE: Final = "battery_voltage"
CONF_BATTERY_POWER: Final = "battery_power"
CONF_BATTERY_CURRENT: Final = "battery_current"
CONF_CHARGE_STATE: Final = "charge_state"
BATTERY_KEYS: Final = (
    CONF_BATTERY_SOC,
    CONF_BATTERY_VOLTAGE,
    CONF_BATTERY_POWER,
    CONF_BATTERY_CURRENT,
)

# The solar sources: a list of {"power": entity_id, "energy": entity_id | None}.
CONF_SOLAR_SOURCES: Final = "solar_sources"
CONF_SOURCE_POWER: Final = "power"
CONF_SOURCE_ENERGY: Final = "energy"
# The flow's first step picks the power sensors under this key.
CONF_SOLAR_POWER: Final = "solar_power"

# The loads.
CONF_AC_LOAD_POWER: Final = "ac_load_power"
CONF_DC_LOAD_POWER: Final = "dc_load_power"

# Thresholds (defaults in insights/thresholds.py).
CONF_PRODUCING_W: Final = "producing_threshold"
CONF_CHARGING_W: Final = "charging_threshold"
CONF_FULL_SOC: Final = "full_soc"

# Charger states that mean the battery is full.
FULL_CHARGE_STATES: Final = frozenset({"float", "storage"})

# The runtime's energy counters besides one per solar source (keyed by its source key).
BATTERY_IN: Final = "battery_in"
BATTERY_OUT: Final = "battery_out"
LOAD: Final = "load"

DEFAULT_TITLE: Final = "Off-grid system"

# Repair issue raised when a chosen battery entity no longer exists.
ISSUE_BATTERY_MISSING: Final = "system_battery_missing"
