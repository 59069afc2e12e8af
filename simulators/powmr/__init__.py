"""Simulated PowMr Family A inverter: Modbus over pty/TCP/UDP and the ESP32 dongle's HTTP JSON."""

from .dongle_http import DongleFault, DongleSchema
from .faults import Fault
from .profiles import PROFILES, ModelProfile, Refusal
from .simulator import PowmrSimulator, SimulatorConfig

__all__ = [
    "PROFILES",
    "DongleFault",
    "DongleSchema",
    "Fault",
    "ModelProfile",
    "PowmrSimulator",
    "Refusal",
    "SimulatorConfig",
]
