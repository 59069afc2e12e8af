"""Advertisements and VE.Smart packets as devices would send them, with test defaults."""

from __future__ import annotations

from cryptography.hazmat.primitives.ciphers.aead import AESCCM

from custom_components.offgrid_power.protocol.victron import build_advertisement

TEST_KEY = bytes.fromhex("00112233445566778899aabbccddeeff")


def advertisement(record_type: int, payload: bytes, *, product_id: int = 0xA042) -> bytes:
    return build_advertisement(record_type, payload, TEST_KEY, product_id=product_id, nonce=0x1234)


# VE.Smart Networking: a network, one sender, packets sealed with standard AES-CCM.
NETWORK_KEY = bytes.fromhex("0f1e2d3c4b5a69788796a5b4c3d2e1f0")
NETWORK_ID = bytes.fromhex("010a")
SERIAL = 0x999A25EC
SERIAL_BYTES = SERIAL.to_bytes(4, "little")
COUNTER = (0x0102).to_bytes(2, "little")


def sealed(kind: int, sequence: int, counter: bytes, plaintext: bytes, key: bytes) -> bytes:
    sequence_bytes = sequence.to_bytes(4, "little")
    nonce = bytes([kind]) + sequence_bytes + counter + SERIAL_BYTES + NETWORK_ID
    return AESCCM(key, tag_length=4).encrypt(nonce, plaintext, None)


def overflow_packet(sequence: int = 7, key: bytes = NETWORK_KEY) -> bytes:
    header = bytes([0x01, NETWORK_ID[0]]) + SERIAL_BYTES + sequence.to_bytes(4, "little")
    return header + COUNTER + sealed(0x01, sequence, COUNTER, b"", key)


def data_packet(cleartext: bytes, sequence: int = 8, key: bytes = NETWORK_KEY) -> bytes:
    header = bytes([0x02, NETWORK_ID[0]]) + SERIAL_BYTES + sequence.to_bytes(4, "little")
    return header + sealed(0x02, sequence, COUNTER, cleartext, key)


def entry(register: int, value: int, length: int) -> bytes:
    return register.to_bytes(2, "little") + bytes([length]) + value.to_bytes(length, "little")
