"""Mastervolt's MasterBus USB interface as a python-can bus, over Linux hidraw.

The interface (article 77030200, USB 1A64:0000) is a HID device: the kernel's
``hid-generic`` driver gives it a ``/dev/hidrawN`` node, where one read
returns one 64-byte input report and one write sends one output report (the
report format is in `usb_reports`). No library is needed, and the node has a
file descriptor, so the integration reads it on the event loop.

The node is found through sysfs: ``/sys/class/hidraw/hidrawN/device/uevent``
names the device as ``HID_ID=0003:00001A64:00000000`` (USB bus, vendor,
product). The channel ``auto`` opens the first such node at every (re)open, so
a renumbering after a replug or reboot does not matter; a node path opens
that node, and only if sysfs says it is a Mastervolt interface. A Unix
``SOCK_SEQPACKET`` socket path is served like a node (it keeps report
boundaries as hidraw does): the project's simulator offers the interface so.

Every reader of a hidraw node gets every input report, so a second program on
the same node (``python -m ... scan``) does not take frames away from Home
Assistant; on Windows, where Mastervolt's MasterAdjust runs, the interface is
exclusive.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
import logging
import math
import os
from pathlib import Path
import select
import socket
import stat
import time
from typing import Any

import can

from .codec import Frame
from .errors import FrameError
from .usb_reports import PRODUCT_ID, VENDOR_ID, decode_report, output_report

_LOGGER = logging.getLogger(__name__)

AUTO = "auto"
SYSFS = "/sys"
DEV = "/dev"
_BUS_USB = 0x0003
# More than a report: a longer one is read whole and rejected, not cut to size.
_READ_SIZE = 256
# A send without a time-out still gives up: an interface that takes no report is gone.
SEND_TIMEOUT = 1.0


@dataclass(frozen=True, slots=True)
class UsbInterface:
    """An attached MasterBus USB interface."""

    node: str
    name: str = ""
    serial: str = ""


def _uevent(sysfs: str, node_name: str) -> dict[str, str]:
    """The HID device's uevent (``KEY=value`` lines) behind a hidraw node name."""
    path = Path(sysfs, "class", "hidraw", node_name, "device", "uevent")
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


def _is_mastervolt(event: dict[str, str]) -> bool:
    """Whether a uevent's ``HID_ID`` (``bus:vendor:product`` in hex) is the interface."""
    try:
        bus, vendor, product = (int(part, 16) for part in event.get("HID_ID", "").split(":"))
    except ValueError:
        return False
    return (bus, vendor, product) == (_BUS_USB, VENDOR_ID, PRODUCT_ID)


def find_interfaces(sysfs: str | None = None, dev: str | None = None) -> list[UsbInterface]:
    """The attached interfaces, lowest node number first (blocking: reads sysfs)."""
    sysfs, dev = sysfs or SYSFS, dev or DEV
    found: list[tuple[int, UsbInterface]] = []
    for entry in Path(sysfs, "class", "hidraw").glob("hidraw*"):
        event = _uevent(sysfs, entry.name)
        number = entry.name.removeprefix("hidraw")
        if _is_mastervolt(event) and number.isdigit():
            interface = UsbInterface(
                node=str(Path(dev, entry.name)),
                name=event.get("HID_NAME", ""),
                serial=event.get("HID_UNIQ", ""),
            )
            found.append((int(number), interface))
    return [interface for _, interface in sorted(found, key=lambda item: item[0])]


def resolve_channel(channel: str, sysfs: str | None = None, dev: str | None = None) -> str:
    """The node or socket to open for a channel; raise `can.CanInitializationError`."""
    channel = channel.strip()
    if channel in ("", AUTO):
        interfaces = find_interfaces(sysfs, dev)
        if not interfaces:
            raise can.CanInitializationError("no Mastervolt USB interface is attached")
        return interfaces[0].node
    try:
        mode = os.stat(channel).st_mode
    except OSError as err:
        raise can.CanInitializationError(f"cannot open {channel}: {err.strerror}") from err
    if stat.S_ISCHR(mode):
        # Never write CAN frames into a keyboard or a UPS by a typing slip.
        if not _is_mastervolt(_uevent(sysfs or SYSFS, Path(os.path.realpath(channel)).name)):
            raise can.CanInitializationError(f"{channel} is not a Mastervolt USB interface")
    elif not stat.S_ISSOCK(mode):
        raise can.CanInitializationError(f"{channel} is not a hidraw device")
    return channel


