"""A simple, predictable off-grid day, for the pure tests and the integration tests.

Solar rises linearly from 07:00 to a 2000 W noon and falls to nothing at 19:00
(local time; MPPT 2 makes half of MPPT 1). The house draws 300 W AC and 30 W DC
all day. The battery takes the balance; its state of charge climbs from 40 %
and reaches 100 % in the afternoon.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Moment:
    """The sources' values at one local time."""

    mppt1: float
    mppt2: float
    ac: float
    dc: float
    soc: float
    voltage: float

    @property
    def solar(self) -> float:
        return self.mppt1 + self.mppt2

    @property
    def load(self) -> float:
        return self.ac + self.dc

    @property
    def battery(self) -> float:
        return self.solar - self.load


SUNRISE_H = 7.0
SUNSET_H = 19.0
PEAK_W = 2000.0


def solar_w(hour: float) -> float:
    """The day's total solar power at a local hour (0-24)."""
    if hour <= SUNRISE_H or hour >= SUNSET_H:
        return 0.0
    noon = (SUNRISE_H + SUNSET_H) / 2
    return PEAK_W * (1 - abs(hour - noon) / (noon - SUNRISE_H))


def moment(local: datetime) -> Moment:
    """The sources at a local wall-clock time."""
    hour = local.hour + local.minute / 60 + local.second / 3600
    solar = round(solar_w(hour), 1)
    # 40 % at night, climbing from 09:00 to 100 % at 15:00.
    soc = 40.0 if hour < 9 else min(100.0, 40.0 + 10.0 * (hour - 9))
    voltage = 25.0 + soc / 50 + (0.5 if solar > 330 else 0.0)
    return Moment(
        mppt1=round(solar * 2 / 3, 1),
        mppt2=round(solar / 3, 1),
        ac=300.0,
        dc=30.0,
        soc=round(soc, 1),
        voltage=round(voltage, 2),
    )
