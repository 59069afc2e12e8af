"""Which reads a simulated model answers, after the field reports in the reference (§2.3)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Refusal(StrEnum):
    """How a unit refuses a read: Family A units stay silent; gateways often send exception 02."""

    SILENT = "silent"
    EXCEPTION = "exception"


@dataclass(frozen=True, slots=True)
class ModelProfile:
    name: str
    max_count: int = 125
    refuse_start_4501: bool = False
    refuse_spanning: range | None = None
    settings_readable: bool = True

    def accepts(self, start: int, count: int) -> bool:
        if count > self.max_count:
            return False
        if start >= 5000:
            # Settings registers answer one at a time (GamesterUnknown).
            return self.settings_readable and count == 1
        if self.refuse_start_4501 and start == 4501:
            return False
        span = self.refuse_spanning
        overlaps = span is not None and start < span.stop and start + count > span.start
        return count == 1 or not overlaps


PROFILES = {
    profile.name: profile
    for profile in (
        # The stock WiFi dongle's 4501x45 + 4546x16 works (HVM2.4H).
        ModelProfile("dongle"),
        # POW-HVM4.2K-24V-D (Youw): silent on reads from 4501 or into 4515-4545 (single reads work).
        ModelProfile("hvm4k2", refuse_start_4501=True, refuse_spanning=range(4515, 4546)),
        # What the ESP32 dongle firmware's 3-register chunks suggest for the LVM3.6M.
        ModelProfile("chunked", max_count=3),
        # Hypothetical: no 50xx reads at all, so a write can only be confirmed via 45xx.
        ModelProfile("mirror_only", settings_readable=False),
    )
}
