"""The ESP32 configs and the integration agree on the wire.

Constants: what the YAML configures (ports, 2400 8N1, CAN bit rate, extended ids, record
format) is compared with the constants the integration's protocol packages use.

Behaviour: Python peers that do exactly what the YAML lambdas do (tests/esphome/bridge_peers.py)
are driven by real clients: pymodbus RTU over UDP for PowMr, the integration's python-can
`BridgeBus` for MasterBus.
"""

from __future__ import annotations

from collections.abc import Iterator
import inspect
import re
import socket
import time

import can
from pymodbus import FramerType
from pymodbus.client import ModbusUdpClient
import pytest

from custom_components.offgrid_power.powmr.const import DEFAULT_PORTS, Transport
from custom_components.offgrid_power.protocol.masterbus import bridge as mb_bridge
from custom_components.offgrid_power.protocol.masterbus.transports import MASTERBUS_BITRATE
from custom_components.offgrid_power.protocol.powmr.errors import PowmrExceptionResponse
from custom_components.offgrid_power.protocol.powmr.frames import with_crc
from custom_components.offgrid_power.protocol.powmr.link import build_link
from custom_components.offgrid_power.protocol.powmr.pymodbus_link import (
    build_modbus_client,
    unit_kwargs,
)
from custom_components.offgrid_power.protocol.powmr.registers import PowmrFamily
from custom_components.offgrid_power.protocol.powmr.transport import (
    FAMILY_LINKS,
    TransportConfig,
    TransportKind,
)

from .bridge_peers import EspMasterBusBridge, EspRtuUdpBridge, ModbusRtuDevice, VirtualUart
from .conftest import ConfigRun
from .esphome_yaml import ESPHOME_DIR, substitutions

POWMR_FILES = ["powmr-serial-bridge.yaml", "powmr-serial-proxy.yaml", "offgrid-power-hub.yaml"]
POWMR_UDP_FILES = ["powmr-serial-bridge.yaml", "offgrid-power-hub.yaml"]
MASTERBUS_FILES = ["masterbus-can-bridge.yaml", "offgrid-power-hub.yaml"]
POWMR_UDP_PORT = DEFAULT_PORTS[Transport.RTU_OVER_UDP]


def _resolve(subs: dict[str, str], key: str) -> str:
    """A substitution with ${other} references resolved (ESPHome allows nesting)."""
    value = subs[key]
    for _ in range(5):
        value = re.sub(r"\$\{(\w+)\}", lambda m: subs[m.group(1)], value)
    return value


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _bits_per_char(subs: dict[str, str]) -> int:
    parity = 0 if subs["powmr_parity"].upper() == "NONE" else 1
    return 1 + int(subs["powmr_data_bits"]) + parity + int(subs["powmr_stop_bits"])


# --------------------------------------------------------------------------- PowMr constants


@pytest.mark.parametrize("file", POWMR_FILES)
async def test_powmr_serial_settings_match_integration(file: str) -> None:
    """2400 8N1 in the YAML is what the integration opens a Family A port with."""
    subs = substitutions(ESPHOME_DIR / file)
    link = FAMILY_LINKS[PowmrFamily.FAMILY_A]
    assert int(subs["powmr_baud_rate"]) == link.baudrate == 2400
    assert link.unit_id == 5
    serial = build_modbus_client(
        TransportConfig(TransportKind.SERIAL, "/dev/null"), baudrate=link.baudrate
    )
    params = serial.comm_params
    serial.close()
    assert int(subs["powmr_data_bits"]) == params.bytesize == 8
    assert subs["powmr_parity"].upper() == "NONE"
    assert params.parity == "N"
    assert int(subs["powmr_stop_bits"]) == params.stopbits == 1


