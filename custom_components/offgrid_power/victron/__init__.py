"""Victron Bluetooth devices (Instant Readout) in Home Assistant."""

from .runtime import async_create_runtime

__all__ = ["async_create_runtime"]
