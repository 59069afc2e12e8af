"""Victron Bluetooth devices in a real Home Assistant."""