@pytest.mark.parametrize("file", POWMR_UDP_FILES)
def test_powmr_udp_bridge_settings(file: str) -> None:
    """Port 8899 both ways by default; the frame gap covers 3.5 characters at 2400 8N1."""
    subs = substitutions(ESPHOME_DIR / file)
    assert int(subs["powmr_udp_port"]) == POWMR_UDP_PORT
    assert int(_resolve(subs, "powmr_udp_reply_port")) == POWMR_UDP_PORT
    char_ms = _bits_per_char(subs) / int(subs["powmr_baud_rate"]) * 1000
    gap_ms = int(subs["powmr_frame_gap_ms"])
    poll_ms = int(subs["powmr_poll_interval"].removesuffix("ms"))
    assert 3.5 * char_ms <= gap_ms < 3.5 * char_ms + 5  # 14.6 ms <= 16 ms
    assert poll_ms < char_ms  # one poll per character at most: the cut is precise


def test_powmr_udp_lambdas_match(esphome_runs: dict[str, ConfigRun]) -> None:
    """The merged config wires udp <-> uart as the peer below assumes."""
    config = esphome_runs["powmr-serial-bridge.yaml"].config
    (udp,) = config["udp"]
    assert udp["port"] == {"listen_port": POWMR_UDP_PORT, "broadcast_port": POWMR_UDP_PORT}
    assert udp["addresses"] == ["255.255.255.255"]
    (uart,) = config["uart"]
    assert (uart["baud_rate"], uart["data_bits"], uart["parity"], uart["stop_bits"]) == (
        2400,
        8,
        "NONE",
        1,
    )
    condition = str(udp["on_receive"][0]["then"][0]["if"]["condition"]["lambda"])
    assert "crc16(" in condition
    assert "n < 4 || n > 256" in condition
    interval = str(config["interval"][0]["then"][1]["if"]["condition"]["lambda"])
    assert ">= 16" in interval


# --------------------------------------------------------------------------- PowMr behaviour

REGISTERS = {4501 + i: 0x1000 + i for i in range(61)}


@pytest.fixture
def powmr_bridge() -> Iterator[tuple[EspRtuUdpBridge, ModbusRtuDevice, int]]:
    """The ESP32 peer in front of a PowMr-like RTU device, replies to 127.0.0.1."""
    subs = substitutions(ESPHOME_DIR / "powmr-serial-bridge.yaml")
    uart = VirtualUart(int(subs["powmr_baud_rate"]), _bits_per_char(subs))
    device = ModbusRtuDevice(uart, unit_id=5, registers=dict(REGISTERS))
    reply_port = _free_udp_port()
    peer = EspRtuUdpBridge(
        uart,
        listen_port=0,
        reply_host="127.0.0.1",
        reply_port=reply_port,
        frame_gap_ms=int(subs["powmr_frame_gap_ms"]),
        poll_s=int(subs["powmr_poll_interval"].removesuffix("ms")) / 1000,
    )
    yield peer, device, reply_port
    peer.close()


# pymodbus 3.8 (the floor's, through core modbus) accepts ``source_address`` on its
# blocking UDP client but never binds it, so that client cannot hear the bridge's
# replies on the reply port; later releases bind it in ``connect()``.
BINDS_SOURCE_ADDRESS = "source_address" in inspect.getsource(ModbusUdpClient.connect)


@pytest.mark.skipif(
    not BINDS_SOURCE_ADDRESS,
    reason="this pymodbus's blocking UDP client ignores source_address (fixed in later releases)",
)
def test_pymodbus_rtu_over_udp_read_and_write(
    powmr_bridge: tuple[EspRtuUdpBridge, ModbusRtuDevice, int],
) -> None:
    """A pymodbus RTU-over-UDP client that listens on the reply port reads and writes."""
    peer, device, reply_port = powmr_bridge
    client = ModbusUdpClient(
        "127.0.0.1",
        port=peer.port,
        framer=FramerType.RTU,
        source_address=("127.0.0.1", reply_port),
        timeout=3,
        retries=0,
    )
    try:
        assert client.connect()
        # The largest Family A read: 45 registers, a 95-byte reply (~400 ms at 2400 baud).
        result = client.read_holding_registers(4501, count=45, **unit_kwargs(5))
        assert not result.isError(), result
        assert result.registers == [REGISTERS[4501 + i] for i in range(45)]
        result = client.write_register(5002, 1, **unit_kwargs(5))
        assert not result.isError(), result
        assert device.registers[5002] == 1
    finally:
        client.close()
    # One datagram per request and per reply: the 16 ms cut never split a 95-byte frame.
    assert (peer.requests, peer.responses, peer.rejected) == (2, 2, 0)
    assert [len(frame) for frame in peer.sent] == [95, 8]
    assert peer.uart.written[0] == with_crc(bytes([5, 3, 0x11, 0x95, 0, 45]))


