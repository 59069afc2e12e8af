"""The register blocks of the last poll as people read them, for diagnostics."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .codec import PowmrSnapshot
from .readings import Value
from .registers import RegisterMap, swap_bytes


def block_views(
    registers: RegisterMap, blocks: Mapping[int, Sequence[int]], snapshot: PowmrSnapshot
) -> dict[str, dict[str, object]]:
    """Each block as received, in logical byte order (Family A swaps some), and decoded.

    Keyed ``"<start>x<count>"``; ``decoded`` names the values of the registers
    that start inside the block.
    """
    keys = {register.address: register.key for register in registers.registers}
    views: dict[str, dict[str, object]] = {}
    for start, words in blocks.items():
        wire: list[str] = []
        logical: list[str] = []
        decoded: dict[str, Value] = {}
        for offset, word in enumerate(words):
            address = start + offset
            wire.append(f"{word:04x}")
            logical.append(f"{swap_bytes(word) if registers.is_swapped(address) else word:04x}")
            if (key := keys.get(address)) is not None:
                decoded[key] = snapshot.get(key)
        views[f"{start}x{len(words)}"] = {
            "wire": " ".join(wire),
            "logical": " ".join(logical),
            "decoded": decoded,
        }
    return views
