"""Command line: `python -m custom_components.offgrid_power.protocol.powmr decode --address 4501 <hex>`.

<hex> is a complete RTU read response (unit, function, byte count, data, CRC)
or just the register bytes as they came off the wire. A frame is recognised by
its valid CRC and matching byte count; a string that looks like a frame but
fails the CRC is an error rather than silently decoded as data.
"""

from __future__ import annotations

import argparse
import json
import sys

from .codec import decode
from .errors import PowmrError
from .frames import parse_read_response, words_from_bytes
from .registers import PowmrFamily, register_map


def _register_bytes(data: bytes) -> bytes:
    """Strip the frame envelope when `data` is a frame; raise on a frame with a bad CRC."""
    looks_like_frame = len(data) >= 5 and data[1] in (0x03, 0x83) and data[2] == len(data) - 5
    if looks_like_frame or (len(data) % 2 and len(data) >= 5):
        return parse_read_response(data).payload
    return data


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m custom_components.offgrid_power.protocol.powmr"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    decode_cmd = commands.add_parser("decode", help="decode register words to JSON")
    decode_cmd.add_argument("--address", type=int, required=True, help="first register address")
    decode_cmd.add_argument(
        "--family", choices=[f.value for f in PowmrFamily], default=PowmrFamily.FAMILY_A.value
    )
    decode_cmd.add_argument("--charger-variant", type=int, choices=(1, 2), default=1)
    decode_cmd.add_argument("hex", nargs="+", help="hex bytes; spaces allowed")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        data = bytes.fromhex("".join(args.hex))
    except ValueError as err:
        print(f"error: not hex: {err}", file=sys.stderr)
        return 2
    registers = register_map(PowmrFamily(args.family), args.charger_variant)
    try:
        words = words_from_bytes(_register_bytes(data))
        snapshot = decode(registers, {args.address: words})
    except PowmrError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    present = {key: value for key, value in snapshot.values.items() if value is not None}
    print(json.dumps(present, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