def test_bridge_drops_non_rtu_datagrams(
    powmr_bridge: tuple[EspRtuUdpBridge, ModbusRtuDevice, int],
) -> None:
    """Bad CRC, too short or too long never reach the inverter."""
    peer, _device, _reply_port = powmr_bridge
    good = with_crc(bytes([5, 3, 0x11, 0x95, 0, 1]))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for datagram in (good[:-1] + b"\0", b"\x05\x03", bytes(300), b"hello world"):
            sock.sendto(datagram, ("127.0.0.1", peer.port))
    deadline = time.monotonic() + 2
    while peer.rejected < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert peer.rejected == 4
    assert peer.uart.written == []


def test_line_silence_cuts_frames(
    powmr_bridge: tuple[EspRtuUdpBridge, ModbusRtuDevice, int],
) -> None:
    """Gaps shorter than 16 ms stay inside a frame; a longer silence starts a new datagram."""
    peer, _device, reply_port = powmr_bridge
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", reply_port))
        sock.settimeout(3)
        peer.uart.device_sends(b"ABCDEFGH", pause_after=3, pause=0.008)
        assert sock.recvfrom(512)[0] == b"ABCDEFGH"
        peer.uart.device_sends(b"12345678", pause_after=3, pause=0.060)
        assert sock.recvfrom(512)[0] == b"1234"
        assert sock.recvfrom(512)[0] == b"5678"


async def test_integration_udp_transport_reads_through_the_bridge(
    powmr_bridge: tuple[EspRtuUdpBridge, ModbusRtuDevice, int],
) -> None:
    """The integration's own RTU-over-UDP link against the ESP32 peer: read, write, refusal."""
    peer, device, reply_port = powmr_bridge
    link = build_link(
        TransportConfig(
            TransportKind.RTU_OVER_UDP,
            "127.0.0.1",
            port=peer.port,
            timeout=1.0,
            reply_port=reply_port,
        ),
        baudrate=2400,
    )
    await link.connect()
    try:
        assert await link.read_holding_registers(5, 4501, 45) == [
            REGISTERS[4501 + i] for i in range(45)
        ]
        await link.write_register(5, 5002, 1)
        assert device.registers[5002] == 1
        with pytest.raises(PowmrExceptionResponse):  # the peer device knows FC03/FC06 only
            await link.write_registers(5, 5004, [1])
    finally:
        link.close()
    assert peer.rejected == 0


# --------------------------------------------------------------------------- MasterBus


@pytest.mark.parametrize("file", MASTERBUS_FILES)
def test_masterbus_ports_and_batches_match_bridge_module(file: str) -> None:
    """Ports 47810/47811 and the batch size are bridge.py's."""
    subs = substitutions(ESPHOME_DIR / file)
    assert int(subs["masterbus_bridge_port"]) == mb_bridge.BRIDGE_PORT
    assert int(subs["masterbus_host_port"]) == mb_bridge.HOST_PORT
    assert 1 <= int(subs["masterbus_batch_records"]) <= mb_bridge.MAX_RECORDS
    assert subs["masterbus_can_mode"].upper() in {"NORMAL", "LISTENONLY"}


