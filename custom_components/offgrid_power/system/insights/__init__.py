"""The system's daily insights: plain Python, no Home Assistant.

The runtime turns state changes into `SystemSample`s; `DayInsights` folds them
into the day's figures and serialises to a dict so a restart mid-day goes on.
"""

from .day import DayInsights, SourceDay
from .sample import SystemSample

__all__ = ["DayInsights", "SourceDay", "SystemSample"]
