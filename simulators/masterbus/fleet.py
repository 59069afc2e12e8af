"""A ten-device bus, as on a well-equipped boat: the three default devices, a
second MasterShunt and Solar ChargeMaster (same models, other units), a
CombiMaster, two Mac Plus DC-DC chargers, an Alpha Pro regulator and an MLI
Ultra battery.

Field numbers, names, units and option labels follow the protocol reference
(§4.2 CombiMaster, §4.5 Mac Plus, §4.8 Alpha Pro and MLI battery); values
are held still, as only discovery and polling load matter here. Firmware
versions of the models the reference gives none for are the simulator's own.
"""

from __future__ import annotations

from custom_components.offgrid_power.protocol.masterbus.models import Visualisation
from simulators.day import SimulatedDay

from .devices import FieldSpec, SimulatedDevice, default_devices, master_shunt, solar_chargemaster

FLOAT, DROPDOWN = Visualisation.FLOAT, Visualisation.DROPDOWN
CHECKBOX = Visualisation.CHECKBOX
ON_OFF_STATES = ("Off", "Bulk", "Absorption", "Float")


def combi_master() -> SimulatedDevice:
    """A CombiMaster 12/3000 (article 35013000, fw 8.86; reference §4.2)."""
    return SimulatedDevice(
        address=0x1B7CE1,
        article="35013000",
        serial="C817L0731",
        name="CMR Combi",
        firmware=(8, 86),
        groups=[
            ("Monitoring", [0, 1, 2, 3, 4, 5, 6, 8, 9]),
            ("Battery", [11, 12, 13, 14]),
            ("Control", [19, 21, 23]),
        ],
        fields=[
            FieldSpec(
                0,
                "Device state",
                "",
                DROPDOWN,
                initial=2,
                options=("Standby", "Charging", "Inverting", "Supporting", "Alarm"),
            ),
            FieldSpec(1, "Charger state", "", DROPDOWN, initial=3, options=ON_OFF_STATES),
            FieldSpec(2, "Input voltage", "V", FLOAT, initial=229.5, step=0.1, maximum=300),
            FieldSpec(3, "Input current", "A", FLOAT, initial=3.2, step=0.1, maximum=50),
            FieldSpec(4, "Input frequency", "Hz", FLOAT, initial=50.0, step=0.1, maximum=70),
            FieldSpec(5, "Output voltage", "V", FLOAT, initial=230.1, step=0.1, maximum=300),
            FieldSpec(6, "Output frequency", "Hz", FLOAT, initial=50.0, step=0.1, maximum=70),
            FieldSpec(8, "Output power", "W", FLOAT, initial=410, step=1, maximum=6000),
            FieldSpec(9, "Output load", "%", FLOAT, initial=14, step=1, maximum=200),
            FieldSpec(11, "Battery voltage", "V", FLOAT, initial=13.3, step=0.01, maximum=36),
            FieldSpec(
                12, "Battery current", "A", FLOAT, initial=8.5, step=0.1, minimum=-300, maximum=300
            ),
            FieldSpec(13, "Battery temp.", "°C", FLOAT, initial=19.5, step=0.1, maximum=100),
            FieldSpec(14, "State of charge", "%", FLOAT, initial=88, step=1, maximum=100),
            FieldSpec(19, "Inverter", "", CHECKBOX, initial=1, writable=True, commit=True),
            FieldSpec(21, "Charger", "", CHECKBOX, initial=1, writable=True, commit=True),
            FieldSpec(
                23,
                "AC IN limit",
                "A",
                FLOAT,
                initial=10,
                step=1,
                minimum=3,
                maximum=15,
                writable=True,
            ),
        ],
    )


