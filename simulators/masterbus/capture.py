"""Record a passive capture of a MasterView booting next to a MasterShunt and
a Mass Combi, as a `candump -L` log (what a user records with can-utils).

    python -m simulators.masterbus.capture tests/fixtures/masterbus/masterview_boot.log

The display walks both devices the way a real one does (see `display`); the
combi leaves its article, serial and group names unanswered, and both reject the requests real
devices reject (total tab count, revision string), so the log also holds the
NAKs and the silences a listener must cope with. Values are held still, so
the log depends on nothing but the simulator.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
import time

import can

from custom_components.offgrid_power.protocol.masterbus.codec import (
    GroupNameRequest,
    IdentityString,
    Message,
    StringIdRequest,
)
from custom_components.offgrid_power.protocol.masterbus.values import encode_date

from .devices import SimulatedDevice, mass_combi, master_shunt
from .network import MasterBusSimulator

CAPTURE_START = 1_765_000_000.0  # a fixed epoch, so logs differ only in what was said
REFRESHES = 4  # two favourites shown twice


class CandumpRecorder:
    """A silent listener that keeps every frame as a `candump -L` line."""

    def __init__(self, interface: str = "can0") -> None:
        self.lines: list[str] = []
        self._interface = interface
        self._started = time.monotonic()

    def write(self, message: can.Message, source: object) -> None:
        stamp = CAPTURE_START + time.monotonic() - self._started
        can_id = message.arbitration_id | (0x20000000 if message.is_error_frame else 0)
        self.lines.append(
            f"({stamp:.6f}) {self._interface} {can_id:08X}#{bytes(message.data).hex().upper()}"
        )

    async def close(self) -> None:
        """Nothing to release."""


def boot_devices() -> list[SimulatedDevice]:
    """The shunt and the combi, every value held where its signal starts."""
    devices = [master_shunt(), mass_combi()]
    for device in devices:
        for field, spec in device.fields.items():
            if spec.signal is not None:
                held = round(spec.signal(0.0), 3)
                device.fields[field] = replace(spec, signal=None, initial=held)
    shunt, combi = devices
    clock = {10: 12 * 3600 + 34 * 60, 11: encode_date(date(2026, 6, 1))}  # not today's
    for field, value in clock.items():
        shunt.fields[field] = replace(shunt.fields[field], initial=value)
    combi.ignores = _answers_only_part

    return devices


def _answers_only_part(request: Message) -> bool:
    """Like the INT Mass Combi of the reference captures: a name but no article or
    serial, and no group names."""
    if isinstance(request, StringIdRequest):
        return request.kind != IdentityString.NAME
    return isinstance(request, GroupNameRequest)


async def record_boot(devices: Sequence[SimulatedDevice] | None = None) -> list[str]:
    """The log of one display boot plus a few refreshes of its favourites."""
    recorder = CandumpRecorder()
    simulator = MasterBusSimulator(
        boot_devices() if devices is None else devices, display=True, display_poll=0.1
    )
    simulator.tap(recorder)
    async with simulator:
        display = simulator.display
        assert display is not None
        async with asyncio.timeout(60):
            while display.walked != set(simulator.devices) or display.refreshes < REFRESHES:
                await display.progress()
    return recorder.lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulators.masterbus.capture")
    parser.add_argument("output", type=Path)
    args = parser.parse_args(argv)
    lines = asyncio.run(record_boot())
    args.output.write_text("\n".join(lines) + "\n", encoding="ascii")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