@pytest.mark.parametrize("file", MASTERBUS_FILES)
def test_masterbus_can_settings(file: str, esphome_runs: dict[str, ConfigRun]) -> None:
    """250 kbit/s, extended ids, every frame forwarded, records built as bridge.py parses."""
    config = esphome_runs[file].config
    (canbus,) = config["canbus"]
    assert canbus["bit_rate"] == "250KBPS"
    assert MASTERBUS_BITRATE == 250_000
    assert canbus["use_extended_id"] is True
    (on_frame,) = canbus["on_frame"]
    assert (on_frame["can_id"], on_frame["can_id_mask"], on_frame["use_extended_id"]) == (
        0,
        0,
        True,
    )
    to_host = str(on_frame["then"][0]["lambda"])
    assert f"record[0] = 0x{mb_bridge.MAGIC:02X};" in to_host
    assert f"uint8_t record[{mb_bridge.RECORD_SIZE}]" in to_host
    assert (
        f"0x{mb_bridge.FLAG_EXTENDED:02X} | (remote_transmission_request ? 0x{mb_bridge.FLAG_REMOTE:02X}"
        in to_host
    )
    udp = next(item for item in config["udp"] if item["id"] == "masterbus_udp")
    assert udp["port"] == {
        "listen_port": mb_bridge.BRIDGE_PORT,
        "broadcast_port": mb_bridge.HOST_PORT,
    }
    from_host = str(udp["on_receive"][0]["then"][0]["lambda"])
    assert f"n <= {mb_bridge.RECORD_SIZE} * {mb_bridge.MAX_RECORDS}" in from_host
    assert f"data[off] == 0x{mb_bridge.MAGIC:02X}" in from_host


@pytest.fixture
def masterbus_peer() -> Iterator[tuple[EspMasterBusBridge, mb_bridge.BridgeBus]]:
    """The ESP32 peer and the integration's python-can bus, talking over loopback."""
    subs = substitutions(ESPHOME_DIR / "masterbus-can-bridge.yaml")
    host_port = _free_udp_port()
    peer = EspMasterBusBridge(
        bridge_port=0,
        host_address="127.0.0.1",
        host_port=host_port,
        batch_records=int(subs["masterbus_batch_records"]),
        flush_s=int(subs["masterbus_flush_interval"].removesuffix("ms")) / 1000,
        listen_only=False,
    )
    bus = mb_bridge.BridgeBus(
        f"127.0.0.1:{peer.port}", local_port=host_port, local_host="127.0.0.1"
    )
    yield peer, bus
    bus.shutdown()
    peer.close()


def test_masterbus_frames_both_ways(
    masterbus_peer: tuple[EspMasterBusBridge, mb_bridge.BridgeBus],
) -> None:
    """Bus frames reach BridgeBus in order (batched); BridgeBus frames reach the bus."""
    peer, bus = masterbus_peer
    frames = [(0x1A94C7 | (i << 23) & 0x1F800000, bytes(range(i % 9))) for i in range(80)]
    for can_id, data in frames:
        peer.on_frame(can_id, data)
    received = []
    deadline = time.monotonic() + 3
    while len(received) < len(frames) and time.monotonic() < deadline:
        message = bus.recv(0.5)
        if message is not None:
            received.append(message)
    assert [(m.arbitration_id, bytes(m.data)) for m in received] == frames
    assert all(m.is_extended_id for m in received)
    # 80 frames in at most a few datagrams of <= 32 records each.
    assert len(peer.datagrams) <= 4
    assert all(len(d) % 14 == 0 and len(d) <= 14 * 32 for d in peer.datagrams)

    bus.send(can.Message(arbitration_id=0x0C1A94C7, data=b"\x07\x00\x01", is_extended_id=True))
    deadline = time.monotonic() + 2
    while not peer.bus_sent and time.monotonic() < deadline:
        time.sleep(0.01)
    assert peer.bus_sent == [(0x0C1A94C7, False, b"\x07\x00\x01")]


def test_masterbus_listen_only_and_garbage() -> None:
    """Listen-only drops host records; malformed datagrams are dropped whole."""
    peer = EspMasterBusBridge(
        bridge_port=0,
        host_address="127.0.0.1",
        host_port=_free_udp_port(),
        batch_records=32,
        flush_s=0.01,
        listen_only=True,
    )
    try:
        good = mb_bridge.encode_datagram([mb_bridge.BridgeRecord(0x1234567, b"\x01")])
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for datagram in (good, good[:13], b"\xb2" + good[1:], good + b"\x00"):
                sock.sendto(datagram, ("127.0.0.1", peer.port))
        deadline = time.monotonic() + 2
        while peer.rejected < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert peer.rejected == 4
        assert peer.bus_sent == []
    finally:
        peer.close()