def _ready(fd: int, event: int, timeout: float | None) -> bool:
    """Whether ``fd`` becomes ready for ``event`` within ``timeout`` seconds (None: ever).

    poll, not select: Home Assistant can hold more than select's 1024 descriptors.
    """
    poller = select.poll()
    poller.register(fd, event)
    return bool(poller.poll(None if timeout is None else max(0, math.ceil(timeout * 1000))))


def _open(path: str) -> int:
    """A non-blocking descriptor for a hidraw node or a report-keeping socket."""
    if stat.S_ISSOCK(os.stat(path).st_mode):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            sock.connect(path)
        except OSError:
            sock.close()
            raise
        sock.setblocking(False)
        return sock.detach()
    return os.open(path, os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)


class UsbLinkBus(can.BusABC):
    """A python-can bus over the MasterBus USB interface (see the module docstring).

    ``channel`` is ``auto``, a ``/dev/hidrawN`` node (or a udev symlink to
    one) or a ``SOCK_SEQPACKET`` socket path. The interface sets the CAN
    bitrate itself (MasterBus: 250 kbit/s); it carries extended data frames
    only.
    """

    def __init__(
        self,
        channel: str = AUTO,
        can_filters: can.typechecking.CanFilters | None = None,
        *,
        sysfs: str | None = None,
        dev: str | None = None,
        **kwargs: Any,
    ) -> None:
        node = resolve_channel(channel, sysfs, dev)
        try:
            self._fd = _open(node)
        except OSError as err:
            raise can.CanInitializationError(f"cannot open {node}: {err.strerror}") from err
        self._closed = False
        self._pending: deque[can.Message] = deque()
        self.reports_rejected = 0
        self.channel_info = f"Mastervolt USB interface {node}"
        super().__init__(channel=channel, can_filters=can_filters, **kwargs)

    def fileno(self) -> int:
        return self._fd

    def send(self, msg: can.Message, timeout: float | None = None) -> None:
        if not msg.is_extended_id or msg.is_remote_frame or msg.is_error_frame:
            raise can.CanOperationError("the USB interface sends extended data frames only")
        try:
            report = output_report(Frame(msg.arbitration_id, bytes(msg.data)))
            wait = SEND_TIMEOUT if timeout is None else timeout
            written = os.write(self._fd, report) if _ready(self._fd, select.POLLOUT, wait) else 0
        except (OSError, ValueError, FrameError) as err:
            raise can.CanOperationError(f"USB interface send failed: {err}") from err
        if written != len(report):
            raise can.CanOperationError("the USB interface took no report")

    def _recv_internal(self, timeout: float | None) -> tuple[can.Message | None, bool]:
        if not self._pending:
            self._receive(timeout)
        return (self._pending.popleft() if self._pending else None), False

    def _receive(self, timeout: float | None) -> None:
        try:
            if not _ready(self._fd, select.POLLIN, timeout):
                return
            report = os.read(self._fd, _READ_SIZE)
        except BlockingIOError:
            return
        except (OSError, ValueError) as err:  # ENODEV: unplugged
            raise can.CanOperationError(f"USB interface receive failed: {err}") from err
        if not report:
            raise can.CanOperationError("the USB interface is gone")
        try:
            frames = decode_report(report)
        except FrameError as err:
            self.reports_rejected += 1
            _LOGGER.debug("Dropping a USB report: %s", err)
            return
        now = time.time()
        self._pending.extend(
            can.Message(
                timestamp=now,
                arbitration_id=frame.can_id,
                data=frame.data,
                is_extended_id=True,
                channel=self.channel_info,
            )
            for frame in frames
        )

    def shutdown(self) -> None:
        super().shutdown()
        if not self._closed:
            self._closed = True
            os.close(self._fd)
