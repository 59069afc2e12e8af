"""Advertisements as a device would send them, with test defaults."""

from __future__ import annotations

from custom_components.offgrid_power.protocol.victron import build_advertisement

TEST_KEY = bytes.fromhex("00112233445566778899aabbccddeeff")


def advertisement(record_type: int, payload: bytes, *, product_id: int = 0xA042) -> bytes:
    return build_advertisement(record_type, payload, TEST_KEY, product_id=product_id, nonce=0x1234)
