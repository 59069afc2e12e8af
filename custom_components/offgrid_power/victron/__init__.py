"""Victron Bluetooth devices (Instant Readout) in Home Assistant."""
