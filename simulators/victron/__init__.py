"""Simulated Victron devices advertising Instant Readout.

Each device starts from a public reference vector (advertisement and key) and
lets its values move plausibly, re-encrypting every new reading with the
vector's key, as the real device would. Only the radio is faked: the bytes
are what a device sends and what an ESPHome Bluetooth proxy forwards.
"""

from .devices import SimulatedDevice, advertisement_stream, demo_devices
from .vectors import REFERENCE_VECTORS, ReferenceVector

__all__ = [
    "REFERENCE_VECTORS",
    "ReferenceVector",
    "SimulatedDevice",
    "advertisement_stream",
    "demo_devices",
]
