"""Shared fixtures: the reference's captured frames and an in-process simulator factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from custom_components.offgrid_power.protocol.powmr import TransportConfig, TransportKind
from custom_components.offgrid_power.protocol.powmr.registers import swap_bytes
from simulators.powmr import PowmrSimulator, SimulatorConfig

# leodesigner/powmr_comm, reference §2.4: 4501x45 on battery, as received (wire order).
BATTERY_4501 = (
    "0300 1e00 0000 1400 0000 e200 1b00 0000 1700 fa08 f401 3402 f401 1900 1900 2861 0000 c1a2 "
    "0000 0200 6009 6009 e600 0a00 f000 e600 f401 0a00 0000 0000 f923 d200 d60f 0208 e501 0200 "
    "0000 0100 0200 0000 5000 e600 0200 f000 f500"
)


def wire_words(text: str) -> list[int]:
    return [int(word, 16) for word in text.split()]


def block_4546(flags_4553: int, flags_4554: int, charger: int, temperature: int) -> list[int]:
    """The 16-register block of §2.4: values given decoded, flag words given raw."""
    logical = [250, 250, 200, 250, 60, 120, 30]
    swapped = [swap_bytes(v) for v in logical]
    tail = [swap_bytes(v) for v in (charger, 0, temperature, 0, 0, 0, 0)]
    return [*swapped, flags_4553, flags_4554, *tail]


LINE_4546 = block_4546(0x62D9, 0xE90E, 2, 69)
BATTERY_4546 = block_4546(0x41D9, 0x680F, 0, 68)

type SimulatorFactory = Callable[..., Awaitable[PowmrSimulator]]


@pytest.fixture
async def make_simulator() -> AsyncIterator[SimulatorFactory]:
    started: list[PowmrSimulator] = []

    async def factory(**options: Any) -> PowmrSimulator:
        simulator = PowmrSimulator(SimulatorConfig(**options))
        await simulator.start()
        started.append(simulator)
        return simulator

    yield factory
    for simulator in started:
        await simulator.stop()


ALL_TRANSPORTS = (
    TransportKind.SERIAL,
    TransportKind.RTU_OVER_TCP,
    TransportKind.RTU_OVER_UDP,
    TransportKind.MODBUS_TCP,
)


def endpoint_options(kind: TransportKind) -> dict[str, Any]:
    return {
        TransportKind.SERIAL: {"serial": True},
        TransportKind.RTU_OVER_TCP: {"rtu_tcp_port": 0},
        TransportKind.RTU_OVER_UDP: {"rtu_udp_port": 0},
        TransportKind.MODBUS_TCP: {"modbus_tcp_port": 0},
    }[kind]


def transport_to(
    simulator: PowmrSimulator, kind: TransportKind, timeout: float = 0.5
) -> TransportConfig:
    if kind is TransportKind.SERIAL:
        assert simulator.serial_path is not None
        return TransportConfig(kind, simulator.serial_path, timeout=timeout)
    port = {
        TransportKind.RTU_OVER_TCP: simulator.rtu_tcp_port,
        TransportKind.RTU_OVER_UDP: simulator.rtu_udp_port,
        TransportKind.MODBUS_TCP: simulator.modbus_tcp_port,
    }[kind]
    assert port is not None
    # The simulator answers the sender, so any free reply port will do.
    reply_port = 0 if kind is TransportKind.RTU_OVER_UDP else None
    return TransportConfig(kind, "127.0.0.1", port, timeout=timeout, reply_port=reply_port)
