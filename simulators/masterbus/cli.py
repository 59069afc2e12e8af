"""``python -m simulators masterbus --slcan 127.0.0.1:PORT --bridge 127.0.0.1:PORT --usb PATH``

Serves the emulated MasterBus until interrupted (Ctrl-C or SIGTERM). Ports
bind to 127.0.0.1 only; port 0 picks a free one, and the chosen ports are
printed as one JSON line on stdout so scripts can find them. ``--usb`` serves
Mastervolt's USB interface on a Unix socket path (the integration's
``mastervolt_usb`` channel can be that path).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys

from simulators.day import SimulatedDay

from .devices import default_devices
from .fleet import ten_devices
from .network import MasterBusSimulator
from .usb_link import UsbLinkPeer

LOOPBACK = "127.0.0.1"


def _loopback_port(text: str) -> int:
    host, _, port = text.rpartition(":")
    if host not in ("", LOOPBACK, "localhost"):
        raise argparse.ArgumentTypeError("the simulator listens on 127.0.0.1 only")
    return int(port)


def _peer(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if host not in (LOOPBACK, "localhost"):
        raise argparse.ArgumentTypeError("bridge peers must be on 127.0.0.1")
    return LOOPBACK, int(port)


async def _serve(args: argparse.Namespace) -> None:
    day = None if args.day_seconds is None else SimulatedDay(args.day_seconds, args.start_hour)
    devices = ten_devices(day) if args.ten_devices else default_devices(day)
    simulator = MasterBusSimulator(
        devices,
        slcan_port=args.slcan,
        bridge_port=args.bridge,
        bridge_peers=args.bridge_peer,
        pacing=args.pacing,
        reply_latency=args.reply_latency,
        display=args.display,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with simulator:
        if args.usb is not None:
            await UsbLinkPeer.serve(simulator, args.usb)
        ports = {
            "slcan": simulator.slcan_port if args.slcan is not None else None,
            "bridge": simulator.bridge_port if args.bridge is not None else None,
            "usb": args.usb,
        }
        print(json.dumps(ports), flush=True)
        await stop.wait()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulators masterbus")
    parser.add_argument("--slcan", type=_loopback_port, help="SLCAN TCP server, 127.0.0.1:PORT")
    parser.add_argument("--bridge", type=_loopback_port, help="ESP32 UDP bridge, 127.0.0.1:PORT")
    parser.add_argument(
        "--bridge-peer",
        type=_peer,
        action="append",
        default=[],
        help="also send bridge frames to 127.0.0.1:PORT (otherwise: to whoever sends)",
    )
    parser.add_argument("--usb", help="Mastervolt USB interface on this Unix socket path")
    parser.add_argument("--pacing", action="store_true", help="take as long as 250 kbit/s")
    parser.add_argument(
        "--reply-latency", type=float, default=0.0, help="seconds a device takes to answer"
    )
    parser.add_argument("--display", action="store_true", help="add a MasterView polling the shunt")
    parser.add_argument(
        "--ten-devices", action="store_true", help="seven more devices beside the default three"
    )
    parser.add_argument(
        "--day-seconds",
        type=float,
        help="follow a simulated day this many real seconds long (sun, battery, loads)",
    )
    parser.add_argument("--start-hour", type=float, default=12.0, help="with --day-seconds")
    args = parser.parse_args(argv)
    if args.slcan is None and args.bridge is None and args.usb is None:
        parser.error("give --slcan, --bridge and/or --usb")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
