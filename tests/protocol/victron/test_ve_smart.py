"""VE.Smart Networking: packets sealed here with standard AES-CCM, opened by the library."""

from __future__ import annotations

import pytest

from custom_components.offgrid_power.protocol.victron import (
    CounterUnknownError,
    InvalidKeyError,
    TruncatedError,
    UnsupportedRecordError,
    WrongKeyError,
)
from custom_components.offgrid_power.protocol.victron.ve_smart import (
    NetworkMessage,
    OverflowCounter,
    VeSmartNetwork,
    human_serial,
)

from .helpers import (
    NETWORK_ID,
    NETWORK_KEY,
    SERIAL,
    data_packet,
    entry,
    overflow_packet,
)


@pytest.fixture
def network() -> VeSmartNetwork:
    receiver = VeSmartNetwork(NETWORK_KEY, NETWORK_ID)
    assert receiver.feed(overflow_packet()) == OverflowCounter(SERIAL, 7, 0x0102)
    return receiver


def test_registers_decode_to_typed_values(network: VeSmartNetwork) -> None:
    cleartext = b"\x0f" + b"".join(
        (
            entry(0x2027, 123456, 4),
            entry(0x2001, 1422, 2),
            entry(0x200C, 3, 1),
            entry(0xED8C, -1500 & 0xFFFFFFFF, 4),
            entry(0xEDBC, 9950, 4),
            entry(0xEC3E, 1, 1),
        )
    )

    message = network.feed(data_packet(cleartext))

    assert isinstance(message, NetworkMessage)
    assert message.message_class == 0x0F
    assert message.values == {
        "network_total_pv_power": 1234.56,
        "charge_voltage_setpoint": 14.22,
        "device_state": "bulk",
        "battery_current": -1.5,
        "panel_power": 99.5,
        "register_0xec3e": 1,
    }
    assert message.registers[0].unit == "W"


def test_unexpected_sizes_and_cut_off_entries(network: VeSmartNetwork) -> None:
    cleartext = b"\x08" + entry(0xED8C, 5, 2) + entry(0x2001, 1, 3) + b"\x01\x20\x02\x05"

    message = network.feed(data_packet(cleartext))

    assert isinstance(message, NetworkMessage)
    # Wrong size: kept as a plain number; 3-byte value skipped; the truncated entry ends the list.
    assert message.values == {"register_0xed8c": 5}


def test_unknown_message_class_keeps_cleartext(network: VeSmartNetwork) -> None:
    message = network.feed(data_packet(b"\x42\x01\x02"))

    assert isinstance(message, NetworkMessage)
    assert (message.message_class, message.registers, message.cleartext) == (
        0x42,
        (),
        b"\x42\x01\x02",
    )


def test_data_before_counter_is_refused() -> None:
    with pytest.raises(CounterUnknownError, match="HQyywwMAEI4"):
        VeSmartNetwork(NETWORK_KEY, NETWORK_ID).feed(data_packet(b"\x0f"))


def test_wrong_network_key_fails_authentication(network: VeSmartNetwork) -> None:
    other_key = bytes(16)

    with pytest.raises(WrongKeyError) as caught:
        network.feed(data_packet(b"\x0f", key=other_key))
    assert NETWORK_KEY.hex() not in str(caught.value)
    with pytest.raises(WrongKeyError):
        VeSmartNetwork(NETWORK_KEY, NETWORK_ID).feed(overflow_packet(key=other_key))


def test_tampered_packet_fails_authentication(network: VeSmartNetwork) -> None:
    packet = bytearray(data_packet(b"\x0f" + entry(0x2001, 1422, 2)))
    packet[11] ^= 0x01

    with pytest.raises(WrongKeyError):
        network.feed(bytes(packet))


@pytest.mark.parametrize(
    ("packet", "error"),
    [
        (b"", UnsupportedRecordError),
        (bytes.fromhex("1002a042"), UnsupportedRecordError),
        (bytes.fromhex("0201ec259a99"), TruncatedError),
        (overflow_packet()[:15], TruncatedError),
        (bytes([0x02, 0x07]) + bytes(20), UnsupportedRecordError),
    ],
)
def test_malformed_packets(network: VeSmartNetwork, packet: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        network.feed(packet)


def test_network_parameters_are_checked() -> None:
    with pytest.raises(InvalidKeyError):
        VeSmartNetwork(NETWORK_KEY[:8], NETWORK_ID)
    with pytest.raises(InvalidKeyError):
        VeSmartNetwork(NETWORK_KEY, b"\x01")


@pytest.mark.parametrize(
    ("serial_bytes", "name"),
    [
        ("ec259a99", "HQyywwMAEI4"),
        ("38f62998", "HQyyww7X83C"),
        ("b6a1b899", "HQyywwNH7ZQ"),
        ("68555099", "HQyywwJEPUW"),
    ],
)
def test_human_serial(serial_bytes: str, name: str) -> None:
    assert human_serial(int.from_bytes(bytes.fromhex(serial_bytes), "little")) == name
