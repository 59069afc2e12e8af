"""PowMr inverters: register maps, codec, Modbus client and ESP32-dongle client.

Pure library: no Home Assistant imports. The coordinator uses `PowmrClient`
or `DongleClient` to get a `PowmrSnapshot` and `DerivedCalculator` for the
values the registers do not carry.
"""

from .client import PowmrClient
from .codec import PowmrSnapshot, Value, decode
from .derived import BatteryProfile, DerivedCalculator, DerivedValues
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
from .read_plan import PlanState
from .registers import FAMILY_A, SMG_II, PowmrFamily, RegisterMap, Setting, register_map
from .transport import TransportConfig, TransportKind

__all__ = [
    "FAMILY_A",
    "SMG_II",
    "BatteryProfile",
    "DerivedCalculator",
    "DerivedValues",
    "DongleClient",
    "PlanState",
    "PowmrClient",
    "PowmrConnectionError",
    "PowmrError",
    "PowmrExceptionResponse",
    "PowmrFamily",
    "PowmrFrameError",
    "PowmrInvalidDataError",
    "PowmrPortInUseError",
    "PowmrSettingError",
    "PowmrSnapshot",
    "PowmrTimeoutError",
    "PowmrWriteNotConfirmedError",
    "RegisterMap",
    "Setting",
    "TransportConfig",
    "TransportKind",
    "Value",
    "decode",
    "parse_status",
    "register_map",
]
