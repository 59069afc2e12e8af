"""Where a simulated MasterBus USB interface lives: a short directory and a fake sysfs.

The simulated interface (`simulators.masterbus.usb_link.UsbLinkPeer`) is a
Unix socket; its path must stay under the 107 bytes a socket address holds,
so it lives in a fresh directory under /tmp, not in pytest's deep tmp_path.
The fake sysfs describes hidraw nodes the way the kernel does, so the
``auto`` channel and the flow's list of attached interfaces find the socket
as ``<dev>/hidrawN``.
"""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
from dataclasses import dataclass
from pathlib import Path
import tempfile

MASTERVOLT_HID_ID = "0003:00001A64:00000000"
KEYBOARD_HID_ID = "0003:0000046D:0000C31C"


@dataclass(frozen=True, slots=True)
class FakeHost:
    """A fake /sys and /dev in one short directory."""

    root: Path

    @property
    def sysfs(self) -> str:
        return str(self.root / "sys")

    @property
    def dev(self) -> str:
        return str(self.root / "dev")

    def node(self, name: str) -> str:
        """The path of a node in the fake /dev."""
        return str(self.root / "dev" / name)

    def attach(self, name: str, hid_id: str = MASTERVOLT_HID_ID, serial: str = "") -> str:
        """Describe ``/dev/<name>`` as the kernel would; return the node path."""
        device = self.root / "sys" / "class" / "hidraw" / name / "device"
        device.mkdir(parents=True, exist_ok=True)
        (device / "uevent").write_text(
            "DRIVER=hid-generic\n"
            f"HID_ID={hid_id}\n"
            "HID_NAME=Mastervolt MasterBus USB Interface\n"
            f"HID_PHYS=usb-0000:00:14.0-2/input0\nHID_UNIQ={serial}\n"
            f"MODALIAS=hid:b0003g0001v{hid_id[5:13]}p{hid_id[14:]}\n",
            encoding="utf-8",
        )
        return self.node(name)


@contextlib.contextmanager
def fake_host() -> Iterator[FakeHost]:
    """A fresh fake host, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="mbusb-", dir="/tmp") as root:
        (Path(root) / "dev").mkdir()
        yield FakeHost(Path(root))
