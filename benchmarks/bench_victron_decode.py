"""Victron Instant Readout decoding: ours against the parsers HA core and the HACS component use.

Peers, measured in the same run on the same advertisements:

- ``victron-ble-ha-parser`` (rajlaud), what Home Assistant core's ``victron_ble``
  calls for every advertisement: ``VictronBluetoothDeviceData(key).update(info)``,
  which decodes and fills the sensor update core turns into entities;
- ``victron-ble`` (keshavdv), the parser under it and under the HACS component:
  parse plus every getter, as an integration calls them.

Ours is ``parse(data, key)``: header, decryption and every field of the record,
with enum names, flag sets and "not available" resolved.

Two figures per peer: the time to decode one reference-vector advertisement,
and the share of real-but-unusual advertisements (states, error codes and flag
combinations devices do send) that decode at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from custom_components.offgrid_power.protocol.victron import (
    LAYOUTS,
    VICTRON_COMPANY_ID,
    build_advertisement,
    parse,
)
from simulators.victron.vectors import BATTERY_SENSE, REFERENCE_VECTORS

from .harness import BenchRecord, best_of

HA_PARSER = "victron-ble-ha-parser 0.4.9"
VICTRON_BLE = "victron-ble 0.9.2"
# Every keyed reference vector the peers decode too (victron-ble-ha-parser
# ignores the Smart Battery Sense); ours decodes it as well.
VECTORS = [
    (vector.advertisement, vector.key)
    for vector in REFERENCE_VECTORS
    if vector is not BATTERY_SENSE
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
DECODES_PER_RUN = 600
# Ours must decode at least three times as fast as what HA core uses.
HA_PARSER_TARGET = 1 / 3

type Decoder = Callable[[bytes, bytes], object]


async def run() -> list[BenchRecord]:
    unusual = [
        (build_advertisement(kind, LAYOUTS[kind].encode(raw), KEY, product_id=pid, nonce=1), KEY)
        for kind, pid, raw in UNUSUAL
    ]
    peers: list[tuple[str, Callable[[], Decoder | None], float]] = [
        (HA_PARSER, _ha_parser_decoder, HA_PARSER_TARGET),
        (VICTRON_BLE, _victron_ble_decoder, 1.0),
    ]
    records: list[BenchRecord] = []
    ours = _microseconds(VECTORS, _ours)
    for peer_name, make_peer, target in peers:
        peer = make_peer()
        records.append(
            BenchRecord(
                name="victron_decode_time",
                unit="µs per advertisement",
                ours=ours,
                peer=_microseconds(VECTORS, peer) if peer else None,
                peer_name=peer_name,
                target=target,
            )
        )
    for peer_name, make_peer, _ in peers:
        records.append(
            BenchRecord(
                name="victron_unusual_states_decoded",
                unit="% of advertisements",
                ours=_decoded_share(unusual, lambda: _ours),
                peer=_decoded_share(unusual, make_peer) if make_peer() else None,
                peer_name=peer_name,
                target=1.0,
                better="higher",
            )
        )
    return records


def _ours(data: bytes, key: bytes) -> object:
    return parse(data, key).values


def _ha_parser_decoder() -> Decoder | None:
    """What HA core's coordinator calls per advertisement; None if not installed.

    One parser object per device (product and key), as core keeps one per
    config entry: the parser keeps values between updates. An update that
    yields nothing but signal strength is a failure to decode.
    """
    try:
        from home_assistant_bluetooth import BluetoothServiceInfo
        from victron_ble_ha_parser import VictronBluetoothDeviceData
    except ImportError:
        return None
    parsers: dict[bytes, Any] = {}
    infos: dict[bytes, BluetoothServiceInfo] = {}

    def decode(data: bytes, key: bytes) -> object:
        device = data[2:4] + key
        parser = parsers.get(device)
        if parser is None:
            parser = parsers[device] = VictronBluetoothDeviceData(key.hex())
        info = infos.get(data)
        if info is None:
            info = infos[data] = BluetoothServiceInfo(
                name="Victron device",
                address="C0:DE:00:00:00:01",
                rssi=-60,
                manufacturer_data={VICTRON_COMPANY_ID: data},
                service_data={},
                service_uuids=[],
                source="local",
            )
        update = parser.update(info)
        if len(update.entity_values) <= 1:
            raise ValueError("victron-ble-ha-parser decoded nothing but signal strength")
        return update

    return decode


def _victron_ble_decoder() -> Decoder | None:
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
    rounds = DECODES_PER_RUN // len(adverts)

    def batch() -> None:
        for _ in range(rounds):
            for data, key in adverts:
                decode(data, key)

    return best_of(5, batch) / (rounds * len(adverts)) * 1e6


def _decoded_share(
    adverts: list[tuple[bytes, bytes]], make_decoder: Callable[[], Decoder | None]
) -> float:
    """Each advertisement as the first a new device sends, so none inherits another's values."""
    decoded = 0
    for data, key in adverts:
        decode = make_decoder()
        assert decode is not None
        try:
            decode(data, key)
        except Exception:  # any failure, documented or not, is what this figure counts
            continue
        decoded += 1
    return 100 * decoded / len(adverts)
