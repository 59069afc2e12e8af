"""A generic decoder for records described as tables of bit fields.

Victron payloads are bit streams read LSB-first: payload bit *i* is bit
``i % 8`` of byte ``i // 8``. That is exactly the bit numbering of the payload
read as one little-endian integer, so a field is a shift and a mask.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import Literal

from .errors import TruncatedError

type FieldValue = float | str | frozenset[str] | None
"""Numeric fields give numbers, enums a name, bitmasks the names of the set bits; NA is None."""


class FieldKind(StrEnum):
    NUMERIC = "numeric"
    ENUM = "enum"
    BITMASK = "bitmask"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a record: where its bits are and what they mean.

    Numeric value = raw * scale + bias (or ``convert(raw)``), rounded to the
    precision the scale and bias carry. ``na`` is the raw "not available" value,
    compared before sign extension as Victron's own decoder does. A field with
    ``when = (selector, raw)`` only exists while that selector field has that
    raw value (the battery monitor's aux input decides what its aux value is).
    """

    key: str
    offset: int
    width: int
    kind: FieldKind = FieldKind.NUMERIC
    signed: bool = False
    scale: float = 1
    bias: float = 0
    unit: str | None = None
    na: int | None = None
    options: Mapping[int, str] = field(default_factory=dict)
    convert: Callable[[int], float] | None = None
    plausible: tuple[float, float] | None = None
    when: tuple[str, int] | None = None

    @property
    def end(self) -> int:
        return self.offset + self.width

    @property
    def decimals(self) -> int:
        """Digits after the decimal point that the scale and bias carry."""
        if self.convert is not None:
            return 0
        return max(_decimals(self.scale), _decimals(self.bias))

    @property
    def option_names(self) -> tuple[str, ...]:
        """Every name an enum can take, or every flag a bitmask can contain, unknowns aside."""
        return tuple(dict.fromkeys(self.options.values()))

    def extract(self, bits: int) -> int:
        """The raw, unsigned bits of this field out of the whole payload."""
        return (bits >> self.offset) & ((1 << self.width) - 1)

    def value(self, raw: int) -> FieldValue:
        """Turn raw bits into the field's value; never raises."""
        if raw == self.na:
            return None
        match self.kind:
            case FieldKind.BITMASK:
                return frozenset(self._flag_name(bit) for bit in _set_bits(raw))
            case FieldKind.ENUM:
                code = self._signed(raw)
                return self.options.get(code, f"unknown_{code}")
        if self.convert is not None:
            return self.convert(raw)
        number = self._signed(raw) * self.scale + self.bias
        decimals = self.decimals
        return round(number, decimals) if decimals else round(number)

    def is_plausible(self, raw: int) -> bool:
        """Whether raw bits look like a real reading rather than decrypted noise."""
        if raw == self.na:
            return True
        match self.kind:
            case FieldKind.BITMASK:
                return all(bit in self.options for bit in _set_bits(raw))
            case FieldKind.ENUM:
                return self._signed(raw) in self.options
        if self.plausible is None:
            return True
        value = self.value(raw)
        low, high = self.plausible
        return isinstance(value, float | int) and low <= value <= high

    def _signed(self, raw: int) -> int:
        if self.signed and raw >> (self.width - 1):
            return raw - (1 << self.width)
        return raw

    def _flag_name(self, bit: int) -> str:
        return self.options.get(bit, f"unknown_bit_{bit}")


@dataclass(frozen=True, slots=True)
class RecordLayout:
    """A record type and the table of fields its payload carries."""

    record_type: int
    name: str
    fields: tuple[FieldSpec, ...]
    encrypted: bool = True

    @property
    def min_length(self) -> int:
        """Payload bytes needed to hold every field; longer payloads are future extensions."""
        return (max(spec.end for spec in self.fields) + 7) // 8

    def field(self, key: str) -> FieldSpec:
        for spec in self.fields:
            if spec.key == key:
                return spec
        raise KeyError(key)

    def extract(self, payload: bytes) -> dict[str, int]:
        """Raw bits of every field that exists in this payload."""
        if len(payload) < self.min_length:
            raise TruncatedError(
                f"{self.name} payload has {len(payload)} bytes, needs {self.min_length}"
            )
        bits = int.from_bytes(payload, "little")
        raw = {spec.key: spec.extract(bits) for spec in self.fields}
        return {spec.key: raw[spec.key] for spec in self.fields if _applies(spec, raw)}

    def encode(self, raw: Mapping[str, int]) -> bytes:
        """The inverse of ``extract``, for simulators and tests: given fields set, the rest zero."""
        bits = 0
        for key, value in raw.items():
            spec = self.field(key)
            mask = (1 << spec.width) - 1
            bits = bits & ~(mask << spec.offset) | (value & mask) << spec.offset
        return bits.to_bytes(self.min_length, "little")

    def decode(self, raw: Mapping[str, int]) -> dict[str, FieldValue]:
        return {spec.key: spec.value(raw[spec.key]) for spec in self.fields if spec.key in raw}

    def implausible(self, raw: Mapping[str, int]) -> tuple[str, ...]:
        """Keys of the fields whose raw bits no working device would send."""
        return tuple(
            spec.key
            for spec in self.fields
            if spec.key in raw and not spec.is_plausible(raw[spec.key])
        )


def numeric(
    key: str,
    offset: int,
    width: int,
    scale: float = 1,
    unit: str | None = None,
    *,
    signed: bool = False,
    bias: float = 0,
    na: int | None | Literal["auto"] = "auto",
    convert: Callable[[int], float] | None = None,
    plausible: tuple[float, float] | None = None,
    when: tuple[str, int] | None = None,
) -> FieldSpec:
    return FieldSpec(
        key,
        offset,
        width,
        FieldKind.NUMERIC,
        signed=signed,
        scale=scale,
        bias=bias,
        unit=unit,
        na=_default_na(width, signed) if na == "auto" else na,
        convert=convert,
        plausible=plausible,
        when=when,
    )


def enum(
    key: str,
    offset: int,
    width: int,
    options: Mapping[int, str],
    *,
    signed: bool = False,
    na: int | None | Literal["auto"] = "auto",
) -> FieldSpec:
    return FieldSpec(
        key,
        offset,
        width,
        FieldKind.ENUM,
        signed=signed,
        na=_default_na(width, signed) if na == "auto" else na,
        options=options,
    )


def bitmask(key: str, offset: int, width: int, flags: Mapping[int, str]) -> FieldSpec:
    """A field whose bits are independent flags; combinations are normal, so no NA."""
    return FieldSpec(key, offset, width, FieldKind.BITMASK, options=flags)


def _default_na(width: int, signed: bool) -> int:
    """Victron's sentinel: all ones for unsigned fields, the largest positive value for signed."""
    return (1 << (width - 1 if signed else width)) - 1


def _applies(spec: FieldSpec, raw: Mapping[str, int]) -> bool:
    if spec.when is None:
        return True
    selector, selected = spec.when
    return raw[selector] == selected


def _set_bits(raw: int) -> list[int]:
    return [bit for bit in range(raw.bit_length()) if raw >> bit & 1]


@cache
def _decimals(number: float) -> int:
    exponent = Decimal(str(number)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0
