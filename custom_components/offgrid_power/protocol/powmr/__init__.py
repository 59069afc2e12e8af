"""PowMr inverters: register maps, codec, Modbus client and ESP32-dongle client.

Pure library: no Home Assistant imports. The coordinator uses `PowmrClient`
or `DongleClient` to get a `PowmrSnapshot` (typed `PowmrReadings` and the wire
words behind them) and `DerivedCalculator` for the
values the registers do not carry.
"""

from ..redact import safe_address
from .blocks import block_views
from .client import PowmrClient
from .codec import PowmrSnapshot, checked_snapshot, decode
from .derived import BatteryProfile, DerivedCalculator, DerivedValues, nominal_battery_voltage
from .dongle import DongleClient, parse_status
from .errors import (
    PowmrConnectionError,
    PowmrError,
    PowmrExceptionResponse,
    PowmrFrameError,
    PowmrInvalidDataError,
    PowmrPortInUseError,
    PowmrSettingError,
    PowmrTimeoutError,
    PowmrWriteNotConfirmedError,
)
from .grid import grid_import_power
from .mqtt import (
    DISCOVERY_SUFFIXES,
    DONGLE_PREFIX,
    STALE_AFTER_S,
    MqttCollector,
    discovered_prefix,
    normalize_prefix,
)
from .read_plan import PlanState
from .readings import PowmrReadings, Value, number
from .registers import (
    AC_INPUT_RANGE_A,
    AC_INPUT_RANGE_SMG,
    BATTERY_TYPE_A,
    BATTERY_TYPE_SMG,
    BUZZER_MODE_SMG,
    CHARGER_PRIORITY_SMG,
    CHARGER_PRIORITY_VARIANT_1,
    CHARGER_PRIORITY_VARIANT_2,
    CHARGER_STATUS_A,
    FAMILY_A,
    OPERATING_MODE_A,
    OUTPUT_FREQUENCY_A,
    OUTPUT_MODE_SMG,
    OUTPUT_PRIORITY_A,
    OUTPUT_PRIORITY_SMG,
    SMG_II,
    TURN_ON_MODE_SMG,
    WORKING_MODE_SMG,
    Command,
    PowmrFamily,
    RegisterMap,
    Setting,
    register_map,
)
from .rtu_stream import needs_serialx
from .transport import TransportConfig, TransportKind

__all__ = [
    "AC_INPUT_RANGE_A",
    "AC_INPUT_RANGE_SMG",
    "BATTERY_TYPE_A",
    "BATTERY_TYPE_SMG",
    "BUZZER_MODE_SMG",
    "CHARGER_PRIORITY_SMG",
    "CHARGER_PRIORITY_VARIANT_1",
    "CHARGER_PRIORITY_VARIANT_2",
    "CHARGER_STATUS_A",
    "DISCOVERY_SUFFIXES",
    "DONGLE_PREFIX",
    "FAMILY_A",
    "OPERATING_MODE_A",
    "OUTPUT_FREQUENCY_A",
    "OUTPUT_MODE_SMG",
    "OUTPUT_PRIORITY_A",
    "OUTPUT_PRIORITY_SMG",
    "SMG_II",
    "STALE_AFTER_S",
    "TURN_ON_MODE_SMG",
    "WORKING_MODE_SMG",
    "BatteryProfile",
    "Command",
    "DerivedCalculator",
    "DerivedValues",
    "DongleClient",
    "MqttCollector",
    "PlanState",
    "PowmrClient",
    "PowmrConnectionError",
    "PowmrError",
    "PowmrExceptionResponse",
    "PowmrFamily",
    "PowmrFrameError",
    "PowmrInvalidDataError",
    "PowmrPortInUseError",
    "PowmrReadings",
    "PowmrSettingError",
    "PowmrSnapshot",
    "PowmrTimeoutError",
    "PowmrWriteNotConfirmedError",
    "RegisterMap",
    "Setting",
    "TransportConfig",
    "TransportKind",
    "Value",
    "block_views",
    "checked_snapshot",
    "decode",
    "discovered_prefix",
    "grid_import_power",
    "needs_serialx",
    "nominal_battery_voltage",
    "normalize_prefix",
    "number",
    "parse_status",
    "register_map",
    "safe_address",
]
