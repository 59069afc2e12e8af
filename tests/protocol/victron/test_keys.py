"""Key normalisation: forgiving about formatting, strict about content, silent about secrets."""

from __future__ import annotations

import pytest

from custom_components.offgrid_power.protocol.victron import (
    IncompleteKeyError,
    InvalidKeyError,
    normalize_key,
    normalize_network_id,
)

KEY_HEX = "adeccb947395801a4dd45a2eaa44bf17"
KEY = bytes.fromhex(KEY_HEX)


@pytest.mark.parametrize(
    "text",
    [
        KEY_HEX,
        KEY_HEX.upper(),
        f"  {KEY_HEX}\n",
        "adeccb94-7395-801a-4dd4-5a2eaa44bf17",
        "ad ec cb 94 73 95 80 1a 4d d4 5a 2e aa 44 bf 17",
        "AD:EC:CB:94:73:95:80:1A:4D:D4:5A:2E:AA:44:BF:17",
        f"0x{KEY_HEX}",
    ],
)
def test_formatting_is_forgiven(text: str) -> None:
    assert normalize_key(text) == KEY


def test_31_digit_key_has_its_own_error() -> None:
    with pytest.raises(IncompleteKeyError, match="31 hex digits"):
        normalize_key(KEY_HEX[1:])


@pytest.mark.parametrize("text", ["", "00", "not-hex", KEY_HEX + "0", KEY_HEX[:-2], "g" * 32])
def test_malformed_keys_are_rejected(text: str) -> None:
    with pytest.raises(InvalidKeyError) as caught:
        normalize_key(text)

    assert not isinstance(caught.value, IncompleteKeyError)


@pytest.mark.parametrize(
    "text", [KEY_HEX[1:], KEY_HEX + "a", KEY_HEX[:-1] + "z", f"{KEY_HEX} {KEY_HEX}"]
)
def test_key_text_never_appears_in_the_error(text: str) -> None:
    with pytest.raises(InvalidKeyError) as caught:
        normalize_key(text)

    message = f"{caught.value} {caught.value!r}".lower()
    assert KEY_HEX[1:-1] not in message


@pytest.mark.parametrize("text", ["010a", "010A", "01 0a", "01:0A", "0x010a"])
def test_network_id_formatting_is_forgiven(text: str) -> None:
    assert normalize_network_id(text) == b"\x01\x0a"


@pytest.mark.parametrize("text", ["", "10a", "010a0", "01zz"])
def test_network_id_must_be_four_hex_digits(text: str) -> None:
    with pytest.raises(InvalidKeyError):
        normalize_network_id(text)
