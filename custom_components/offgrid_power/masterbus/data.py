"""What MasterBus entities read: every identified device with its polled values."""

from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field

from custom_components.offgrid_power.power_flow import PowerFlow
from custom_components.offgrid_power.protocol.masterbus import Device


@dataclass(slots=True)
class DeviceState:
    """One device as the last poll saw it."""

    device: Device
    values: dict[int, float | None] = dataclass_field(default_factory=dict)
    # Text fields: the string each one's value (a string id) names.
    texts: dict[int, str] = dataclass_field(default_factory=dict)


@dataclass(slots=True)
class MasterbusData:
    """What the entities read: every identified device by serial."""

    connected: bool
    devices: dict[str, DeviceState] = dataclass_field(default_factory=dict)

    def online(self, serial: str) -> bool:
        """Whether a device answered lately."""
        state = self.devices.get(serial)
        return state is not None and state.device.online

    def value(self, serial: str, field: int) -> float | None:
        """A polled raw value; None when unknown, not available or offline."""
        state = self.devices.get(serial)
        if state is None or not state.device.online:
            return None
        return state.values.get(field)

    def text(self, serial: str, field: int) -> str | None:
        """A text field's string; None when unknown or offline."""
        state = self.devices.get(serial)
        if state is None or not state.device.online:
            return None
        return state.texts.get(field)

    def battery_flow(self, serial: str, fields: tuple[int, int]) -> PowerFlow:
        """A shunt's battery voltage, current and power from its (volts, amps) fields.

        The shunt's current is positive while the battery charges, as the
        project's sign convention wants.
        """
        volts, amps = self.value(serial, fields[0]), self.value(serial, fields[1])
        power = None if volts is None or amps is None else round(volts * amps, 2)
        return PowerFlow(battery_voltage=volts, battery_current=amps, battery_power=power)
