"""Decode one Instant Readout advertisement from the command line.

    python -m custom_components.offgrid_power.protocol.victron <key hex> <advertisement hex>

The advertisement is Home Assistant's ``manufacturer_data[0x02E1]`` (no
company id). Use ``-`` as key for unencrypted records. Prints one JSON object;
exits 1 when the advertisement cannot be decoded, 2 on malformed input.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import json
import sys

from .errors import InvalidKeyError, VictronParseError
from .fields import FieldValue
from .instant_readout import VictronRecord, implausible_fields, parse
from .keys import compact_hex, normalize_key


def record_to_json(record: VictronRecord) -> dict[str, object]:
    header = record.header
    return {
        "record_type": header.record_name,
        "record_type_id": f"0x{header.record_type:02X}",
        "product_id": f"0x{header.product_id:04X}",
        "product_name": header.product_name,
        "device_kind": header.device_kind,
        "nonce": header.nonce,
        "fields": {
            key: {"value": _jsonable(value), "unit": record.layout.field(key).unit}
            for key, value in record.values.items()
        },
        "implausible_fields": list(implausible_fields(record)),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m custom_components.offgrid_power.protocol.victron",
        description="Decode a Victron Instant Readout advertisement to JSON.",
    )
    parser.add_argument("key", help="32 hex digits from VictronConnect, or - for none")
    parser.add_argument("advertisement", help="manufacturer data for company 0x02E1, in hex")
    args = parser.parse_args(argv)
    try:
        key = None if args.key == "-" else normalize_key(args.key)
        data = bytes.fromhex(compact_hex(args.advertisement))
    except InvalidKeyError as err:
        return _fail(f"invalid key: {err}", 2)
    except ValueError:
        return _fail("the advertisement must be hex digits", 2)
    try:
        record = parse(data, key)
    except VictronParseError as err:
        return _fail(f"{type(err).__name__}: {err}", 1)
    print(json.dumps(record_to_json(record), indent=2, ensure_ascii=False))
    return 0


def _jsonable(value: FieldValue) -> object:
    return sorted(value) if isinstance(value, frozenset) else value


def _fail(message: str, status: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
