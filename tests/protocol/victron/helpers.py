"""Building advertisements the way a Victron device would, for tests."""

from __future__ import annotations

from collections.abc import Mapping

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from custom_components.offgrid_power.protocol.victron import RecordLayout

TEST_KEY = bytes.fromhex("00112233445566778899aabbccddeeff")


def payload_with(layout: RecordLayout, raw: Mapping[str, int]) -> bytes:
    """A payload of ``layout.min_length`` zero bits with the given fields' raw bits set."""
    bits = 0
    for key, value in raw.items():
        spec = layout.field(key)
        mask = (1 << spec.width) - 1
        bits = bits & ~(mask << spec.offset) | (value & mask) << spec.offset
    return bits.to_bytes(layout.min_length, "little")


def advertisement(
    record_type: int,
    payload: bytes,
    *,
    key: bytes = TEST_KEY,
    product_id: int = 0xA042,
    nonce: int = 0x1234,
) -> bytes:
    """Header plus payload, encrypted with AES-CTR unless the record is an extended one."""
    nonce_bytes = nonce.to_bytes(2, "little")
    prefix = b"\x10\x00" + product_id.to_bytes(2, "little")
    if record_type > 0xFF:
        return prefix + bytes([0xFF]) + nonce_bytes + bytes([record_type & 0xFF]) + payload
    counter = nonce_bytes + bytes(14)
    encryptor = Cipher(algorithms.AES(key), modes.CTR(counter)).encryptor()
    ciphertext = encryptor.update(payload) + encryptor.finalize()
    return prefix + bytes([record_type]) + nonce_bytes + key[:1] + ciphertext
