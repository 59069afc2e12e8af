"""Translated names and states for the fields of the MasterBus devices we know.

A device describes its fields in its own words ("Cap. consumed", "Battery
temp.", "State of Charge"), and field numbers differ between firmware
versions. For the devices in the reference's field tables (MasterShunt,
CombiMaster, Mass Combi Ultra and its interface, Mac Plus, Solar
ChargeMaster) a field is recognised by its name and unit as the device
spells them, and gets a translation key: a name in one style, and for a
drop-down lowercase state keys whose labels are translated. A field we do
not know keeps the device's own name and option labels: there is nothing
to translate it from.
"""

from __future__ import annotations

import re

from custom_components.offgrid_power.protocol.masterbus import DeviceIdentity, FieldInfo

# Name prefixes of the devices the field tables cover.
KNOWN_FAMILIES = frozenset({"MSH", "CMR", "MCU", "INT", "MAC", "SCM"})

# (field name as the device spells it, case-folded; unit) -> translation key.
FIELDS: dict[tuple[str, str], str] = {
    # MasterShunt
    ("state of charge", "%"): "state_of_charge",
    ("battery", "V"): "battery_voltage",
    ("battery", "A"): "battery_current",
    ("battery", "°C"): "battery_temperature",
    ("cap. consumed", "Ah"): "consumed_ah",
    ("remaining", ""): "mb_time_remaining",
    ("time", ""): "mb_clock",
    ("date", ""): "mb_date",
    ("mb voltage", "V"): "mb_bus_voltage",
    ("pcb temperature", "°C"): "mb_board_temperature",
    ("battery capacity", "Ah"): "mb_battery_capacity",
    ("battery type", ""): "mb_battery_type",
    ("total ah's", "kAh"): "mb_lifetime_charge",
    # Combis (CombiMaster, Mass Combi Ultra, the Mass Combi interface)
    ("device state", ""): "mb_device_state",
    ("charger state", ""): "mb_charger_state",
    ("state of charger", ""): "mb_charger_state",
    ("input voltage", "V"): "input_voltage",
    ("input current", "A"): "input_current",
    ("input frequency", "Hz"): "mb_input_frequency",
    ("output voltage", "V"): "output_voltage",
    ("output current", "A"): "output_current",
    ("output frequency", "Hz"): "output_frequency",
    ("output power", "VA"): "output_apparent_power",
    ("output power", "W"): "output_active_power",
    ("output load", "%"): "load_percent",
    ("bus voltage", "V"): "mb_dc_bus_voltage",
    ("battery voltage", "V"): "battery_voltage",
    ("battery current", "A"): "battery_current",
    ("battery temp.", "°C"): "battery_temperature",
    ("battery temperature", "°C"): "battery_temperature",
    ("temp. heat sink", "°C"): "mb_heatsink_temperature",
    ("inverter", ""): "mb_inverter",
    ("charger", ""): "mb_charger",
    ("power", ""): "mb_power",
    ("ac in limit", "A"): "mb_ac_input_limit",
    ("stop charge", ""): "mb_stop_charge",
    ("inverting", ""): "mb_inverting",
    ("charging", ""): "mb_charging",
    ("supporting", ""): "mb_supporting",
    ("ac in present", ""): "mb_ac_input_present",
    ("mains fuse", "A"): "mb_mains_fuse",
    ("user mode", ""): "mb_user_mode",
    ("ac in state", ""): "mb_ac_input_state",
    ("ac out state", ""): "mb_ac_output_state",
    ("main charger", ""): "mb_main_charger",
    ("sec. charger", ""): "mb_second_charger",
    ("solar charger", ""): "mb_solar_charger",
    ("main charger state", ""): "mb_main_charger_state",
    ("sec. charger state", ""): "mb_second_charger_state",
    ("main battery", "V"): "battery_voltage",
    ("main battery", "A"): "battery_current",
    ("main battery", "°C"): "battery_temperature",
    ("sec. battery", "V"): "mb_second_battery_voltage",
    ("sec. battery", "A"): "mb_second_battery_current",
    ("mains", "V"): "mb_mains_voltage",
    ("mains", "A"): "mb_mains_current",
    ("mains", "W"): "mb_mains_power",
    ("generator", "V"): "mb_generator_voltage",
    ("generator", "A"): "mb_generator_current",
    ("generator", "W"): "mb_generator_power",
    ("ac output 1", "V"): "output_1_voltage",
    ("ac output 1", "A"): "output_1_current",
    ("ac output 1", "W"): "mb_output_1_power",
    ("ac output 2", "V"): "output_2_voltage",
    ("ac output 2", "A"): "output_2_current",
    ("ac output 2", "W"): "mb_output_2_power",
    ("ac input", "V"): "mb_ac_input_voltage",
    ("ac input", "A"): "mb_ac_input_current",
    ("ac output", "V"): "mb_ac_output_voltage",
    ("ac output", "A"): "mb_ac_output_current",
    # Mac Plus
    ("charge state", ""): "mb_charger_state",
    ("standby", ""): "mb_standby",
    ("bat. volt sense", "V"): "mb_battery_sense_voltage",
    ("device temperature", "°C"): "mb_device_temperature",
    ("max output", "A"): "mb_max_output_current",
    ("max input", "A"): "mb_max_input_current",
    ("constant voltage", "V"): "mb_constant_voltage",
    ("on/standby", ""): "mb_running",
    # Solar ChargeMaster
    ("solar voltage", "V"): "pv_voltage",
    ("charge current", "A"): "mb_charge_current",
    ("charger temp.", "°C"): "mb_charger_temperature",
    ("on/off", ""): "mb_power",
    ("total energy", "kWh"): "mb_device_yield",
}


# A charger's target voltages (Configuration menu), in any family: the keys the
# other families' targets have, so the system dashboard draws them the same way.
TARGETS: dict[tuple[str, str], str] = {
    ("absorption voltage", "V"): "bulk_charge_voltage",
    ("float voltage", "V"): "float_charge_voltage",
}


def translation_key(identity: DeviceIdentity, info: FieldInfo) -> str | None:
    """The translation key of a field we know; None keeps the device's own name."""
    spelled = (info.name.strip().casefold(), info.unit)
    if spelled in TARGETS:
        return TARGETS[spelled]
    if identity.family not in KNOWN_FAMILIES:
        return None
    return FIELDS.get(spelled)


def state_key(label: str) -> str:
    """A drop-down label as a state key: "Low Bat" -> "low_bat"."""
    return re.sub(r"[^a-z0-9]+", "_", label.casefold()).strip("_") or "empty"


def plain_name(name: str) -> str:
    """A device-supplied name in sentence style, without abbreviation dots."""
    cleaned = " ".join(name.replace(".", " ").split())
    return cleaned[:1].upper() + cleaned[1:]
