"""`PowmrSimulator`: a PowMr unit on every transport at once, started and stopped in-process.

A Family A unit by default; `family=PowmrFamily.SMG_II` simulates an SMG-II
unit instead (the ESP32 dongle's HTTP JSON exists for Family A only).

    async with PowmrSimulator(SimulatorConfig(rtu_tcp=True, http=True)) as sim:
        sim.rtu_tcp_port, sim.serial_path, sim.unit.faults.set("drop", count=1)

Everything binds to 127.0.0.1; port 0 picks a free port, so parallel tests
never collide.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from pymodbus import FramerType
from pymodbus.server.base import ModbusBaseServer

from custom_components.offgrid_power.protocol.powmr.registers import PowmrFamily
from custom_components.offgrid_power.protocol.powmr.transport import FAMILY_LINKS

from .dongle_http import DongleEmulator, DongleSchema
from .family_a import FamilyAModel
from .modbus_unit import SimulatedUnit
from .model import InverterModel
from .profiles import PROFILES, Refusal
from .pty_link import PtyLink
from .pymodbus_server import SerialServer, TcpServer, UdpServer, unit_server
from .smg_ii import SmgModel

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class SimulatorConfig:
    """Which endpoints to serve; a port of None leaves that endpoint off, 0 picks a free one.

    `unit_id` and `baudrate` default to the family's (5 and 2400 for Family A).
    """

    family: PowmrFamily = PowmrFamily.FAMILY_A
    modbus_tcp_port: int | None = None
    rtu_tcp_port: int | None = None
    rtu_udp_port: int | None = None
    serial: bool = False
    http_port: int | None = None
    profile: str = "dongle"
    refusal: Refusal = Refusal.SILENT
    unit_id: int | None = None
    time_scale: float = 1.0
    start_hour: float = 12.0
    wire_time: bool = False
    # Seconds the unit thinks before it answers each request (0: at once).
    turnaround: float = 0.0
    baudrate: int | None = None
    dongle_schema: DongleSchema = DongleSchema.CURRENT
    seed: int | None = None


class PowmrSimulator:
    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.modbus_tcp_port: int | None = None
        self.rtu_tcp_port: int | None = None
        self.rtu_udp_port: int | None = None
        self.http_port: int | None = None
        self.serial_path: str | None = None
        self._servers: list[ModbusBaseServer] = []
        self._pty: PtyLink | None = None
        self.model: InverterModel
        self.unit: SimulatedUnit
        self.dongle: DongleEmulator | None = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        config = self.config
        loop = asyncio.get_running_loop()
        link = FAMILY_LINKS[config.family]
        self.baudrate = config.baudrate or link.baudrate
        model_class = FamilyAModel if config.family is PowmrFamily.FAMILY_A else SmgModel
        self.model = model_class(
            loop.time, time_scale=config.time_scale, start_hour=config.start_hour, seed=config.seed
        )
        self.unit = SimulatedUnit(
            self.model,
            PROFILES[config.profile],
            refusal=config.refusal,
            unit_id=config.unit_id or link.unit_id,
            wire_baudrate=self.baudrate if config.wire_time else None,
            turnaround=config.turnaround,
        )
        if isinstance(self.model, FamilyAModel):
            self.dongle = DongleEmulator(self.model, config.dongle_schema)
        try:
            await self._start_endpoints()
        except BaseException:
            await self.stop()
            raise

    async def _start_endpoints(self) -> None:
        config = self.config
        if config.modbus_tcp_port is not None:
            self.modbus_tcp_port = await self._serve_tcp(FramerType.SOCKET, config.modbus_tcp_port)
        if config.rtu_tcp_port is not None:
            self.rtu_tcp_port = await self._serve_tcp(FramerType.RTU, config.rtu_tcp_port)
        if config.rtu_udp_port is not None:
            server = unit_server(
                UdpServer,
                self.unit,
                framer=FramerType.RTU,
                address=(LOOPBACK, config.rtu_udp_port),
            )
            await self._listen(server)
            self.rtu_udp_port = server.transport.get_extra_info("sockname")[1]
        if config.serial:
            self._pty = PtyLink()
            self._pty.start()
            await self._listen(
                unit_server(
                    SerialServer,
                    self.unit,
                    framer=FramerType.RTU,
                    port=self._pty.unit_path,
                    baudrate=self.baudrate,
                )
            )
            self.serial_path = self._pty.client_path
        if config.http_port is not None:
            if self.dongle is None:
                raise ValueError("the ESP32 dongle firmware talks to Family A units only")
            self.http_port = await self.dongle.start(LOOPBACK, config.http_port)

    def unplug_serial(self) -> None:
        """Pull the serial adapter out while the client has it open."""
        assert self._pty is not None, "started without a serial port"
        self._pty.unplug()

    def replug_serial(self) -> None:
        """Plug the serial adapter in again, behind the same path."""
        assert self._pty is not None, "started without a serial port"
        self._pty.replug()

    async def _serve_tcp(self, framer: FramerType, port: int) -> int:
        server = unit_server(TcpServer, self.unit, framer=framer, address=(LOOPBACK, port))
        await self._listen(server)
        listener: Any = server.transport
        return int(listener.sockets[0].getsockname()[1])

    async def _listen(self, server: ModbusBaseServer) -> None:
        self._servers.append(server)
        await server.serve_forever(background=True)

    async def stop(self) -> None:
        """Stop every endpoint and wait for requests in flight, leaving no task behind."""
        await self.unit.close()
        for server in self._servers:
            await server.shutdown()  # type: ignore[no-untyped-call]
        self._servers.clear()
        if self.dongle is not None:
            await self.dongle.stop()
        if self._pty is not None:
            self._pty.close()
            self._pty = None
        # Let connection handlers see their transports close.
        await asyncio.sleep(0)
