"""Buttons: one-shot actions, such as the off-grid system's "Add to Energy dashboard"."""

from __future__ import annotations

from homeassistant.const import Platform

from .models import platform_entry_setup

PARALLEL_UPDATES = 1

async_setup_entry = platform_entry_setup(Platform.BUTTON)
