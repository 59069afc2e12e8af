"""Turning Victron advertisements into decoded readings.

The ``PassiveBluetoothProcessorCoordinator`` calls :class:`AdvertisementDecoder`
for every advertisement Home Assistant's Bluetooth stack delivers (local
adapter or ESPHome proxy). The decoder never raises: an exception there would
mark every entity unavailable. It drops repeated nonces (the device sends the
same data again), counts parse errors by kind for diagnostics, and reports a
rejected key only after several advertisements in a row refused it. What the
processors make of a decoded reading is in ``feed``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
import re
from typing import Any

from homeassistant.components.bluetooth import BluetoothServiceInfoBleak

from custom_components.offgrid_power.protocol.victron import (
    VICTRON_COMPANY_ID,
    AdvertisementHeader,
    FieldKind,
    FieldValue,
    NetworkMessage,
    VeSmartNetwork,
    VictronParseError,
    VictronRecord,
    WrongKeyError,
    implausible_fields,
    is_network_packet,
    parse,
    peek_header,
    reading_nonce,
)
from custom_components.offgrid_power.update_guard import FailureStreak

# Consecutive advertisements the key must fail on before Home Assistant asks for a new one.
KEY_REJECTIONS_BEFORE_REAUTH = 5


@dataclass(frozen=True, slots=True)
class VictronUpdate:
    """What one advertisement brought: a new record, VE.Smart network values, or only its signal strength."""

    header: AdvertisementHeader | None
    record: VictronRecord | None
    rssi: int | None
    network: Mapping[str, FieldValue] | None = None


def _error_kind(err: VictronParseError) -> str:
    """``WrongKeyError`` -> ``wrong_key``: the kind as diagnostics show it."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(err).__name__.removesuffix("Error")).lower()


@dataclass
class AdvertisementDecoder:
    """The coordinator's update method, with the state diagnostics report."""

    key: bytes = field(repr=False)  # never in a log or traceback
    on_key_rejected: Callable[[], None]
    network: VeSmartNetwork | None = None
    errors: Counter[str] = field(default_factory=Counter)
    advertisements: int = 0
    repeated: int = 0
    key_rejections: int = 0
    last_advertisement: bytes | None = None
    last_record: VictronRecord | None = None
    network_packets: int = 0
    last_network_message: NetworkMessage | None = None
    _last_nonce: bytes | None = None
    _last_time: float | None = None
    _interval_sum: float = 0.0
    _interval_count: int = 0
    _streak: FailureStreak = field(default_factory=lambda: FailureStreak("Victron decoder"))

    def __call__(self, service_info: BluetoothServiceInfoBleak) -> VictronUpdate:
        """Decode one advertisement; whatever goes wrong costs this one update only."""
        try:
            update = self._update(service_info)
        except Exception as err:
            self.errors["unexpected"] += 1
            self._streak.failed(err)
            return VictronUpdate(None, None, service_info.rssi)
        self._streak.succeeded()
        return update

    def _update(self, service_info: BluetoothServiceInfoBleak) -> VictronUpdate:
        data = service_info.manufacturer_data.get(VICTRON_COMPANY_ID)
        if data is None:
            self.errors["no_victron_data"] += 1
            return VictronUpdate(None, None, service_info.rssi)
        self.advertisements += 1
        self._note_time(service_info.time)
        if is_network_packet(data):
            return VictronUpdate(None, None, service_info.rssi, self._open_network_packet(data))
        self.last_advertisement = data
        nonce = reading_nonce(data)
        if nonce == self._last_nonce:
            # Same reading again (the nonce counts readings), e.g. via another proxy.
            self.repeated += 1
            return VictronUpdate(None, None, service_info.rssi)
        record = self._decode(data)
        if record is None:
            return VictronUpdate(_header_or_none(data), None, service_info.rssi)
        self._last_nonce = nonce
        self.last_record = record
        return VictronUpdate(record.header, record, service_info.rssi)

    def _decode(self, data: bytes) -> VictronRecord | None:
        try:
            record = parse(data, self.key, previous=self.last_record)
        except WrongKeyError as err:
            self.errors[_error_kind(err)] += 1
            self._reject_key()
            return None
        except VictronParseError as err:
            self.errors[_error_kind(err)] += 1
            return None
        odd = implausible_fields(record)
        if record.layout.encrypted and len(odd) * 2 > len(record.values):
            # Mostly noise: a different key whose first byte happens to match.
            self.errors["implausible"] += 1
            self._reject_key()
            return None
        self.key_rejections = 0
        if odd and (
            out_of_range := [
                key for key in odd if record.layout.field(key).kind is FieldKind.NUMERIC
            ]
        ):
            # Out of physical range: not reported rather than shown wrong.
            values = dict(record.values)
            for key in out_of_range:
                values[key] = None
            record = VictronRecord(
                record.header, record.layout, values, record.raw, record.implausible
            )
        return record

    def _open_network_packet(self, data: bytes) -> Mapping[str, FieldValue] | None:
        """The register values of a VE.Smart packet; None for counters and failures.

        Failures never count against the Instant Readout key.
        """
        self.network_packets += 1
        if self.network is None:
            self.errors["ve_smart_without_network_key"] += 1
            return None
        try:
            opened = self.network.feed(data)
        except VictronParseError as err:
            self.errors[f"ve_smart_{_error_kind(err)}"] += 1
            return None
        if not isinstance(opened, NetworkMessage):
            return None
        self.last_network_message = opened
        return opened.values

    def _reject_key(self) -> None:
        self.key_rejections += 1
        if self.key_rejections == KEY_REJECTIONS_BEFORE_REAUTH:
            self.on_key_rejected()

    def _note_time(self, at: float) -> None:
        if self._last_time is not None and at > self._last_time:
            self._interval_sum += at - self._last_time
            self._interval_count += 1
        self._last_time = at

    @property
    def mean_interval(self) -> float | None:
        """Mean seconds between the advertisements Home Assistant delivered."""
        if not self._interval_count:
            return None
        return round(self._interval_sum / self._interval_count, 3)

    def diagnostics(self) -> dict[str, Any]:
        record = self.last_record
        return {
            "advertisements": self.advertisements,
            "repeated_nonces": self.repeated,
            "parse_errors": dict(self.errors),
            "consecutive_key_rejections": self.key_rejections,
            "observed_interval_seconds": self.mean_interval,
            "last_advertisement": (
                self.last_advertisement.hex() if self.last_advertisement else None
            ),
            "last_record": None
            if record is None
            else {
                "record_type": record.layout.name,
                "product_id": f"0x{record.product_id:04X}",
                "product_name": record.product_name,
                "nonce": record.header.nonce,
                "values": _plain(record.values),
            },
            "ve_smart": {
                "enabled": self.network is not None,
                "packets": self.network_packets,
                "last_message": None
                if (message := self.last_network_message) is None
                else {
                    "message_class": message.message_class,
                    "values": _plain(message.values),
                },
            },
        }


def _plain(values: Mapping[str, FieldValue]) -> dict[str, Any]:
    """Values as JSON can hold them: flag sets become sorted lists."""
    return {
        key: sorted(value) if isinstance(value, frozenset) else value
        for key, value in values.items()
    }


def _header_or_none(data: bytes) -> AdvertisementHeader | None:
    try:
        return peek_header(data)
    except VictronParseError:
        return None
