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
    decimals: int = field(init=False, compare=False)
    """Digits after the decimal point that the scale and bias carry."""
    _known_flags: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Worked out once: every advertisement decodes every field.
        decimals = 0 if self.convert else max(_decimals(self.scale), _decimals(self.bias))
        object.__setattr__(self, "decimals", decimals)
        known = sum(1 << bit for bit in self.options) if self.kind is FieldKind.BITMASK else 0
        object.__setattr__(self, "_known_flags", known)

    @property
    def end(self) -> int:
        return self.offset + self.width

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
        # Numbers first and inline: most fields are numbers, and every
        # advertisement decodes every field.
        if self.kind is FieldKind.NUMERIC:
            if self.convert is not None:
                return self.convert(raw)
            number = self._signed(raw) * self.scale + self.bias
            return round(number, self.decimals) if self.decimals else round(number)
        if self.kind is FieldKind.BITMASK:
            return frozenset(self._flag_name(bit) for bit in _set_bits(raw))
        code = self._signed(raw)
        return self.options.get(code, f"unknown_{code}")

    def is_plausible(self, raw: int) -> bool:
        """Whether raw bits look like a real reading rather than decrypted noise."""
        if raw == self.na:
            return True
        if self.kind is FieldKind.NUMERIC:
            if self.plausible is None:
                return True
            value = self.value(raw)
            low, high = self.plausible
            return isinstance(value, float | int) and low <= value <= high
        if self.kind is FieldKind.BITMASK:
            return not raw & ~self._known_flags
        return self._signed(raw) in self.options

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
    min_length: int = field(init=False, repr=False, compare=False)
    """Payload bytes needed to hold every field; longer payloads are future extensions."""
    _by_key: Mapping[str, FieldSpec] = field(init=False, repr=False, compare=False)
    _conditional: bool = field(init=False, repr=False, compare=False)
    _checked: tuple[FieldSpec, ...] = field(init=False, repr=False, compare=False)
    _slices: tuple[tuple[str, int, int], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Looked up for every field of every advertisement: worked out once.
        object.__setattr__(self, "min_length", (max(spec.end for spec in self.fields) + 7) // 8)
        object.__setattr__(self, "_by_key", {spec.key: spec for spec in self.fields})
        object.__setattr__(self, "_conditional", any(spec.when for spec in self.fields))
        object.__setattr__(
            self,
            "_slices",
            tuple((spec.key, spec.offset, (1 << spec.width) - 1) for spec in self.fields),
        )
        # Numbers without a plausible range are always plausible.
        object.__setattr__(
            self,
            "_checked",
            tuple(
                spec
                for spec in self.fields
                if spec.kind is not FieldKind.NUMERIC or spec.plausible is not None
            ),
        )

    def field(self, key: str) -> FieldSpec:
        return self._by_key[key]

    def extract(self, payload: bytes) -> dict[str, int]:
        """Raw bits of every field that exists in this payload."""
        if len(payload) < self.min_length:
            raise TruncatedError(
                f"{self.name} payload has {len(payload)} bytes, needs {self.min_length}"
            )
        bits = int.from_bytes(payload, "little")
        raw = {key: bits >> offset & mask for key, offset, mask in self._slices}
        if not self._conditional:
            return raw
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

    def decode_since(
        self,
        raw: Mapping[str, int],
        previous_raw: Mapping[str, int],
        previous_values: Mapping[str, FieldValue],
        previous_implausible: tuple[str, ...],
    ) -> tuple[dict[str, FieldValue], tuple[str, ...]]:
        """``decode`` and ``implausible`` at once, reusing a previous record's
        results for every field whose raw bits are unchanged."""
        values: dict[str, FieldValue] = {}
        odd = []
        for key, bits in raw.items():
            if previous_raw.get(key) == bits and key in previous_values:
                values[key] = previous_values[key]
                if key in previous_implausible:
                    odd.append(key)
                continue
            spec = self._by_key[key]
            values[key] = spec.value(bits)
            if not spec.is_plausible(bits):
                odd.append(key)
        return values, tuple(odd)

    def implausible(self, raw: Mapping[str, int]) -> tuple[str, ...]:
        """Keys of the fields whose raw bits no working device would send."""
        return tuple(
            spec.key
            for spec in self._checked
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


def _decimals(number: float) -> int:
    exponent = Decimal(str(number)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0
