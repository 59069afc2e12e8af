"""Victron Instant Readout decoding, ours against victron-ble.

victron-ble (keshavdv) is the parser under Home Assistant core's
``victron_ble`` and the HACS component. Two figures: the time to decode one
advertisement, and the share of real-but-unusual advertisements (states,
error codes and flag combinations devices do send) that decode at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from custom_components.offgrid_power.protocol.victron import (
    LAYOUTS,
    build_advertisement,
    parse,
)

from .harness import BenchRecord, best_of

PEER = "victron-ble 0.9"
# Public test vectors: solar charger, SmartShunt, MultiPlus (VE.Bus).
VECTORS = [
    ("100242a0016207adceb37b605d7e0ee21b24df5c", "adeccb947395801a4dd45a2eaa44bf17"),
    ("100289a302b040af925d09a4d89aa0128bdef48c6298a9", "aff4d0995b7d1e176c0c33ecb9e70dcd"),
    ("100380270c1252dad26f0b8eb39162074d140df410", "da3f5fa2860cb1cf86ba7a6d1d16b9dd"),
]
KEY = bytes(range(16))
# (record type, product id, raw fields) that crash or drop Enum-based parsers.
UNUSUAL = [
    (0x01, 0xA057, {"device_state": 0xF4}),  # sustain
    (0x01, 0xA057, {"device_state": 0xF7, "charger_error": 0x74}),
    (0x04, 0xA3C0, {"off_reason": 0x88}),  # engine shutdown + remote input
    (0x04, 0xA3C0, {"device_state": 0xFA, "off_reason": 0x41}),
    (0x09, 0xA3B0, {"device_state": 0xF9, "alarm_reason": 0x2001, "off_reason": 0x81}),
    (0x0B, 0xA442, {"device_state": 0xF4}),
    (0x0C, 0x2780, {"device_state": 10}),  # assisting
    (0x0C, 0x2780, {"device_state": 8}),  # pass-thru
    (0x0D, 0xA389, {"monitor_mode": -7 & 0xFFFF}),  # shaft generator
    (0x0A, 0xA3E5, {"error": 201}),
]
DECODES_PER_RUN = 300


async def run() -> list[BenchRecord]:
    adverts = [(bytes.fromhex(data), bytes.fromhex(key)) for data, key in VECTORS]
    unusual = [
        (build_advertisement(kind, LAYOUTS[kind].encode(raw), KEY, product_id=pid, nonce=1), KEY)
        for kind, pid, raw in UNUSUAL
    ]
    peer = _peer_decoder()
    return [
        BenchRecord(
            name="victron_decode_time",
            unit="µs per advertisement",
            ours=_microseconds(adverts, _ours),
            peer=_microseconds(adverts, peer) if peer else None,
            peer_name=PEER,
            target=1.0,
        ),
        BenchRecord(
            name="victron_unusual_states_decoded",
            unit="% of advertisements",
            ours=_decoded_share(unusual, _ours),
            peer=_decoded_share(unusual, peer) if peer else None,
            peer_name=PEER,
            target=1.0,
            better="higher",
        ),
    ]


type Decoder = Callable[[bytes, bytes], object]


def _ours(data: bytes, key: bytes) -> object:
    return parse(data, key).values


def _peer_decoder() -> Decoder | None:
    """victron-ble's parse plus every getter, as an integration calls them; None if absent."""
    try:
        from victron_ble.devices import detect_device_type
    except ImportError:
        return None

    def decode(data: bytes, key: bytes) -> object:
        parser_class = detect_device_type(data)
        if parser_class is None:
            raise ValueError("victron-ble does not know this record type")
        parsed: Any = parser_class(key.hex()).parse(data)
        return [getattr(parsed, name)() for name in dir(parsed) if name.startswith("get_")]

    return decode


def _microseconds(adverts: list[tuple[bytes, bytes]], decode: Decoder) -> float:
    def batch() -> None:
        for _ in range(DECODES_PER_RUN // len(adverts)):
            for data, key in adverts:
                decode(data, key)

    return best_of(5, batch) / DECODES_PER_RUN * 1e6


def _decoded_share(adverts: list[tuple[bytes, bytes]], decode: Decoder) -> float:
    decoded = 0
    for data, key in adverts:
        try:
            decode(data, key)
        except Exception:  # any failure, documented or not, is what this figure counts
            continue
        decoded += 1
    return 100 * decoded / len(adverts)
