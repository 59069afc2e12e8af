"""Simulated PowMr inverters (Family A, SMG-II): Modbus over pty/TCP/UDP, the dongle's HTTP JSON."""

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
