"""MQTT topics of the PowMr bridges that publish, turned into the same `PowmrSnapshot`.

Two bridges publish a Family A unit over MQTT, each under a fixed prefix of
its own (the user may have changed it in the source):

- the early ESP32 dongle firmware (January 2026, before "no mqtt anymore"):
  one topic per JSON field, ``<prefix>/<group>.<field>`` (default prefix
  ``/powmr``), the value as Arduino prints a float (``27.40``, ``nan``);
- leodesigner's ESP8266 sketch (default prefix ``/iot/node/powmr``): the raw
  register words of its two reads as hex text (``log/modbus45`` from 4501,
  ``log/modbus16`` from 4546, 4 hex digits per wire word, before the byte
  swap), and a few decoded values under ``s/``.

Raw dumps go through `codec.decode`, decoded values through
`dongle.parse_status` (the sketch's names are mapped onto the dongle's), so an
MQTT unit reads exactly like a polled one. A bridge publishes only after a
good read and says nothing after a failed one, so a value counts while it is
younger than `STALE_AFTER_S`; with no fresh value at all there is no snapshot.
Bad payloads raise `PowmrInvalidDataError` and never leave an older value
looking current.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import re
from typing import Final

from .codec import PowmrSnapshot, decode
from .dongle import parse_status
from .errors import PowmrInvalidDataError, PowmrTimeoutError
from .registers import FAMILY_A

# The dongle firmware polls every 5-30 s, the sketch every 2 s: three of the
# slowest publishing intervals without a message mean the bridge has stopped.
STALE_AFTER_S: Final = 90.0
# The longest payload either bridge sends is a 45-word dump (180 characters).
MAX_PAYLOAD_BYTES: Final = 256
MAX_PREFIX_LENGTH: Final = 200

DONGLE_PREFIX: Final = "/powmr"
SKETCH_PREFIX: Final = "/iot/node/powmr"
# Topics published on every poll with a payload that rarely changes; the
# manifest lists them, so discovery starts few flows. Suffix after the prefix.
DISCOVERY_SUFFIXES: Final = ("/inverter.op_mode", "/s/mode")

_GROUPS: Final = frozenset({"ac", "dc", "pv", "inverter"})
_FIELD_TOPIC = re.compile(r"([a-z]+)\.([a-z0-9_]{1,40})")
_NUMBER = re.compile(r"[+-]?[0-9]{1,12}(?:\.[0-9]{1,12})?")
# What Arduino's float printing writes for values it cannot show.
_NOT_A_NUMBER: Final = frozenset({"nan", "inf", "-inf", "ovf"})
_HEX_WORD = re.compile(r"[0-9a-fA-F]{1,4}")

# The sketch's decoded topics, under the dongle's (group, field) names. Left
# out: `output_load` (register 4513 divided by 20) and `batt_soc` (a fixed
# 20-25 V window); the raw dumps carry 4513 exactly and SoC is derived here.
_SKETCH_FIELDS: Final = {
    "ac_voltage": ("ac", "input_voltage"),
    "ac_freq": ("ac", "input_freq"),
    "pv_voltage": ("pv", "pv_voltage"),
    "pv_power": ("pv", "pv_power"),
    "batt_voltage": ("dc", "voltage"),
    "batt_charge_current": ("dc", "charge_current"),
    "batt_discharge_current": ("dc", "discharge_current"),
    # The sketch calls register 4512 "output_power"; it is the apparent power.
    "output_power": ("ac", "output_va"),
    "batt_voltage_corrected": ("dc", "voltage_corrected"),
    "batt_v_compensation_k": ("dc", "batt_v_compensation_k"),
}
_SKETCH_MODE: Final = "mode"
# The sketch's two block reads: topic suffix → (start address, word count).
_DUMPS: Final = {"log/modbus45": (4501, 45), "log/modbus16": (4546, 16)}


def normalize_prefix(prefix: str) -> str:
    """A topic prefix as stored: no trailing ``/`` or ``/#``; raise `ValueError` if unusable.

    A leading ``/`` is kept: both bridges publish under one, and for MQTT
    ``/powmr`` and ``powmr`` are different topics.
    """
    prefix = prefix.strip().removesuffix("/#").rstrip("/")
    if not prefix:
        raise ValueError("empty topic prefix")
    if len(prefix.encode("utf-8", "surrogatepass")) > MAX_PREFIX_LENGTH:
        raise ValueError(f"topic prefix longer than {MAX_PREFIX_LENGTH} bytes")
    if any(char in prefix for char in "+#\0") or not prefix.isprintable():
        raise ValueError("topic prefix holds a wildcard or a control character")
    return prefix


def discovered_prefix(topic: str) -> str | None:
    """The prefix of a discovery topic (one of `DISCOVERY_SUFFIXES`), else None."""
    for suffix in DISCOVERY_SUFFIXES:
        if topic.endswith(suffix) and len(topic) > len(suffix):
            return topic.removesuffix(suffix)
    return None


@dataclass(frozen=True, slots=True)
class FieldReading:
    """One decoded value: the dongle document's group and field; None when not available."""

    group: str
    field: str
    value: float | None


@dataclass(frozen=True, slots=True)
class BlockReading:
    """One raw register read: wire words (before the byte swap) from ``start``."""

    start: int
    words: tuple[int, ...]


type Reading = FieldReading | BlockReading
# What a message carries: bytes, or text when the subscriber decoded it.
type Payload = bytes | bytearray | str


def _text(payload: Payload) -> str:
    raw = payload.encode("utf-8", "surrogatepass") if isinstance(payload, str) else bytes(payload)
    if len(raw) > MAX_PAYLOAD_BYTES:
        raise PowmrInvalidDataError(f"payload longer than {MAX_PAYLOAD_BYTES} bytes")
    try:
        return raw.decode("ascii").strip()
    except UnicodeDecodeError as err:
        raise PowmrInvalidDataError("payload is not ASCII text") from err


