"""MasterBus simulator: emulated devices reachable over python-can's virtual
interface, an SLCAN TCP server and the ESP32 UDP bridge format."""

from .devices import TEST_ACCESS_CODE, FieldSpec, SimulatedDevice, default_devices
from .faults import LinkFault, LinkFaults
from .network import DISPLAY_ADDRESS, MasterBusSimulator

__all__ = [
    "DISPLAY_ADDRESS",
    "TEST_ACCESS_CODE",
    "FieldSpec",
    "LinkFault",
    "LinkFaults",
    "MasterBusSimulator",
    "SimulatedDevice",
    "default_devices",
]
