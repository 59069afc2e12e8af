"""Turn register words into a `PowmrSnapshot` of typed `PowmrReadings`.

Input is what the wire delivered: blocks of 16-bit words keyed by their start
address, before any byte swap. The codec swaps the Family A 45xx words, applies
scale, sign and enum maps, and decodes flag bits. A register that was not read
is `None`; it is never replaced by 0. A measurement register holding all ones
is "not available" (None), and every value passes the `plausible.screen` gate.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
import math
from types import MappingProxyType

from .errors import PowmrInvalidDataError
from .plausible import screen
from .readings import PowmrReadings, Value, keyed, readings_from
from .registers import PowmrFamily, Register, RegisterMap, swap_bytes


@dataclass(frozen=True, slots=True)
class PowmrSnapshot:
    """One poll: its typed readings, and the wire words behind them.

    `keys` names the readings the source carries (every key of the family's
    map for a Modbus poll, whether this poll covered it or not); entities read
    `readings`. The keyed view (`values`, `snapshot[key]`, `get`, `number`)
    serves what is keyed by the register map itself: diagnostics, block
    views, the settings' read-back and tools. `implausible` names the keys
    whose value the plausibility gate turned into None this poll (build
    snapshots with `checked_snapshot`).
    """

    family: PowmrFamily
    readings: PowmrReadings
    keys: tuple[str, ...]
    wire_words: Mapping[int, int]
    implausible: tuple[str, ...] = ()

    @property
    def values(self) -> Mapping[str, Value]:
        return keyed(self.readings, self.keys)

    def __getitem__(self, key: str) -> Value:
        if key not in self.keys:
            raise KeyError(key)
        value: Value = getattr(self.readings, key)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys)

    def get(self, key: str) -> Value:
        return self[key] if key in self.keys else None

    def number(self, key: str) -> float | None:
        """The value as a float, or None when absent or not numeric (enums, flags)."""
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value)


def checked_snapshot(
    family: PowmrFamily, values: Mapping[str, Value], wire_words: Mapping[int, int]
) -> PowmrSnapshot:
    """A snapshot whose every number is finite and physically plausible (else None)."""
    screened, implausible = screen(values)
    return PowmrSnapshot(
        family,
        readings_from(screened),
        tuple(screened),
        MappingProxyType(dict(wire_words)),
        implausible,
    )


def _decimals(scale: float) -> int:
    return max(0, -math.floor(math.log10(scale))) if scale < 1 else 0


def physical_value(
    number: int, scale: float, options: Mapping[int, str] | None, boolean: bool
) -> Value:
    """Apply an enum, a flag or a scale to a register integer (readings and settings alike)."""
    if options is not None:
        return options.get(number, f"unknown_{number}")
    if boolean:
        return bool(number)
    if scale == 1:
        return number
    return round(number * scale, _decimals(scale))


def scale_value(register: Register, number: int) -> Value:
    """Apply enum, flag or scale to a register's integer."""
    return physical_value(number, register.scale, register.options, register.boolean)


def _is_not_available(register: Register, words: Sequence[int]) -> bool:
    """An unsigned measurement whose words are all ones: the unit has no value to give."""
    return (
        register.unit is not None
        and not register.signed
        and register.options is None
        and all(word == 0xFFFF for word in words)
    )


def _integer(register: Register, words: Sequence[int]) -> int:
    number = 0
    for word in words:
        number = (number << 16) | word
    bits = 16 * register.words
    if register.signed and number >= 1 << (bits - 1):
        number -= 1 << bits
    return number


def flatten_blocks(blocks: Mapping[int, Sequence[int]]) -> dict[int, int]:
    """Wire words by address; raise if a word is not a 16-bit unsigned integer."""
    words: dict[int, int] = {}
    for start, block in blocks.items():
        for offset, word in enumerate(block):
            if not isinstance(word, int) or not 0 <= word <= 0xFFFF:
                raise PowmrInvalidDataError(f"register {start + offset}: {word!r} is not a u16")
            words[start + offset] = word
    return words


def logical_words(register_map: RegisterMap, wire: Mapping[int, int]) -> dict[int, int]:
    """Words in logical (big-endian) order: Family A 45xx words get their bytes swapped."""
    return {
        address: swap_bytes(word) if register_map.is_swapped(address) else word
        for address, word in wire.items()
    }


def decode(register_map: RegisterMap, blocks: Mapping[int, Sequence[int]]) -> PowmrSnapshot:
    """Decode wire words (blocks keyed by start address) into a snapshot."""
    wire = flatten_blocks(blocks)
    logical = logical_words(register_map, wire)
    values: dict[str, Value] = {}
    for register in register_map.registers:
        span = range(register.address, register.address + register.words)
        words = [logical[address] for address in span if address in logical]
        if len(words) == register.words and not _is_not_available(register, words):
            values[register.key] = scale_value(register, _integer(register, words))
        else:
            values[register.key] = None
    for flag in register_map.flags:
        word = logical.get(flag.address)
        mask = flag.logical_mask
        values[flag.key] = None if word is None else (word & mask) == mask
    return checked_snapshot(register_map.family, values, dict(sorted(wire.items())))
