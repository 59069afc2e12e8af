"""The command lines, run as real subprocesses."""

from __future__ import annotations

from collections.abc import Iterator
import json
from pathlib import Path
import subprocess
import sys

import pytest

from .usb_node import fake_host

ROOT = Path(__file__).resolve().parents[3]
LIBRARY = "custom_components.offgrid_power.protocol.masterbus"

# A short candump -L log made of the reference's decoded frames (§6.2).
LOG = """\
(1642530000.000000) can0 0550840A#
(1642530000.001000) can0 046F1297#1B9712030C020000
(1642530000.002000) can0 076F1297#0903
(1642530000.003000) can0 066F1297#0903D600
(1642530000.004000) can0 076F1297#30D60000
(1642530000.005000) can0 066F1297#30D600004D534820
(1642530000.006000) can0 066F1297#30D6000148000000
(1642530000.007000) can0 18EF1297#280100
(1642530000.008000) can0 08EF1297#2801000023D6
(1642530000.009000) can0 186F1297#0100
(1642530000.010000) can0 086F1297#01000F2D4A41
(1642530000.011000) can0 086F1297#05000000C07F
(1642530000.012000) can0 20000004#0010000000000000
(1642530000.013000) can0 086F1297#0100
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def test_decode_prints_frames_then_devices(tmp_path: Path) -> None:
    log = tmp_path / "capture.log"
    log.write_text(LOG)
    result = run("-m", LIBRARY, "decode", str(log))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 15  # 14 frames + 1 device
    assert lines[1]["class"] == "ANNOUNCEMENT"
    assert lines[1]["address"] == "0x6F1297"
    assert lines[10]["value"] == pytest.approx(12.636, abs=1e-3)
    assert lines[11]["value"] is None  # NaN: not available
    assert lines[12]["error_frame"] == "0010000000000000"
    assert "expected 6" in lines[13]["error"]
    device = lines[14]
    assert device["device"] == "0x6F1297"
    assert device["change_counter"] == 12
    assert device["values"]["1"] == pytest.approx(12.636, abs=1e-3)


def test_decode_missing_file_fails_cleanly(tmp_path: Path) -> None:
    result = run("-m", LIBRARY, "decode", str(tmp_path / "missing.log"))
    assert result.returncode == 1
    assert "error:" in result.stderr


@pytest.fixture
def usb_socket() -> Iterator[str]:
    """A path for the simulated USB interface's socket, short enough for one."""
    with fake_host() as host:
        yield host.node("hidraw0")


def test_scan_lists_the_simulated_devices(usb_socket: str) -> None:
    simulator = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulators",
            "masterbus",
            "--slcan",
            "127.0.0.1:0",
            "--bridge",
            "127.0.0.1:0",
            "--usb",
            usb_socket,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert simulator.stdout is not None
        ports = json.loads(simulator.stdout.readline())
        for interface, channel in (
            ("slcan", f"socket://127.0.0.1:{ports['slcan']}"),
            ("bridge", f"127.0.0.1:{ports['bridge']}"),
            ("mastervolt_usb", ports["usb"]),
        ):
            scan = ("scan", "--interface", interface, "--channel", channel, "--wait", "0.3")
            result = run("-m", LIBRARY, *scan, "--listen", "127.0.0.1:0")
            assert result.returncode == 0, result.stderr
            devices = [json.loads(line) for line in result.stdout.splitlines()]
            names = sorted(d["identity"]["name"] for d in devices)
            assert names == ["MCU Combi", "MSH Battery", "SCM Solar"]
    finally:
        simulator.terminate()
        assert simulator.wait(timeout=60) == 0


def test_decode_learns_a_display_boot_from_a_capture() -> None:
    capture = ROOT / "tests" / "fixtures" / "masterbus" / "masterview_boot.log"
    result = run("-m", LIBRARY, "decode", str(capture))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    frames = [r for r in records if "time" in r]
    assert not [r for r in frames if "error" in r]  # every frame decodes
    devices = {r["device"]: r for r in records if "device" in r}
    assert set(devices) == {"0x1A94C7", "0x6DB09B"}
    shunt = devices["0x6DB09B"]
    assert shunt["identity"] == {
        "article": "77020115",
        "serial": "KL21S0412",
        "name": "MSH Battery",
        "firmware": "2.04",
    }
    assert shunt["groups"][0] == {"name": "Monitoring", "fields": [0, 4, 3, 1, 2, 5, 10, 11]}
    units = {f["field"]: (f["name"], f["unit"]) for f in shunt["fields"]}
    assert units[1] == ("Battery", "V")
    assert units[2] == ("Battery", "A")
    assert units[3] == ("Cap. consumed", "Ah")
    assert shunt["rejected"] == ["08 3f", "09 04"]
    assert shunt["values"]["1"] == pytest.approx(12.9, abs=1e-3)
    combi = devices["0x1A94C7"]
    assert combi["identity"]["name"] == "MCU Combi"
    assert combi["identity"]["serial"] == ""  # never answered
    assert {f["field"]: f["unit"] for f in combi["fields"]}[0x07] == "A"
