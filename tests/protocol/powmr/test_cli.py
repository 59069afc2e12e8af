"""Both command lines, run as real subprocesses."""

from __future__ import annotations

import json
import os
from pathlib import Path
import signal
import subprocess
import sys

from custom_components.offgrid_power.protocol.powmr.frames import with_crc

from .conftest import BATTERY_4501

ROOT = Path(__file__).resolve().parents[3]
DECODE = [sys.executable, "-m", "custom_components.offgrid_power.protocol.powmr", "decode"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*DECODE, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def battery_frame() -> bytes:
    payload = bytes.fromhex(BATTERY_4501.replace(" ", ""))
    return with_crc(bytes([5, 3, len(payload)]) + payload)


def test_decode_full_frame() -> None:
    result = run("--address", "4501", battery_frame().hex())
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["battery_voltage"] == 22.6
    assert values["output_apparent_power"] == 564
    assert values["operating_mode"] == "battery"
    assert "bulk_charge_voltage" not in values  # not in this block


def test_decode_bare_register_bytes() -> None:
    result = run("--address", "4501", *BATTERY_4501.split())
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["output_active_power"] == 500


def test_decode_rejects_bad_crc() -> None:
    frame = bytearray(battery_frame())
    frame[-1] ^= 0xFF
    result = run("--address", "4501", frame.hex())
    assert result.returncode == 1
    assert "CRC" in result.stderr


def test_decode_rejects_non_hex() -> None:
    assert run("--address", "4501", "zz").returncode == 2


def test_simulator_cli_starts_and_stops() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "simulators", "powmr", "--tcp", "127.0.0.1:0", "--http", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line.strip())
            if line.strip() == "ready":
                break
        assert lines[0].startswith("modbus_tcp 127.0.0.1:")
        assert lines[1].startswith("http 127.0.0.1:")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout and process.stdout.close()
        process.stderr and process.stderr.close()


def test_simulator_cli_refuses_other_hosts() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "simulators", "powmr", "--tcp", "0.0.0.0:5020"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "127.0.0.1" in result.stderr
