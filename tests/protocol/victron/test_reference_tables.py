"""Every field of every record against the reference's bit tables: offset, width, sign, NA.

The tables in ``shared/reference/victron_ble.md`` are the checked source of
truth (Victron's PDF corrected by Victron's own decoder); a layout that drifts
from them, such as the DC energy meter reading aux 0xFFFF as -0.01 V, fails here.
"""

from __future__ import annotations

from pathlib import Path
import re

import pytest

from custom_components.offgrid_power.protocol.victron import LAYOUTS, FieldKind, FieldSpec

REFERENCE = Path(__file__).parents[4] / "shared" / "reference" / "victron_ble.md"
_HEADING = re.compile(r"^#### (0x[0-9A-Fa-f]+) ")
_DASH = "\u2013"  # the tables' "unsigned" / "no NA" cell
_HEX = re.compile(r"0x[0-9A-Fa-f]+")

# Where the layout deliberately departs from a table cell, and why.
_DEPARTURES = {
    # Mode 3 is the documented "no aux input", a value the user wants to see, not NA.
    (0x02, "aux_input"),
    (0x0D, "aux_input"),
}


def _rows() -> list[tuple[int, int, int, str, str]]:
    """(record type, offset, width, sign cell, NA cell) of every table row with a numeric offset."""
    if not REFERENCE.exists():
        pytest.skip("the shared reference is not next to this checkout")
    rows = []
    record_type = None
    for line in REFERENCE.read_text(encoding="utf-8").splitlines():
        if heading := _HEADING.match(line):
            record_type = int(heading.group(1), 16)
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if record_type is None or record_type not in LAYOUTS:
            continue
        if len(cells) < 6 or not cells[0].isdigit():
            continue
        if cells[3].lower() in {"unused", "reserved"} or cells[3].startswith("1 bit"):
            continue
        rows.append((record_type, int(cells[0]), int(cells[1]), cells[2], cells[5]))
    return rows


def _expected_na(cell: str) -> set[int | None]:
    """The raw NA values a table cell allows; a dash or a code-table note mean none."""
    cell = cell.replace("*", "")
    if cell.startswith("(PDF") or "=" in cell:
        cell = ""
    found = _HEX.findall(cell.split("(")[0])
    if found:
        return {int(number, 16) for number in found}
    return {int(cell)} if cell.isdigit() else {None}


def _specs(record_type: int, offset: int, width: int) -> list[FieldSpec]:
    return [
        spec
        for spec in LAYOUTS[record_type].fields
        if spec.offset == offset and spec.width == width
    ]


ROWS = _rows() if REFERENCE.exists() else []


def test_the_reference_tables_cover_every_layout() -> None:
    # SolarSense is described in prose, not as a table.
    assert {row[0] for row in _rows()} == set(LAYOUTS) - {0xFF01}


@pytest.mark.parametrize(
    ("record_type", "offset", "width", "sign", "na"),
    ROWS,
    ids=[f"{row[0]:#04x}@{row[1]}" for row in ROWS],
)
def test_field_matches_reference_row(
    record_type: int, offset: int, width: int, sign: str, na: str
) -> None:
    specs = _specs(record_type, offset, width)
    if not specs:
        # Whole-register rows the layout splits into sub-fields (Lynx IO and alarm bits).
        assert any(
            offset <= spec.offset < offset + width for spec in LAYOUTS[record_type].fields
        ), f"no field at bit {offset}"
        return
    for spec in specs:
        if (record_type, spec.key) in _DEPARTURES:
            continue
        if spec.kind is not FieldKind.BITMASK:
            assert spec.na in _expected_na(na), f"{spec.key}: NA {spec.na} vs table {na!r}"
        # An aux value's sign depends on its mode (the Scale column says which).
        if sign in {"S", _DASH} and spec.kind is FieldKind.NUMERIC and spec.when is None:
            assert spec.signed is (sign == "S"), f"{spec.key}: signedness vs table {sign!r}"
