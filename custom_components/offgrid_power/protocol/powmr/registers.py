"""Register maps of the PowMr protocol families, as data.

Family A ("WIFI-VM", POW-HVM…/LVM3.6M): 2400 8N1, unit 5, FC03 reads of
4501-4561 whose words arrive byte-swapped, FC06 writes of 5002-5033 in normal
big-endian order. SMG-II (PowMr HVM5.5K and rebrands): 9600 8N1, unit 1,
big-endian, FC16 writes only.

Register keys are shared between families where the meaning is the same, so
the Home Assistant layer can describe an entity once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType


class PowmrFamily(StrEnum):
    """Wire protocol family; a model name alone does not tell which one a unit speaks."""

    FAMILY_A = "family_a"
    SMG_II = "smg_ii"


def swap_bytes(word: int) -> int:
    """Swap the two bytes of a 16-bit word (Family A 45xx words arrive little-endian)."""
    return ((word & 0xFF) << 8) | (word >> 8)


@dataclass(frozen=True, slots=True)
class Register:
    """One readable value. `words` > 1 means a big-endian multi-word integer, high word first."""

    address: int
    key: str
    scale: float = 1.0
    unit: str | None = None
    options: Mapping[int, str] | None = None
    signed: bool = False
    words: int = 1
    boolean: bool = False


@dataclass(frozen=True, slots=True)
class FlagBit:
    """One bit of a flag word.

    `raw_mask` is the mask on the word as it comes off the wire (how odya
    publishes them); `logical_mask` applies to the byte-swapped word that the
    codec keeps. All bits of the mask must be set for the flag to be on.
    """

    address: int
    key: str
    raw_mask: int
    byte_swapped: bool = True

    @property
    def logical_mask(self) -> int:
        return swap_bytes(self.raw_mask) if self.byte_swapped else self.raw_mask


@dataclass(frozen=True, slots=True)
class Setting:
    """One writable setting, in physical units.

    Voltage bounds are given for a 24 V system and scale with the nominal
    battery voltage (`scales_with_battery`). `allowed_extra` lists values that
    lie outside the range but are still legal (5026 accepts 0 for "full").
    `mirror_key` is the snapshot key whose value reflects the setting.
    """

    address: int
    key: str
    minimum: float
    maximum: float
    step: float = 1.0
    scale: float = 1.0
    unit: str | None = None
    options: Mapping[int, str] | None = None
    scales_with_battery: bool = False
    allowed_extra: frozenset[float] = frozenset()
    mirror_key: str | None = None

    @property
    def is_switch(self) -> bool:
        return self.options is None and self.minimum == 0 and self.maximum == 1 and self.step == 1

    def bounds(self, battery_nominal_voltage: float) -> tuple[float, float]:
        factor = battery_nominal_voltage / 24.0 if self.scales_with_battery else 1.0
        return self.minimum * factor, self.maximum * factor


@dataclass(frozen=True, slots=True)
class Command:
    """A write-only register that makes the unit act once: `value` is what to write.

    There is nothing to read back. `required_mode` is the working mode
    (`operating_mode` label) the unit must be in for the command to mean
    anything; the client checks it on the unit before sending.
    """

    address: int
    key: str
    value: int
    required_mode: str | None = None


@dataclass(frozen=True, slots=True)
class RegisterMap:
    """Everything the codec and the client need to know about one family."""

    family: PowmrFamily
    registers: tuple[Register, ...]
    flags: tuple[FlagBit, ...]
    settings: tuple[Setting, ...]
    swapped_ranges: tuple[range, ...] = ()
    commands: tuple[Command, ...] = ()
    by_address: Mapping[int, Register] = field(init=False, repr=False, compare=False)
    settings_by_key: Mapping[str, Setting] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "by_address", MappingProxyType({r.address: r for r in self.registers})
        )
        object.__setattr__(
            self, "settings_by_key", MappingProxyType({s.key: s for s in self.settings})
        )

    def is_swapped(self, address: int) -> bool:
        return any(address in span for span in self.swapped_ranges)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.registers) + tuple(f.key for f in self.flags)


def _enum(*pairs: tuple[int, str]) -> Mapping[int, str]:
    return MappingProxyType(dict(pairs))


OPERATING_MODE_A = _enum((3, "battery"), (4, "line"))
OUTPUT_PRIORITY_A = _enum((0, "utility_first"), (1, "solar_first"), (2, "sbu"))
# Two firmware lineages number the charger priorities differently; the user picks.
CHARGER_PRIORITY_VARIANT_1 = _enum(
    (0, "utility_first"), (1, "solar_first"), (2, "solar_and_utility"), (3, "solar_only")
)
CHARGER_PRIORITY_VARIANT_2 = _enum((0, "solar_first"), (1, "solar_and_utility"), (2, "solar_only"))
CHARGER_PRIORITY_VARIANTS: Mapping[int, Mapping[int, str]] = MappingProxyType(
    {1: CHARGER_PRIORITY_VARIANT_1, 2: CHARGER_PRIORITY_VARIANT_2}
)
AC_INPUT_RANGE_A = _enum((0, "appliances"), (1, "ups"))
OUTPUT_FREQUENCY_A = _enum((0, "50hz"), (1, "60hz"))
BATTERY_TYPE_A = _enum((0, "agm"), (1, "flooded"), (2, "user"), (3, "lithium"))
CHARGER_STATUS_A = _enum((0, "off"), (1, "idle"), (2, "charging"))

_A_REGISTERS = (
    Register(4501, "operating_mode", options=OPERATING_MODE_A),
    Register(4502, "grid_voltage", 0.1, "V"),
    Register(4503, "grid_frequency", 0.1, "Hz"),
    Register(4504, "pv_voltage", 0.1, "V"),
    Register(4505, "pv_power", 1, "W"),
    Register(4506, "battery_voltage", 0.1, "V"),
    Register(4507, "battery_soc", 1, "%"),
    Register(4508, "battery_charge_current", 1, "A"),
    Register(4509, "battery_discharge_current", 1, "A"),
    Register(4510, "output_voltage", 0.1, "V"),
    Register(4511, "output_frequency", 0.1, "Hz"),
    Register(4512, "output_apparent_power", 1, "VA"),
    Register(4513, "output_active_power", 1, "W"),
    Register(4514, "load_percent", 1, "%"),
    Register(4516, "flags_4516"),
    Register(4518, "main_cpu_version"),
    Register(4519, "secondary_cpu_version"),
    Register(4521, "rated_apparent_power", 1, "VA"),
    Register(4522, "rated_active_power", 1, "W"),
    Register(4523, "rated_grid_voltage", 1, "V"),
    Register(4524, "rated_grid_current", 1, "A"),
    Register(4525, "rated_battery_voltage", 0.1, "V"),
    Register(4526, "rated_output_voltage", 1, "V"),
    Register(4527, "rated_output_frequency", 0.1, "Hz"),
    Register(4528, "rated_output_current", 1, "A"),
    Register(4530, "error_code"),
    Register(4535, "settings_flags"),
    Register(4536, "charger_source_priority", options=CHARGER_PRIORITY_VARIANT_1),
    Register(4537, "output_source_priority", options=OUTPUT_PRIORITY_A),
    Register(4538, "ac_input_range", options=AC_INPUT_RANGE_A),
    Register(4540, "output_frequency_setting", options=OUTPUT_FREQUENCY_A),
    Register(4541, "max_charge_current", 1, "A"),
    Register(4542, "output_voltage_setting", 1, "V"),
    Register(4543, "max_utility_charge_current", 1, "A"),
    Register(4544, "back_to_utility_voltage", 0.1, "V"),
    Register(4545, "back_to_battery_voltage", 0.1, "V"),
    Register(4546, "bulk_charge_voltage", 0.1, "V"),
    Register(4547, "float_charge_voltage", 0.1, "V"),
    Register(4548, "low_dc_cutoff_voltage", 0.1, "V"),
    Register(4549, "equalization_voltage", 0.1, "V"),
    Register(4550, "equalization_time", 1, "min"),
    Register(4551, "equalization_timeout", 1, "min"),
    Register(4552, "equalization_interval", 1, "d"),
    Register(4553, "status_flags"),
    Register(4554, "status_flags_2"),
    Register(4555, "charger_status", options=CHARGER_STATUS_A),
    Register(4556, "temperature_aux", 1, "°C"),
    Register(4557, "temperature", 1, "°C"),
)

_A_FLAGS = (
    FlagBit(4535, "record_fault_code", 0x0001),
    FlagBit(4535, "battery_equalization", 0x0002),
    FlagBit(4535, "equalization_now", 0x0004),
    FlagBit(4535, "buzzer", 0x0100),
    FlagBit(4535, "backlight", 0x0400),
    FlagBit(4535, "restart_on_overload", 0x0800),
    FlagBit(4535, "restart_on_overtemperature", 0x1000),
    FlagBit(4535, "beep_on_source_failure", 0x2000),
    FlagBit(4535, "return_to_default_screen", 0x4000),
    FlagBit(4535, "overload_bypass", 0x8000),
    FlagBit(4553, "on_battery", 0x0100),
    FlagBit(4553, "grid_active", 0x2200),
    FlagBit(4553, "load_off", 0x1000),
    FlagBit(4553, "load_enabled", 0x4000),
    FlagBit(4554, "on_battery_2", 0x0001),
    FlagBit(4554, "grid_active_2", 0x8100),
)


def _switch(address: int, key: str) -> Setting:
    return Setting(address, key, 0, 1, mirror_key=key)


def _volts(address: int, key: str, minimum: float, maximum: float, step: float = 0.1) -> Setting:
    return Setting(
        address, key, minimum, maximum, step, 0.1, "V", scales_with_battery=True, mirror_key=key
    )


def _choice(address: int, key: str, options: Mapping[int, str], mirror: str | None) -> Setting:
    return Setting(address, key, min(options), max(options), options=options, mirror_key=mirror)


_A_SETTINGS = (
    _switch(5002, "buzzer"),
    _switch(5004, "backlight"),
    _switch(5005, "restart_on_overload"),
    _switch(5006, "restart_on_overtemperature"),
    _switch(5007, "beep_on_source_failure"),
    _switch(5008, "return_to_default_screen"),
    _switch(5009, "overload_bypass"),
    _switch(5010, "record_fault_code"),
    _choice(5017, "charger_source_priority", CHARGER_PRIORITY_VARIANT_1, "charger_source_priority"),
    _choice(5018, "output_source_priority", OUTPUT_PRIORITY_A, "output_source_priority"),
    _choice(5019, "ac_input_range", AC_INPUT_RANGE_A, "ac_input_range"),
    _choice(5020, "battery_type", BATTERY_TYPE_A, None),
    _choice(5021, "output_frequency_setting", OUTPUT_FREQUENCY_A, "output_frequency_setting"),
    Setting(5022, "max_charge_current", 10, 140, 10, unit="A", mirror_key="max_charge_current"),
    Setting(
        5023, "output_voltage_setting", 110, 240, unit="V", mirror_key="output_voltage_setting"
    ),
    Setting(
        5024,
        "max_utility_charge_current",
        0,
        100,
        unit="A",
        mirror_key="max_utility_charge_current",
    ),
    _volts(5025, "back_to_utility_voltage", 21.0, 25.5, 0.5),
    Setting(
        5026,
        "back_to_battery_voltage",
        24.0,
        29.0,
        0.5,
        0.1,
        "V",
        scales_with_battery=True,
        allowed_extra=frozenset({0.0}),
        mirror_key="back_to_battery_voltage",
    ),
    _volts(5027, "bulk_charge_voltage", 24.0, 30.5),
    _volts(5028, "float_charge_voltage", 24.0, 30.5),
    _volts(5029, "low_dc_cutoff_voltage", 20.0, 24.0),
    _volts(5030, "equalization_voltage", 24.0, 30.5),
    Setting(5031, "equalization_time", 5, 900, unit="min", mirror_key="equalization_time"),
    Setting(5032, "equalization_timeout", 5, 900, unit="min", mirror_key="equalization_timeout"),
    Setting(5033, "equalization_interval", 0, 90, unit="d", mirror_key="equalization_interval"),
)

FAMILY_A = RegisterMap(
    PowmrFamily.FAMILY_A, _A_REGISTERS, _A_FLAGS, _A_SETTINGS, swapped_ranges=(range(4501, 4562),)
)

WORKING_MODE_SMG = _enum(
    (0, "power_on"),
    (1, "standby"),
    (2, "line"),
    (3, "battery"),
    (4, "bypass"),
    (5, "charging"),
    (6, "fault"),
)
OUTPUT_PRIORITY_SMG = _enum(
    (0, "utility_first"), (1, "solar_first"), (2, "sbu"), (3, "sub"), (4, "suf")
)
CHARGER_PRIORITY_SMG = _enum(
    (0, "utility_first"), (1, "solar_first"), (2, "solar_and_utility"), (3, "solar_only")
)
BATTERY_TYPE_SMG = _enum(
    (0, "agm"),
    (1, "flooded"),
    (2, "user"),
    (3, "lithium_1"),
    (4, "lithium_2"),
    (5, "lithium_3"),
    (6, "lithium_4"),
    (8, "lithium_b"),
)
OUTPUT_MODE_SMG = _enum(
    (0, "single"),
    (1, "parallel"),
    (2, "three_phase_p1"),
    (3, "three_phase_p2"),
    (4, "three_phase_p3"),
)
AC_INPUT_RANGE_SMG = _enum((0, "wide"), (1, "narrow"))
BUZZER_MODE_SMG = _enum((0, "mute"), (1, "mode_1"), (2, "mode_2"), (3, "faults_only"))
# 406 turn-on mode and 420 remote switch: the vendor PDF (reference §3, "406 Turn-on mode
# R/W 0 local or remote, 1 local only, 2 remote only"; "420 Remote switch R/W 0 remote
# shutdown, 1 remote turn-on"). 426 (exit fault mode) is write-only: see _SMG_COMMANDS.
TURN_ON_MODE_SMG = _enum((0, "local_or_remote"), (1, "local_only"), (2, "remote_only"))
# 321 holds the output frequency in 0.01 Hz (reference §3, "320 / 321 Output voltage /
# frequency, 0.1 V / 0.01 Hz"); the units offer 50 and 60 Hz, named as Family A's 5021.
OUTPUT_FREQUENCY_SMG = _enum((5000, "50hz"), (6000, "60hz"))


_SMG_SWITCHES = (
    (305, "backlight"),
    (306, "return_to_default_screen"),
    (307, "energy_saving"),
    (308, "restart_on_overload"),
    (309, "restart_on_overtemperature"),
    (310, "overload_bypass"),
    (313, "battery_equalization"),
)


def _s16(address: int, key: str, scale: float = 1.0, unit: str | None = None) -> Register:
    return Register(address, key, scale, unit, signed=True)


_SMG_REGISTERS = (
    Register(100, "fault_bits", words=2),
    Register(108, "warning_bits", words=2),
    Register(201, "operating_mode", options=WORKING_MODE_SMG),
    _s16(202, "grid_voltage", 0.1, "V"),
    _s16(203, "grid_frequency", 0.01, "Hz"),
    _s16(204, "grid_power", 1, "W"),
    _s16(205, "inverter_voltage", 0.1, "V"),
    _s16(206, "inverter_current", 0.1, "A"),
    _s16(207, "inverter_frequency", 0.01, "Hz"),
    _s16(208, "inverter_power", 1, "W"),
    _s16(209, "inverter_charging_power", 1, "W"),
    _s16(210, "output_voltage", 0.1, "V"),
    _s16(211, "output_current", 0.1, "A"),
    _s16(212, "output_frequency", 0.01, "Hz"),
    _s16(213, "output_active_power", 1, "W"),
    _s16(214, "output_apparent_power", 1, "VA"),
    _s16(215, "battery_voltage", 0.1, "V"),
    _s16(216, "battery_current_avg", 0.1, "A"),
    _s16(217, "battery_power", 1, "W"),
    _s16(219, "pv_voltage", 0.1, "V"),
    _s16(220, "pv_current", 0.1, "A"),
    _s16(223, "pv_power", 1, "W"),
    _s16(224, "pv_charging_power", 1, "W"),
    _s16(225, "load_percent", 1, "%"),
    _s16(226, "temperature_aux", 1, "°C"),
    _s16(227, "temperature", 1, "°C"),
    Register(229, "battery_soc", 1, "%"),
    _s16(232, "battery_current", 0.1, "A"),
    _s16(233, "inverter_charging_current", 0.1, "A"),
    _s16(234, "pv_charging_current", 0.1, "A"),
    Register(300, "output_mode", options=OUTPUT_MODE_SMG),
    Register(301, "output_source_priority", options=OUTPUT_PRIORITY_SMG),
    Register(302, "ac_input_range", options=AC_INPUT_RANGE_SMG),
    Register(303, "buzzer_mode", options=BUZZER_MODE_SMG),
    *(Register(address, key, boolean=True) for address, key in _SMG_SWITCHES),
    Register(320, "output_voltage_setting", 0.1, "V"),
    Register(321, "output_frequency_setting", options=OUTPUT_FREQUENCY_SMG),
    Register(322, "battery_type", options=BATTERY_TYPE_SMG),
    Register(323, "battery_overvoltage_protection", 0.1, "V"),
    Register(324, "bulk_charge_voltage", 0.1, "V"),
    Register(325, "float_charge_voltage", 0.1, "V"),
    Register(326, "back_to_battery_voltage", 0.1, "V"),
    Register(327, "back_to_utility_voltage", 0.1, "V"),
    Register(329, "low_dc_cutoff_voltage", 0.1, "V"),
    Register(331, "charger_source_priority", options=CHARGER_PRIORITY_SMG),
    Register(332, "max_charge_current", 0.1, "A"),
    Register(333, "max_utility_charge_current", 0.1, "A"),
    Register(334, "equalization_voltage", 0.1, "V"),
    Register(335, "equalization_time", 1, "min"),
    Register(336, "equalization_timeout", 1, "min"),
    Register(337, "equalization_interval", 1, "d"),
    Register(341, "soc_back_to_utility", 1, "%"),
    Register(342, "soc_back_to_battery", 1, "%"),
    Register(343, "soc_low_cutoff", 1, "%"),
    Register(406, "turn_on_mode", options=TURN_ON_MODE_SMG),
    Register(420, "remote_switch", boolean=True),
    Register(643, "rated_active_power", 1, "W"),
)


def _smg_volts(address: int, key: str) -> Setting:
    return _volts(address, key, 20.0, 32.0)


_SMG_SETTINGS = (
    _choice(300, "output_mode", OUTPUT_MODE_SMG, "output_mode"),
    _choice(301, "output_source_priority", OUTPUT_PRIORITY_SMG, "output_source_priority"),
    _choice(302, "ac_input_range", AC_INPUT_RANGE_SMG, "ac_input_range"),
    _choice(303, "buzzer_mode", BUZZER_MODE_SMG, "buzzer_mode"),
    *(_switch(address, key) for address, key in _SMG_SWITCHES),
    _choice(322, "battery_type", BATTERY_TYPE_SMG, "battery_type"),
    *(
        _smg_volts(address, key)
        for address, key in (
            (323, "battery_overvoltage_protection"),
            (324, "bulk_charge_voltage"),
            (325, "float_charge_voltage"),
            (326, "back_to_battery_voltage"),
            (327, "back_to_utility_voltage"),
            (329, "low_dc_cutoff_voltage"),
            (334, "equalization_voltage"),
        )
    ),
    _choice(331, "charger_source_priority", CHARGER_PRIORITY_SMG, "charger_source_priority"),
    Setting(332, "max_charge_current", 0, 150, 0.1, 0.1, "A", mirror_key="max_charge_current"),
    Setting(
        333,
        "max_utility_charge_current",
        0,
        150,
        0.1,
        0.1,
        "A",
        mirror_key="max_utility_charge_current",
    ),
    Setting(335, "equalization_time", 0, 900, unit="min", mirror_key="equalization_time"),
    Setting(336, "equalization_timeout", 0, 900, unit="min", mirror_key="equalization_timeout"),
    Setting(337, "equalization_interval", 1, 90, unit="d", mirror_key="equalization_interval"),
    Setting(341, "soc_back_to_utility", 0, 100, unit="%", mirror_key="soc_back_to_utility"),
    Setting(342, "soc_back_to_battery", 0, 100, unit="%", mirror_key="soc_back_to_battery"),
    Setting(343, "soc_low_cutoff", 0, 100, unit="%", mirror_key="soc_low_cutoff"),
    _choice(406, "turn_on_mode", TURN_ON_MODE_SMG, "turn_on_mode"),
    _switch(420, "remote_switch"),
)

# The vendor PDF (reference §3): "426 Exit fault mode, W, write 1 (only valid in fault
# mode)"; syssi/esphome-smg-ii offers it as its "exit fault state" button.
_SMG_COMMANDS = (Command(426, "exit_fault", 1, required_mode="fault"),)

SMG_II = RegisterMap(PowmrFamily.SMG_II, _SMG_REGISTERS, (), _SMG_SETTINGS, commands=_SMG_COMMANDS)

REGISTER_MAPS: Mapping[PowmrFamily, RegisterMap] = MappingProxyType(
    {PowmrFamily.FAMILY_A: FAMILY_A, PowmrFamily.SMG_II: SMG_II}
)


def register_map(family: PowmrFamily, charger_priority_variant: int = 1) -> RegisterMap:
    """The map for a family; Family A's charger-priority codes depend on the firmware variant."""
    if family is PowmrFamily.SMG_II or charger_priority_variant == 1:
        return REGISTER_MAPS[family]
    options = CHARGER_PRIORITY_VARIANTS[charger_priority_variant]
    registers = tuple(
        replace(r, options=options) if r.key == "charger_source_priority" else r
        for r in FAMILY_A.registers
    )
    settings = tuple(
        replace(s, options=options, maximum=max(options))
        if s.key == "charger_source_priority"
        else s
        for s in FAMILY_A.settings
    )
    return replace(FAMILY_A, registers=registers, settings=settings)
