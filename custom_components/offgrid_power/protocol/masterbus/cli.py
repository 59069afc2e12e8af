"""Command line: decode a candump log, or scan a live bus.

    python -m custom_components.offgrid_power.protocol.masterbus decode capture.log
    python -m custom_components.offgrid_power.protocol.masterbus scan --interface slcan \
        --channel socket://127.0.0.1:3333

Both print JSON lines: `decode` one per frame, then one per device with what
the frames taught (identity, fields, last values); `scan` one per device.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Iterable, Iterator
from dataclasses import asdict, fields
from enum import Enum
import json
import sys
from typing import Any, TextIO

import can

from .codec import Announcement, Btm3Value, Message, ValueReply, decode_frame
from .errors import FrameError, MasterBusError
from .events import SessionConfig
from .ids import MessageClass, decode_id, format_address
from .learner import PassiveLearner
from .models import Device, DeviceSchema
from .session import MasterBusSession
from .transports import Interface, TransportConfig, close_bus, open_bus


def _plain(value: Any) -> Any:
    """JSON-friendly form of message attributes."""
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, Enum):
        return value.name
    return value


def describe(message: Message) -> dict[str, Any]:
    """Class, address, meaning and value of one message."""
    parts = decode_id(message.to_frame().can_id)
    attributes = {
        f.name: _plain(getattr(message, f.name)) for f in fields(message) if f.name != "address"
    }
    meaning = type(message).__name__ + "".join(f" {k}={v}" for k, v in attributes.items())
    try:
        class_name = MessageClass(parts.message_class).name
    except ValueError:
        class_name = f"0x{parts.message_class:02X}"
    value = getattr(message, "value", None)
    if value is None:
        value = getattr(message, "text", None)
    return {
        "class": class_name,
        "address": format_address(message.address),
        "metadata": parts.metadata,
        "meaning": meaning,
        "value": value,
    }


def decode_log(lines: Iterable[can.Message], out: TextIO) -> None:
    """Print each frame, then what was learned per device."""
    learner = PassiveLearner()
    counters: dict[int, int] = {}
    values: dict[int, dict[str, float | None]] = {}
    for frame in lines:
        record: dict[str, Any] = {"time": frame.timestamp, "id": f"{frame.arbitration_id:08X}"}
        if frame.is_error_frame:
            record["error_frame"] = bytes(frame.data).hex()
        elif not frame.is_extended_id:
            record["error"] = "standard 11-bit frame: not MasterBus"
        else:
            try:
                message = decode_frame(frame.arbitration_id, bytes(frame.data))
            except FrameError as err:
                record["error"] = str(err)
            else:
                record |= describe(message)
                learner.observe(message)
                if isinstance(message, Announcement):
                    counters[message.address] = message.change_counter
                if isinstance(message, ValueReply | Btm3Value):
                    key = f"{'btm3:' if isinstance(message, Btm3Value) else ''}{message.field}"
                    values.setdefault(message.address, {})[key] = message.value
        out.write(json.dumps(record) + "\n")
    for address in sorted(set(counters) | set(values) | set(learner.addresses())):
        identity = learner.identity(address)
        schema = learner.schema(address)
        device = {
            "device": format_address(address),
            "change_counter": counters.get(address),
            "identity": asdict(identity) if identity else None,
            "groups": _groups_json(schema),
            "fields": _fields_json(schema),
            "values": values.get(address, {}),
            "rejected": [bytes(head).hex(" ") for head in learner.rejected(address)],
        }
        out.write(json.dumps(device) + "\n")


def _groups_json(schema: DeviceSchema) -> list[dict[str, Any]]:
    return [{"name": g.name, "fields": list(g.fields)} for g in schema.groups]


def _fields_json(schema: DeviceSchema) -> list[dict[str, Any]]:
    return [
        {k: _plain(v) for k, v in asdict(info).items()} | {"visualisation": info.visualisation.name}
        for info in schema.fields
    ]


CAN_ERROR_FLAG = 0x20000000


def parse_candump(lines: Iterable[str]) -> Iterator[can.Message]:
    """Frames of a ``candump -L`` log: ``(time) iface ID#DATA``.

    Own parser because python-can's reader drops the error flag of controller
    error frames (id 0x20000004), which MasterBus captures do contain.
    """
    for line in lines:
        parts = line.split()
        if len(parts) != 3 or "#" not in parts[2]:
            continue
        can_id_text, data = parts[2].split("#", 1)
        can_id = int(can_id_text, 16)
        remote = data[:1].upper() == "R"
        yield can.Message(
            timestamp=float(parts[0].strip("()")),
            arbitration_id=can_id & 0x1FFFFFFF,
            is_extended_id=len(can_id_text) > 3,
            is_error_frame=bool(can_id & CAN_ERROR_FLAG),
            is_remote_frame=remote,
            data=b"" if remote else bytes.fromhex(data),
            channel=parts[1],
        )


def device_json(device: Device) -> dict[str, Any]:
    """One scanned device as JSON."""
    return {
        "device": format_address(device.address),
        "online": device.online,
        "change_counter": device.change_counter,
        "identity": asdict(device.identity) if device.identity else None,
        "groups": _groups_json(device.schema),
        "fields": _fields_json(device.schema),
    }


async def scan(config: TransportConfig, wait: float, out: TextIO) -> int:
    """Heartbeat, wait for announcements, discover everyone, print devices."""
    loop = asyncio.get_running_loop()
    bus = await loop.run_in_executor(None, open_bus, config)
    session = MasterBusSession(SessionConfig())
    try:
        await session.connect(bus)
        await asyncio.sleep(wait)
        await session.wait_discovery()
        for device in sorted(session.devices.values(), key=lambda d: d.address):
            out.write(json.dumps(device_json(device)) + "\n")
    finally:
        await session.disconnect()
        close_bus(bus)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m custom_components.offgrid_power.protocol.masterbus"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    decode = commands.add_parser("decode", help="decode a candump -L log")
    decode.add_argument("log")
    scan_parser = commands.add_parser("scan", help="list the devices on a live bus")
    scan_parser.add_argument("--interface", required=True, choices=[i.value for i in Interface])
    scan_parser.add_argument("--channel", required=True)
    scan_parser.add_argument("--bitrate", type=int, default=250_000)
    scan_parser.add_argument(
        "--listen", default="0.0.0.0:47811", help="bridge only: where to receive datagrams"
    )
    scan_parser.add_argument(
        "--wait", type=float, default=2.0, help="seconds to collect announcements"
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "decode":
            with open(args.log, encoding="ascii", errors="replace") as log:
                decode_log(parse_candump(log), sys.stdout)
            return 0
        config = TransportConfig(Interface(args.interface), args.channel, args.bitrate, args.listen)
        return asyncio.run(scan(config, args.wait, sys.stdout))
    except (MasterBusError, OSError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