def mac_plus(address: int, serial: str, name: str) -> SimulatedDevice:
    """A Mac Plus 12/24-30 DC-DC charger (article 81205100; reference §4.5)."""
    return SimulatedDevice(
        address=address,
        article="81205100",
        serial=serial,
        name=name,
        firmware=(1, 12),
        groups=[
            ("Monitoring", [0, 1, 4, 5, 6, 7, 8]),
            ("Temperatures", [13, 14]),
            ("Control", [64]),
        ],
        fields=[
            FieldSpec(
                0,
                "Device state",
                "",
                DROPDOWN,
                initial=2,
                options=("Standby", "Go to sleep", "Charging", "Alarm"),
            ),
            FieldSpec(
                1,
                "Charge state",
                "",
                DROPDOWN,
                initial=2,
                options=(
                    "Off",
                    "Initialize bulk",
                    "Bulk",
                    "Absorption",
                    "Float",
                    "Constant voltage",
                    "Stopped",
                ),
            ),
            FieldSpec(4, "Input voltage", "V", FLOAT, initial=13.9, step=0.01, maximum=36),
            FieldSpec(5, "Input current", "A", FLOAT, initial=14.2, step=0.1, maximum=60),
            FieldSpec(6, "Output voltage", "V", FLOAT, initial=27.6, step=0.01, maximum=36),
            FieldSpec(7, "Output current", "A", FLOAT, initial=6.8, step=0.1, maximum=30),
            FieldSpec(8, "Bat. volt sense", "V", FLOAT, initial=27.5, step=0.01, maximum=36),
            FieldSpec(13, "Device temperature", "°C", FLOAT, initial=34, step=0.1, maximum=100),
            FieldSpec(14, "Battery temperature", "°C", FLOAT, initial=21, step=0.1, maximum=100),
            FieldSpec(64, "On/Standby", "", CHECKBOX, initial=1, writable=True),
        ],
    )


def alpha_pro() -> SimulatedDevice:
    """An Alpha Pro MB alternator regulator (article 45513000; reference §4.8)."""
    return SimulatedDevice(
        address=0x329B8C,
        article="45513000",
        serial="A420E0119",
        name="APR Alternator",
        firmware=(3, 5),
        groups=[("Monitoring", [5, 6, 21, 14, 8]), ("Engine", [11, 12, 32])],
        fields=[
            FieldSpec(5, "Charger state", "", DROPDOWN, initial=1, options=ON_OFF_STATES),
            FieldSpec(6, "Battery voltage", "V", FLOAT, initial=14.2, step=0.01, maximum=36),
            FieldSpec(8, "Field current", "A", FLOAT, initial=3.1, step=0.1, maximum=20),
            FieldSpec(11, "Alternator shaft", "rpm", FLOAT, initial=4200, step=1, maximum=20_000),
            FieldSpec(12, "Engine shaft", "rpm", FLOAT, initial=1500, step=1, maximum=8000),
            FieldSpec(14, "Alternator voltage", "V", FLOAT, initial=14.4, step=0.01, maximum=36),
            FieldSpec(
                21, "Battery current", "A", FLOAT, initial=62, step=0.1, minimum=-300, maximum=300
            ),
            FieldSpec(32, "Alternator temp.", "°C", FLOAT, initial=71, step=0.1, maximum=150),
        ],
    )


def mli_battery() -> SimulatedDevice:
    """An MLI Ultra 12/5500 lithium battery (article 66016000; reference §4.8)."""
    return SimulatedDevice(
        address=0x6A2C51,
        article="66016000",
        serial="L322B0087",
        name="BAT MLI Ultra",
        firmware=(4, 18),
        unit_code=2,
        groups=[("Monitoring", [0, 1, 2, 4, 5]), ("Safety relay", [0x26])],
        fields=[
            FieldSpec(0, "State of Charge", "%", FLOAT, initial=91, step=0.1, maximum=100),
            FieldSpec(1, "Battery", "V", FLOAT, initial=13.31, step=0.01, maximum=16),
            FieldSpec(2, "Battery", "A", FLOAT, initial=-7.4, step=0.1, minimum=-500, maximum=500),
            FieldSpec(4, "Time remaining", "", Visualisation.DURATION, initial=172_800),
            FieldSpec(5, "Battery", "°C", FLOAT, initial=18.5, step=0.1, maximum=80),
            FieldSpec(0x26, "Relay", "", CHECKBOX, initial=1),
        ],
    )


def more_devices() -> list[SimulatedDevice]:
    """The seven devices beside the default three."""
    return [
        master_shunt(0x6D59B9, "KL21S0977", "MSH Starter"),
        solar_chargemaster(0x31C6A2, "S119H0871", "SCM Solar aft"),
        combi_master(),
        mac_plus(0x63D010, "M319D0412", "MAC Starter"),
        mac_plus(0x61CA96, "M319D0498", "MAC Bow"),
        alpha_pro(),
        mli_battery(),
    ]


def ten_devices(day: SimulatedDay | None = None) -> list[SimulatedDevice]:
    """The default three (following ``day`` if given) and the seven others."""
    return [*default_devices(day), *more_devices()]