def parse_number(payload: Payload) -> float | None:
    """A decimal number as the bridges print it; None for ``nan``/``inf``/``ovf``."""
    text = _text(payload)
    if text.lower() in _NOT_A_NUMBER:
        return None
    if not _NUMBER.fullmatch(text):
        raise PowmrInvalidDataError("payload is not a decimal number")
    return float(text)


def parse_hex_word(payload: Payload) -> int:
    """A register value printed as hex (the sketch's ``s/mode``)."""
    text = _text(payload)
    if not _HEX_WORD.fullmatch(text):
        raise PowmrInvalidDataError("payload is not a hex word")
    return int(text, 16)


def parse_dump(payload: Payload, count: int) -> tuple[int, ...]:
    """``count`` wire words printed as 4 hex digits each, nothing more, nothing less."""
    text = _text(payload)
    if len(text) != 4 * count or not all(char in "0123456789abcdefABCDEF" for char in text):
        raise PowmrInvalidDataError(f"payload is not {count} words of 4 hex digits")
    return tuple(int(text[at : at + 4], 16) for at in range(0, len(text), 4))


def parse_message(prefix: str, topic: str, payload: Payload) -> Reading | None:
    """What one message under ``prefix`` says; None for topics that carry no reading.

    Commands, console logs and sniffed frames of the sketch, and anything
    else under the prefix, are not readings. Raise `PowmrInvalidDataError`
    when a reading topic carries a payload that is not what its bridge sends.
    """
    if not topic.startswith(prefix + "/"):
        return None
    rest = topic[len(prefix) + 1 :]
    if (match := _FIELD_TOPIC.fullmatch(rest)) is not None and match[1] in _GROUPS:
        return FieldReading(match[1], match[2], parse_number(payload))
    if (dump := _DUMPS.get(rest)) is not None:
        start, count = dump
        return BlockReading(start, parse_dump(payload, count))
    name = rest.removeprefix("s/") if rest.startswith("s/") else None
    if name == _SKETCH_MODE:
        return FieldReading("inverter", "op_mode", float(parse_hex_word(payload)))
    if name is not None and (field := _SKETCH_FIELDS.get(name)) is not None:
        return FieldReading(*field, parse_number(payload))
    return None


class MqttCollector:
    """The latest reading of every topic under one prefix, and the snapshot they make.

    Times are the caller's monotonic clock in seconds; the collector never
    reads a clock itself.
    """

    def __init__(self, prefix: str, stale_after: float = STALE_AFTER_S) -> None:
        self.prefix = normalize_prefix(prefix)
        self.stale_after = stale_after
        self._fields: dict[tuple[str, str], tuple[float | None, float]] = {}
        self._blocks: dict[int, tuple[tuple[int, ...], float]] = {}

    def receive(self, topic: str, payload: Payload, now: float) -> bool:
        """Keep one message's reading; return whether the topic carries one.

        A bad payload on a reading topic forgets that topic's previous value
        (it is no longer known) and raises `PowmrInvalidDataError`.
        """
        try:
            reading = parse_message(self.prefix, topic, payload)
        except PowmrInvalidDataError:
            self._forget(topic)
            raise
        if isinstance(reading, BlockReading):
            self._blocks[reading.start] = (reading.words, now)
        elif isinstance(reading, FieldReading):
            self._fields[(reading.group, reading.field)] = (reading.value, now)
        return reading is not None

    def _forget(self, topic: str) -> None:
        rest = topic.removeprefix(self.prefix + "/")
        if (dump := _DUMPS.get(rest)) is not None:
            self._blocks.pop(dump[0], None)
            return
        if rest.startswith("s/"):
            name = rest.removeprefix("s/")
            key = ("inverter", "op_mode") if name == _SKETCH_MODE else _SKETCH_FIELDS.get(name)
        else:
            group, _, field = rest.partition(".")
            key = (group, field)
        if key is not None:
            self._fields.pop(key, None)

    def _fresh[T](self, readings: Mapping[T, tuple[object, float]], now: float) -> set[T]:
        return {key for key, (_, at) in readings.items() if 0 <= now - at <= self.stale_after}

    def snapshot(self, now: float) -> PowmrSnapshot:
        """The snapshot of the fresh readings.

        Raw dumps win over decoded values (they carry every register); with
        neither fresh, raise `PowmrTimeoutError`. A dongle document counts as
        valid unless the bridge itself published ``inverter.valid_info``.
        """
        blocks = self._fresh(self._blocks, now)
        if blocks:
            return decode(FAMILY_A, {start: self._blocks[start][0] for start in sorted(blocks)})
        fields = self._fresh(self._fields, now)
        if not fields:
            raise PowmrTimeoutError(
                f"no PowMr message under {self.prefix} in the last {self.stale_after:.0f} s"
            )
        document: dict[str, dict[str, float | None]] = {}
        for group, field in sorted(fields):
            document.setdefault(group, {})[field] = self._fields[(group, field)][0]
        # Both bridges publish only after a good read: a message is its validity.
        document.setdefault("inverter", {}).setdefault("valid_info", 1)
        return parse_status(document)

    def diagnostics(self, now: float) -> dict[str, object]:
        """Which readings are held and how old they are (seconds)."""
        return {
            "fields": {
                f"{group}.{field}": {"value": value, "age_s": round(now - at, 1)}
                for (group, field), (value, at) in sorted(self._fields.items())
            },
            "blocks": {
                str(start): {"words": len(words), "age_s": round(now - at, 1)}
                for start, (words, at) in sorted(self._blocks.items())
            },
        }
