"""The public Instant Readout test vectors that come with their keys.

Advertisements are Home Assistant's ``manufacturer_data[0x02E1]`` (company id
stripped); keys are the test keys published with them (reference §1.10,
from keshavdv/victron-ble's tests).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReferenceVector:
    label: str
    advertisement: bytes
    key: bytes


def _vector(label: str, advertisement: str, key: str) -> ReferenceVector:
    return ReferenceVector(label, bytes.fromhex(advertisement), bytes.fromhex(key))


_VEBUS_KEY = "da3f5fa2860cb1cf86ba7a6d1d16b9dd"

SOLAR_CHARGER = _vector(
    "V1", "100242a0016207adceb37b605d7e0ee21b24df5c", "adeccb947395801a4dd45a2eaa44bf17"
)
SMART_SHUNT = _vector(
    "V2", "100289a302b040af925d09a4d89aa0128bdef48c6298a9", "aff4d0995b7d1e176c0c33ecb9e70dcd"
)
BATTERY_SENSE = _vector(
    "V3", "1000a4a3025f150d8dcbff517f30eb65e76b22a04ac4e1", "0da694539597f9cf6c613cde60d7bf05"
)
ORION_SMART = _vector(
    "V4", "1000c0a304121d64ca8d442b90bbdf6a8cba", "64ba49f1a8562e45197a8e1fe50d7658"
)
VEBUS_FLOAT = _vector("V5", "100380270c1252dad26f0b8eb39162074d140df410", _VEBUS_KEY)
VEBUS_INVERTING = _vector("V6", "100380270ce1b2dabd34912a6ecec963899227a220", _VEBUS_KEY)
VEBUS_OFF = _vector("V7", "100380270c65b8dad9dd594c7f57d1de9e27a3e2ab", _VEBUS_KEY)

REFERENCE_VECTORS: tuple[ReferenceVector, ...] = (
    SOLAR_CHARGER,
    SMART_SHUNT,
    BATTERY_SENSE,
    ORION_SMART,
    VEBUS_FLOAT,
    VEBUS_INVERTING,
    VEBUS_OFF,
)
