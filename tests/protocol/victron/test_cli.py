"""The command line: as users run it (a subprocess), and in-process for the details."""

from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys

import pytest

from custom_components.offgrid_power.protocol.victron.__main__ import main

from .helpers import advertisement

ROOT = Path(__file__).parents[3]
MODULE = "custom_components.offgrid_power.protocol.victron"
SOLAR_V1 = "100242a0016207adceb37b605d7e0ee21b24df5c"
SOLAR_V1_KEY = "adeccb947395801a4dd45a2eaa44bf17"


def run_process(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", MODULE, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_prints_one_json_object() -> None:
    result = run_process(SOLAR_V1_KEY.upper(), SOLAR_V1)

    assert result.returncode == 0, result.stderr
    decoded = json.loads(result.stdout)
    assert decoded["record_type"] == "solar_charger"
    assert (decoded["product_id"], decoded["product_name"]) == ("0xA042", "BlueSolar MPPT 75/15")
    assert decoded["fields"]["battery_voltage"] == {"value": 13.88, "unit": "V"}
    assert decoded["fields"]["device_state"] == {"value": "absorption", "unit": None}
    assert decoded["implausible_fields"] == []


def test_not_available_is_null_and_bitmasks_are_lists(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(
        [
            "64ba49f1-a8562e45-197a8e1f-e50d7658",
            "10 00 c0 a3 04 12 1d 64 ca 8d 44 2b 90 bb df 6a 8c ba",
        ]
    )

    assert status == 0
    fields = json.loads(capsys.readouterr().out)["fields"]
    assert fields["output_voltage"] == {"value": None, "unit": "V"}
    assert fields["off_reason"] == {"value": ["engine_shutdown"], "unit": None}


def test_unencrypted_record_with_dash_for_key(capsys: pytest.CaptureFixture[str]) -> None:
    data = advertisement(0xFF01, bytes(16)).hex()

    assert main(["-", data]) == 0
    assert json.loads(capsys.readouterr().out)["record_type"] == "solar_sense"


def test_wrong_key_exits_non_zero_without_the_key() -> None:
    wrong = "ab" + "cd" * 15

    result = run_process(wrong, SOLAR_V1)

    assert result.returncode == 1
    assert result.stdout == ""
    assert "WrongKeyError" in result.stderr
    assert wrong not in result.stderr


@pytest.mark.parametrize(
    ("key", "data", "message"),
    [
        (SOLAR_V1_KEY[1:], SOLAR_V1, "31 hex digits"),
        ("xyz", SOLAR_V1, "hex digits"),
        (SOLAR_V1_KEY, "10zz", "advertisement must be hex"),
    ],
)
def test_malformed_input_exits_2(
    key: str, data: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([key, data]) == 2
    stderr = capsys.readouterr().err
    assert message in stderr
    assert SOLAR_V1_KEY[1:] not in stderr


def test_truncated_advertisement_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([SOLAR_V1_KEY, SOLAR_V1[:14]]) == 1
    assert "TruncatedError" in capsys.readouterr().err
