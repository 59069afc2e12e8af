"""The RTU-over-UDP link: answers to a reply port, from any source port of the bridge's IP.

`AnsweringBridge` behaves like ESPHome's `udp` component: it answers from a socket of its
own (not the one the request came in on) to a fixed reply address, and may split an answer
over several datagrams, as a pause on the serial line does on the real bridge.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
import socket

import pytest

from custom_components.offgrid_power.protocol.powmr import (
    PowmrExceptionResponse,
    PowmrFrameError,
    PowmrTimeoutError,
    TransportConfig,
    TransportKind,
)
from custom_components.offgrid_power.protocol.powmr.errors import PowmrPortInUseError
from custom_components.offgrid_power.protocol.powmr.frames import RtuRequest, with_crc
from custom_components.offgrid_power.protocol.powmr.rtu_udp import RtuUdpLink

from .conftest import SimulatorFactory

type Answer = Callable[[bytes], list[bytes]]
type BridgeStarter = Callable[..., Awaitable[tuple[AnsweringBridge, TransportConfig]]]


def registers_answer(request: bytes) -> list[bytes]:
    """FC03 answers of 0x1000 + offset, in two datagrams; writes acknowledged."""
    if request[1] == 0x06:
        return [request]
    if request[1] == 0x10:
        return [with_crc(request[:6])]
    count = int.from_bytes(request[4:6], "big")
    payload = b"".join((0x1000 + i).to_bytes(2, "big") for i in range(count))
    frame = with_crc(bytes([request[0], 0x03, 2 * count]) + payload)
    return [frame[:4], frame[4:]]


class AnsweringBridge(asyncio.DatagramProtocol):
    def __init__(self, reply_to: tuple[str, int], answer: Answer, source: str) -> None:
        self.reply_to = reply_to
        self.answer = answer
        self.sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sender.bind((source, 0))
        self.requests: list[bytes] = []

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.requests.append(data)
        for datagram in self.answer(data):
            self.sender.sendto(datagram, self.reply_to)


@pytest.fixture
async def start_bridge(unused_udp_port: int) -> AsyncIterator[BridgeStarter]:
    transports: list[asyncio.DatagramTransport] = []
    bridges: list[AnsweringBridge] = []

    async def start(
        answer: Answer = registers_answer, source: str = "127.0.0.1"
    ) -> tuple[AnsweringBridge, TransportConfig]:
        bridge = AnsweringBridge(("127.0.0.1", unused_udp_port), answer, source)
        transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(
            lambda: bridge, local_addr=("127.0.0.1", 0)
        )
        transports.append(transport)
        bridges.append(bridge)
        port = transport.get_extra_info("sockname")[1]
        config = TransportConfig(
            TransportKind.RTU_OVER_UDP,
            "127.0.0.1",
            port,
            timeout=0.3,
            reply_port=unused_udp_port,
        )
        return bridge, config

    yield start
    for transport in transports:
        transport.close()
    for bridge in bridges:
        bridge.sender.close()


@asynccontextmanager
async def connected(config: TransportConfig) -> AsyncIterator[RtuUdpLink]:
    link = RtuUdpLink(config)
    await link.connect()
    try:
        yield link
    finally:
        link.close()


async def test_answer_from_another_source_port_in_two_datagrams(
    start_bridge: BridgeStarter,
) -> None:
    bridge, config = await start_bridge()
    async with connected(config) as link:
        assert await link.read_holding_registers(5, 4501, 45) == [0x1000 + i for i in range(45)]
        await link.write_register(5, 5002, 1)
        await link.write_registers(1, 300, [2])
    assert bridge.requests[0] == RtuRequest.read_holding(5, 4501, 45).frame
    assert bridge.requests[2] == with_crc(bytes.fromhex("0110012c0001020002"))


async def test_datagrams_from_another_host_are_ignored(start_bridge: BridgeStarter) -> None:
    _bridge, config = await start_bridge(source="127.0.0.2")
    async with connected(config) as link:
        with pytest.raises(PowmrTimeoutError):
            await link.read_holding_registers(5, 4501, 3)


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (lambda request: [with_crc(bytes([5, 0x83, 2]))], PowmrExceptionResponse),
        (lambda request: [with_crc(bytes([5, 0x03, 2, 0, 1]))[:-1] + b"\0"], PowmrFrameError),
        (lambda request: [with_crc(bytes([6, 0x03, 2, 0, 1]))], PowmrFrameError),
        (lambda request: [with_crc(bytes([5, 0x03, 4, 0, 1, 0, 2]))], PowmrFrameError),
        (lambda request: [b"\x05\x10garbage"], PowmrFrameError),
        (lambda request: [], PowmrTimeoutError),
    ],
    ids=["exception", "crc", "other_unit", "wrong_count", "other_function", "silence"],
)
async def test_bad_read_answers(
    start_bridge: BridgeStarter, answer: Answer, error: type[Exception]
) -> None:
    _bridge, config = await start_bridge(answer)
    async with connected(config) as link:
        with pytest.raises(error):
            await link.read_holding_registers(5, 4501, 1)


async def test_write_answer_must_echo_the_request(start_bridge: BridgeStarter) -> None:
    _bridge, config = await start_bridge(lambda request: [with_crc(request[:5] + b"\x09")])
    async with connected(config) as link:
        with pytest.raises(PowmrFrameError, match="echo"):
            await link.write_register(5, 5002, 1)


async def test_links_share_a_reply_port_and_take_turns(start_bridge: BridgeStarter) -> None:
    bridge, config = await start_bridge()
    async with connected(config) as first, connected(config) as second:
        results = await asyncio.gather(
            *(link.read_holding_registers(5, 4501, n) for link in (first, second) for n in (2, 3))
        )
        assert [len(words) for words in results] == [2, 3, 2, 3]
        first.close()
        assert await second.read_holding_registers(5, 4501, 1) == [0x1000]
    assert len(bridge.requests) == 5
    # The last user closed the socket; the port can be bound again at once.
    async with connected(config):
        pass


async def test_reply_port_taken_by_another_program(start_bridge: BridgeStarter) -> None:
    _bridge, config = await start_bridge()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as squatter:
        squatter.bind(("127.0.0.1", config.local_port))
        with pytest.raises(PowmrPortInUseError, match=str(config.local_port)):
            async with connected(config):
                pass


async def test_simulator_answers_the_sender(make_simulator: SimulatorFactory) -> None:
    """A gateway that answers the sender reaches the bound reply port too."""
    simulator = await make_simulator(rtu_udp_port=0)
    assert simulator.rtu_udp_port is not None
    config = TransportConfig(
        TransportKind.RTU_OVER_UDP, "127.0.0.1", simulator.rtu_udp_port, reply_port=0
    )
    async with connected(config) as link:
        assert len(await link.read_holding_registers(5, 4546, 16)) == 16
