"""Victron Bluetooth advertisements: Instant Readout and VE.Smart Networking.

Pure library: no Home Assistant import. ``parse`` turns Home Assistant's
``manufacturer_data[0x02E1]`` into a ``VictronRecord`` or raises one
``VictronParseError`` subclass saying why not.
"""

from .errors import (
    CounterUnknownError,
    ImplausibleRecordError,
    IncompleteKeyError,
    InvalidKeyError,
    KeyRequiredError,
    TruncatedError,
    UnsupportedRecordError,
    VictronParseError,
    WrongKeyError,
)
from .fields import FieldKind, FieldSpec, FieldValue, RecordLayout
from .instant_readout import (
    PRODUCT_ADVERTISEMENT,
    VICTRON_COMPANY_ID,
    AdvertisementHeader,
    VictronRecord,
    build_advertisement,
    implausible_fields,
    parse,
    peek_header,
    reading_nonce,
    verify_key,
)
from .keys import normalize_key, normalize_network_id
from .products import product_name
from .records import LAYOUTS, RECORD_NAMES
from .ve_smart import (
    REGISTERS as NETWORK_REGISTERS,
    NetworkMessage,
    OverflowCounter,
    VeSmartNetwork,
    is_network_packet,
)

__all__ = [
    "LAYOUTS",
    "NETWORK_REGISTERS",
    "PRODUCT_ADVERTISEMENT",
    "RECORD_NAMES",
    "VICTRON_COMPANY_ID",
    "AdvertisementHeader",
    "CounterUnknownError",
    "FieldKind",
    "FieldSpec",
    "FieldValue",
    "ImplausibleRecordError",
    "IncompleteKeyError",
    "InvalidKeyError",
    "KeyRequiredError",
    "NetworkMessage",
    "OverflowCounter",
    "RecordLayout",
    "TruncatedError",
    "UnsupportedRecordError",
    "VeSmartNetwork",
    "VictronParseError",
    "VictronRecord",
    "WrongKeyError",
    "build_advertisement",
    "implausible_fields",
    "is_network_packet",
    "normalize_key",
    "normalize_network_id",
    "parse",
    "peek_header",
    "product_name",
    "reading_nonce",
    "verify_key",
]
