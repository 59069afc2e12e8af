"""Addresses are redacted by their structure, whatever a parameter is called."""

from __future__ import annotations

import pytest

from custom_components.offgrid_power.protocol.redact import (
    mask_address_in,
    safe_address,
    without_userinfo,
)


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        # User info, every parameter value (query and `;`), the fragment.
        (
            "socket://user:pw@host:3333/x;key=k?a=1&b#frag",
            "socket://***@host:3333/x;key=***?a=***&***#***",
        ),
        (
            "http://h/?psk=1;encryption_key=2&api_password=3",
            "http://h/?psk=***;encryption_key=***&api_password=***",
        ),
        (
            "esphome://192.168.1.42:6053/?port_name=PowMr+inverter&noise_psk=c2VjcmV0",
            "esphome://192.168.1.42:6053/?port_name=PowMr+inverter&noise_psk=***",
        ),
        ("rfc2217://host:2217?secret-token", "rfc2217://host:2217?***"),
        ("user:pass@10.0.0.1", "***@10.0.0.1"),
        # Nothing secret: unchanged, so titles and unique ids of plain links stay as they were.
        ("/dev/ttyUSB0", "/dev/ttyUSB0"),
        ("/dev/ttyACM0@115200", "/dev/ttyACM0@115200"),
        ("COM3@115200", "COM3@115200"),
        ("192.168.1.40:47810", "192.168.1.40:47810"),
        ("socket://192.168.1.40:3333", "socket://192.168.1.40:3333"),
    ],
)
def test_safe_address(address: str, shown: str) -> None:
    assert safe_address(address) == shown


def test_an_error_text_naming_the_address_is_masked() -> None:
    url = "socket://127.0.0.1:1?token=s3cret"
    assert mask_address_in(f"could not open port {url}: refused", url) == (
        "could not open port socket://127.0.0.1:1?token=***: refused"
    )


def test_pieces_of_the_address_in_an_error_text_are_masked() -> None:
    url = "socket://admin:Hunter22@127.0.0.1:1?token=s3cret-token#frag-secret"
    text = "invalid literal for int(): '127.0.0.1:1?token=s3cret-token', user admin:Hunter22"
    masked = mask_address_in(text, url)
    assert "s3cret-token" not in masked
    assert "Hunter22" not in masked
    assert "127.0.0.1:1" in masked


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("http://admin:Hunter2@192.168.1.50", "http://192.168.1.50"),
        ("http://admin:p@ss@192.168.1.50:8080/", "http://192.168.1.50:8080/"),
        ("http://192.168.1.50:8080", "http://192.168.1.50:8080"),
    ],
)
def test_a_link_loses_its_user_info(url: str, link: str) -> None:
    assert without_userinfo(url) == link
