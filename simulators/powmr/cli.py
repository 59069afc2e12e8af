"""`python -m simulators powmr --tcp 127.0.0.1:5020 --http 127.0.0.1:8080 ...`"""

from __future__ import annotations

import argparse
import asyncio
from contextlib import suppress
import signal

from custom_components.offgrid_power.protocol.powmr.registers import PowmrFamily
from simulators.day import SimulatedDay

from .dongle_http import DongleSchema
from .profiles import PROFILES, Refusal
from .simulator import LOOPBACK, PowmrSimulator, SimulatorConfig


def _loopback_port(value: str) -> int:
    host, _, port = value.rpartition(":")
    if host not in ("", LOOPBACK, "localhost"):
        raise argparse.ArgumentTypeError("the simulator only binds to 127.0.0.1")
    return int(port)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m simulators powmr", description="Simulated PowMr inverter"
    )
    parser.add_argument("--tcp", type=_loopback_port, help="Modbus TCP on [127.0.0.1:]PORT")
    parser.add_argument("--rtu-tcp", type=_loopback_port, help="RTU over TCP on [127.0.0.1:]PORT")
    parser.add_argument("--rtu-udp", type=_loopback_port, help="RTU over UDP on [127.0.0.1:]PORT")
    parser.add_argument("--serial", action="store_true", help="serve a pty and print its path")
    parser.add_argument("--http", type=_loopback_port, help="ESP32 dongle JSON on [127.0.0.1:]PORT")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="dongle")
    parser.add_argument("--refusal", choices=[r.value for r in Refusal], default=Refusal.SILENT)
    parser.add_argument("--schema", choices=[s.value for s in DongleSchema], default="current")
    parser.add_argument(
        "--family", choices=[f.value for f in PowmrFamily], default=PowmrFamily.FAMILY_A.value
    )
    parser.add_argument("--unit-id", type=int, help="default: 5 for Family A, 1 for SMG-II")
    parser.add_argument("--time-scale", type=float, default=1.0, help="simulated s per real s")
    parser.add_argument(
        "--day-seconds", type=float, help="real seconds a simulated day lasts (sets --time-scale)"
    )
    parser.add_argument("--start-hour", type=float, default=12.0)
    parser.add_argument("--wire-time", action="store_true", help="emulate 2400-baud transfer time")
    parser.add_argument(
        "--turnaround", type=float, default=0.0, help="seconds before each answer starts"
    )
    parser.add_argument("--seed", type=int)
    return parser


async def _run(config: SimulatorConfig) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with PowmrSimulator(config) as sim:
        ports = {
            "modbus_tcp": sim.modbus_tcp_port,
            "rtu_tcp": sim.rtu_tcp_port,
            "rtu_udp": sim.rtu_udp_port,
            "http": sim.http_port,
        }
        for name, port in ports.items():
            if port is not None:
                print(f"{name} {LOOPBACK}:{port}", flush=True)
        if sim.serial_path is not None:
            print(f"serial {sim.serial_path}", flush=True)
        print("ready", flush=True)
        await stop.wait()


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    config = SimulatorConfig(
        modbus_tcp_port=args.tcp,
        rtu_tcp_port=args.rtu_tcp,
        rtu_udp_port=args.rtu_udp,
        serial=args.serial,
        http_port=args.http,
        family=PowmrFamily(args.family),
        profile=args.profile,
        refusal=Refusal(args.refusal),
        unit_id=args.unit_id,
        time_scale=args.time_scale
        if args.day_seconds is None
        else SimulatedDay(args.day_seconds).time_scale,
        start_hour=args.start_hour,
        wire_time=args.wire_time,
        turnaround=args.turnaround,
        dongle_schema=DongleSchema(args.schema),
        seed=args.seed,
    )
    with suppress(KeyboardInterrupt):
        asyncio.run(_run(config))
    return 0
