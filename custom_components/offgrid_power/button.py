"""Buttons: one-shot actions of the off-grid system (Energy dashboard, system dashboard).

The runtime that owns the entry creates them (see system/runtime.py).
"""

from __future__ import annotations

from homeassistant.const import Platform

from .models import platform_entry_setup

# Each press writes Home Assistant's own storage: one at a time.
PARALLEL_UPDATES = 1

async_setup_entry = platform_entry_setup(Platform.BUTTON)
