"""What counts as producing, charging and full."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PRODUCING_W = 20.0
DEFAULT_CHARGING_W = 20.0
DEFAULT_FULL_SOC = 98.0


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Solar is producing at ``producing_w`` and above, the battery charging at
    ``charging_w`` and above (discharging at minus that), and full at
    ``full_soc`` percent.
    """

    producing_w: float = DEFAULT_PRODUCING_W
    charging_w: float = DEFAULT_CHARGING_W
    full_soc: float = DEFAULT_FULL_SOC
