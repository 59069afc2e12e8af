"""Emulated MasterBus devices: a MasterShunt, a Mass Combi Ultra and a Solar
ChargeMaster, with schemas, strings and metadata shaped like the real ones
(field numbers, names, units and visualisations from the protocol reference).

The Mass Combi also has settings menus and access levels, as modelled by
`protocol.masterbus.menus` (the reference documents the properties, not a
device's answers at a too-low level): its Configuration menu opens to
everyone; its Service menu opens from the installer level, and at a lower
level the device answers that menu's group count with the NAK it gives an
unsupported property (reference §2.3, decoded from captures). A login with
a wrong code leaves the level where it was. `TEST_ACCESS_CODE` is this
simulator's own invention, not a Mastervolt code.

A device answers requests addressed to it; the network (`network.py`) decides
who hears what. Values are functions of time, so they move plausibly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
import math
from typing import Any

from custom_components.offgrid_power.protocol.masterbus.codec import (
    AccessLevel,
    AccessLevelReply,
    AccessLevelRequest,
    Announcement,
    Attribute,
    Btm3Request,
    Btm3Value,
    Btm3Write,
    Channel,
    FieldCountReply,
    FieldCountRequest,
    FirmwareReply,
    FirmwareRequest,
    GroupFieldReply,
    GroupFieldRequest,
    GroupNameReply,
    GroupNameRequest,
    Menu,
    MenuCountReply,
    MenuCountRequest,
    Message,
    MetadataReply,
    MetadataRequest,
    NoValue,
    PropertyRejected,
    SchemaTab,
    StringChunkReply,
    StringChunkRequest,
    StringIdReply,
    StringIdRequest,
    ValueReply,
    ValueRequest,
    ValueWrite,
)
from custom_components.offgrid_power.protocol.masterbus.models import Visualisation
from custom_components.offgrid_power.protocol.masterbus.values import encode_date, encode_float
from simulators.day import DayBattery, SimulatedDay

Signal = Callable[[float], float]
FIRST_STRING_ID = 0x10
TEST_ACCESS_CODE = 805301.0
MenuGroups = list[tuple[str, list[int]]]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One emulated field: its self-description and where its value comes from.

    A writable field stores what is written (starting at `initial`); a field
    with `commit` applies a write only when the commit token reaches field + 1.
    A field is writable from access level `writable_from` on.
    """

    field: int
    name: str
    unit: str = ""
    visualisation: Visualisation = Visualisation.FLOAT
    signal: Signal | None = None
    initial: float = 0.0
    step: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    options: tuple[str, ...] = ()
    writable: bool = False
    commit: bool = False
    writable_from: int = AccessLevel.END_USER
    text: str = ""  # a text field's string; its value is the string's id


class SimulatedDevice:
    """A device on the emulated bus, with runtime fault switches."""

    def __init__(
        self,
        *,
        address: int,
        article: str,
        serial: str,
        name: str,
        firmware: tuple[int, int],
        groups: list[tuple[str, list[int]]],
        fields: list[FieldSpec],
        unit_code: int = 1,
        btm3_fields: dict[int, float] | None = None,
        menus: dict[int, MenuGroups] | None = None,
        menu_levels: dict[int, int] | None = None,
        access_codes: dict[int, float] | None = None,
    ) -> None:
        self.address = address
        self.article, self.serial, self.name = article, serial, name
        self.firmware = firmware
        self.groups = groups
        # Settings menus, in group-number order after the monitoring groups.
        self.menus: dict[int, MenuGroups] = {
            m: (menus or {}).get(m, []) for m in (Menu.CONFIGURATION, Menu.SERVICE)
        }
        self.menu_levels = dict(menu_levels or {})
        # None: a device without access levels (it refuses `08 19`).
        self.access_codes = access_codes
        self.access_level = AccessLevel.END_USER
        self.access_requests: list[AccessLevelRequest] = []
        self.fields = {spec.field: spec for spec in fields}
        self.unit_code = unit_code
        self.change_counter = 1
        self.present = True
        self.silent = False
        self.not_available: set[int] = set()
        # Requests left unanswered, as by a device that answers only part.
        self.ignores: Callable[[Message], bool] = lambda _: False
        self._stored = {spec.field: spec.initial for spec in fields if spec.writable}
        self._btm3 = dict(btm3_fields or {})
        self._awaiting_commit: dict[int, float] = {}
        self._strings: dict[str, int] = {}
        for text in self._all_texts():
            self._strings.setdefault(text, FIRST_STRING_ID + len(self._strings))
        self._texts = {sid: text for text, sid in self._strings.items()}

    def all_groups(self) -> list[tuple[int, str, list[int]]]:
        """Every group by its number: the monitoring menu's, then the settings menus'."""
        numbered: list[tuple[int, str, list[int]]] = [
            (Menu.MONITORING, name, fields) for name, fields in self.groups
        ]
        for menu, groups in self.menus.items():
            numbered += [(menu, name, fields) for name, fields in groups]
        return numbered

    def _all_texts(self) -> list[str]:
        texts = [self.article, self.serial, self.name, *(name for _, name, _ in self.all_groups())]
        for spec in self.fields.values():
            texts += [spec.name, spec.unit, spec.text, *spec.options]
        return [text for text in texts if text]

    def string_id(self, text: str) -> int:
        """The id of one of the device's strings (0 for the empty string)."""
        return self._strings.get(text, 0)

    def announcement(self) -> Announcement:
        return Announcement(self.address, self.change_counter, self.unit_code)

    def value(self, field: int, elapsed: float) -> float | None:
        """The current value of a field, None when it is not available."""
        spec = self.fields[field]
        if field in self.not_available:
            return None
        if spec.visualisation is Visualisation.TEXT:
            return float(self.string_id(spec.text))
        if spec.writable:
            return self._stored[field]
        return spec.signal(elapsed) if spec.signal else spec.initial

    def handle(self, message: Message, elapsed: float) -> list[Message]:
        """The replies to a frame addressed to this device (none when silent)."""
        if not self.present or self.silent or message.address != self.address:
            return []
        if self.ignores(message):
            return []
        match message:
            case FirmwareRequest() | StringIdRequest() | StringChunkRequest() | MenuCountRequest():
                return [self._property(message)]
            case AccessLevelRequest():
                return [self._access(message)]
            case GroupNameRequest() | FieldCountRequest() | GroupFieldRequest():
                return self._schema(message)
            case MetadataRequest(channel=Channel.BTM1):
                return self._metadata(message)
            case ValueRequest():
                return [self._read(message.field, elapsed)]
            case ValueWrite():
                self._write(message)
                return []
            case Btm3Request() | Btm3Write():
                return self._btm3_access(message)
        return []

    def _property(
        self, request: FirmwareRequest | StringIdRequest | StringChunkRequest | MenuCountRequest
    ) -> Message:
        address = self.address
        match request:
            case FirmwareRequest(part=0):
                return FirmwareReply(address, 0, minor=self.firmware[1], major=self.firmware[0])
            case FirmwareRequest(part=1):
                return FirmwareReply(address, 1, 0, 0)
            case StringIdRequest(kind=kind) if 1 <= kind <= 3:
                text = (self.article, self.serial, self.name)[kind - 1]
                return StringIdReply(address, kind, self.string_id(text))
            case StringChunkRequest(string_id=sid, sequence=seq) if sid in self._texts:
                text = self._texts[sid]
                chunk = text[seq * 4 : seq * 4 + 4]
                return StringChunkReply(address, sid, seq, chunk, final=len(chunk) < 4)
            case MenuCountRequest(menu=Menu.MONITORING):
                return MenuCountReply(address, Menu.MONITORING, len(self.groups))
            case MenuCountRequest(menu=menu) if self.menus.get(menu) and self._opens(menu):
                return MenuCountReply(address, menu, len(self.menus[menu]))
        head = request.to_frame().data
        return PropertyRejected(address, head[0], head[1])

    def _opens(self, menu: int) -> bool:
        return self.access_level >= self.menu_levels.get(menu, 0)

    def _access(self, request: AccessLevelRequest) -> Message:
        if self.access_codes is None:
            return PropertyRejected(self.address, *request.to_frame().data[:2])
        self.access_requests.append(request)
        if request.level == AccessLevel.END_USER:
            self.access_level = AccessLevel.END_USER
        elif request.level is not None and self.access_codes.get(request.level) == request.code:
            self.access_level = AccessLevel(request.level)
        return AccessLevelReply(self.address, self.access_level)

    def writable(self, spec: FieldSpec) -> bool:
        """Whether a field takes writes at the device's current access level."""
        return spec.writable and self.access_level >= spec.writable_from

    def _schema(
        self, request: GroupNameRequest | FieldCountRequest | GroupFieldRequest
    ) -> list[Message]:
        numbered = self.all_groups()
        if request.tab != SchemaTab.MONITORING or request.group >= len(numbered):
            return []
        menu, name, members = numbered[request.group]
        if not self._opens(menu):
            return []
        match request:
            case GroupNameRequest():
                return [GroupNameReply(self.address, request.group, self.string_id(name))]
            case FieldCountRequest():
                return [FieldCountReply(self.address, request.group, len(members))]
            case GroupFieldRequest() if request.index < len(members):
                return [
                    GroupFieldReply(
                        self.address, request.group, request.index, members[request.index]
                    )
                ]
        return []

    def _metadata(self, request: MetadataRequest) -> list[Message]:
        spec = self.fields.get(request.field)
        if spec is None:
            return []
        answers: dict[int, float | int | None] = {
            Attribute.NAME: self.string_id(spec.name),
            Attribute.UNIT: self.string_id(spec.unit),
            Attribute.VISUALISATION: int(spec.visualisation),
            Attribute.STEP: spec.step,
            Attribute.MINIMUM: spec.minimum,
            Attribute.MAXIMUM: len(spec.options) if spec.options else spec.maximum,
            Attribute.WRITABLE: int(self.writable(spec)),
        }
        option = request.option or 0
        if request.attribute == Attribute.OPTION_LABEL and option < len(spec.options):
            sid = self.string_id(spec.options[option])
            return [MetadataReply(self.address, Attribute.OPTION_LABEL, spec.field, sid, option)]
        if request.attribute not in answers:
            return []  # like real devices: e.g. "eventable" is only answered by eventable fields
        return [
            MetadataReply(
                self.address, request.attribute, spec.field, answers[request.attribute], 3
            )
        ]

    def _read(self, field: int, elapsed: float) -> Message:
        if field not in self.fields:
            return NoValue(self.address, field)
        return ValueReply(self.address, field, encode_float(self.value(field, elapsed)))

    def _write(self, write: ValueWrite) -> None:
        if write.is_commit:
            pending = self._awaiting_commit.pop(write.field - 1, None)
            if pending is not None:
                self._stored[write.field - 1] = pending
            return
        spec = self.fields.get(write.field)
        if spec is None or not self.writable(spec) or write.value is None:
            return
        if spec.commit:
            self._awaiting_commit[write.field] = write.value
        else:
            self._stored[write.field] = write.value

    def _btm3_access(self, message: Btm3Request | Btm3Write) -> list[Message]:
        if message.field not in self._btm3:
            return []
        if isinstance(message, Btm3Write) and message.value is not None:
            self._btm3[message.field] = message.value
        return [Btm3Value(self.address, message.field, encode_float(self._btm3[message.field]))]


def _wave(mean: float, amplitude: float, period: float, phase: float = 0.0) -> Signal:
    return lambda t: mean + amplitude * math.sin(2 * math.pi * t / period + phase)


def _seconds_since_midnight(_: float) -> float:
    now = datetime.now()
    return float(now.hour * 3600 + now.minute * 60 + now.second)


def _today(_: float) -> float:
    return encode_date(datetime.now().date())


def master_shunt(
    address: int = 0x6DB09B, serial: str = "KL21S0412", name: str = "MSH Battery"
) -> SimulatedDevice:
    """A MasterShunt 500 (current firmware layout: time 10, date 11)."""
    v, a = Visualisation.FLOAT, Visualisation.DROPDOWN
    return SimulatedDevice(
        address=address,
        article="77020115",
        serial=serial,
        name=name,
        firmware=(2, 4),
        unit_code=2,
        groups=[("Monitoring", [0, 4, 3, 1, 2, 5, 10, 11]), ("History", [12, 61])],
        fields=[
            FieldSpec(0, "State of Charge", "%", v, _wave(82, 6, 900), step=0.1, maximum=100),
            FieldSpec(1, "Battery", "V", v, _wave(12.9, 0.25, 120), step=0.01, maximum=65),
            FieldSpec(
                2, "Battery", "A", v, _wave(-4, 12, 90), step=0.1, minimum=-1500, maximum=1500
            ),
            FieldSpec(
                3, "Cap. consumed", "Ah", v, _wave(35, 10, 900, math.pi), step=0.1, maximum=2000
            ),
            FieldSpec(4, "Remaining", "", Visualisation.DURATION, _wave(300_000, 20_000, 600)),
            FieldSpec(5, "Battery", "°C", v, _wave(21.5, 1.5, 1800), step=0.1, maximum=150),
            FieldSpec(10, "Time", "", Visualisation.DURATION, _seconds_since_midnight),
            FieldSpec(11, "Date", "", Visualisation.DATE, _today),
            FieldSpec(12, "MB voltage", "V", v, initial=15.0, step=0.1, maximum=21.5),
            FieldSpec(
                61, "Total Ah's", "kAh", v, lambda t: 12.5 + t / 360_000, step=0.001, maximum=1e6
            ),
            FieldSpec(
                19,
                "Battery capacity",
                "Ah",
                v,
                initial=400,
                step=1,
                minimum=0,
                maximum=10_000,
                writable=True,
            ),
            FieldSpec(
                20,
                "Battery type",
                "",
                a,
                initial=1,
                options=("Flooded", "AGM", "Gel", "MLI"),
                writable=True,
            ),
        ],
    )


def mass_combi() -> SimulatedDevice:
    """A Mass Combi Ultra 12/3500 (field ids as in the reference, §4.3)."""
    v, a = Visualisation.FLOAT, Visualisation.DROPDOWN
    states = ("Standby", "Inverting", "Alarm", "Charging", "Supporting", "Overload", "Low Bat")
    charger = ("Standby", "Bulk", "Absorption", "Float", "Constant voltage", "Equalize")
    return SimulatedDevice(
        address=0x1A94C7,
        article="38013000",
        serial="M921K0415",
        name="MCU Combi",
        firmware=(2, 67),
        groups=[
            ("Status", [0x10, 0x14, 0x13, 0x12]),
            ("Battery", [0x06, 0x07, 0x15]),
            ("Mains", [0x08, 0x09, 0x5E]),
            ("AC Output", [0x0A, 0x0B, 0x62]),
            ("Overview", [0x10, 0x06, 0x62]),  # fields repeat across groups on real units
        ],
        fields=[
            FieldSpec(0x10, "Device state", "", a, initial=3, options=states),
            FieldSpec(0x14, "Inverter", "", a, initial=1, options=("Off", "On"), writable=True),
            FieldSpec(
                0x13,
                "Mains fuse",
                "A",
                v,
                initial=16,
                step=0.5,
                minimum=0,
                maximum=300,
                writable=True,
            ),
            FieldSpec(0x12, "Main charger state", "", a, initial=3, options=charger),
            FieldSpec(0x06, "Main battery", "V", v, _wave(13.4, 0.3, 150), step=0.01, maximum=36),
            FieldSpec(
                0x07, "Main battery", "A", v, _wave(18, 6, 110), step=0.1, minimum=-300, maximum=300
            ),
            FieldSpec(0x15, "Main battery", "°C", v, _wave(23, 1, 1200), step=0.1, maximum=100),
            FieldSpec(0x08, "Mains", "V", v, _wave(230, 2.5, 45), step=0.1, maximum=300),
            FieldSpec(0x09, "Mains", "A", v, _wave(4.2, 1.2, 70), step=0.01, maximum=50),
            FieldSpec(0x5E, "Mains", "W", v, _wave(960, 270, 70), step=1, maximum=12_000),
            FieldSpec(0x0A, "AC Output 1", "V", v, _wave(230, 0.8, 60), step=0.1, maximum=300),
            FieldSpec(0x0B, "AC Output 1", "A", v, _wave(2.1, 0.9, 80), step=0.01, maximum=50),
            FieldSpec(0x62, "AC Output 1", "W", v, _wave(480, 200, 80), step=1, maximum=12_000),
            # Configuration menu: the charger's targets.
            FieldSpec(0x40, "Absorption voltage", "V", v, initial=14.4, **_CHARGE_VOLTS),
            FieldSpec(0x41, "Float voltage", "V", v, initial=13.5, **_CHARGE_VOLTS),
            FieldSpec(0x42, "Battery name", "", Visualisation.TEXT, text="House bank"),
            # Service menu: opens to installers; writable only at that level.
            FieldSpec(
                0x44,
                "Max. charge current",
                "A",
                v,
                initial=100,
                step=1,
                minimum=5,
                maximum=100,
                writable=True,
                writable_from=AccessLevel.INSTALLER,
            ),
        ],
        btm3_fields={11: 0.0},  # "AC IN support" on the newer channel
        menus={
            Menu.CONFIGURATION: [("Charger", [0x40, 0x41]), ("Battery", [0x42])],
            Menu.SERVICE: [("Installer", [0x44])],
        },
        menu_levels={Menu.SERVICE: AccessLevel.INSTALLER},
        access_codes={AccessLevel.INSTALLER: TEST_ACCESS_CODE},
    )


# A 12 V charger's target voltages: settable in 0.05 V steps within the bank's safe range.
_CHARGE_VOLTS: dict[str, Any] = {
    "step": 0.05,
    "minimum": 12.0,
    "maximum": 15.5,
    "writable": True,
}


def solar_chargemaster(
    address: int = 0x31B483, serial: str = "S119H0233", name: str = "SCM Solar"
) -> SimulatedDevice:
    """A Solar ChargeMaster (SCM60 MPPT-MB layout, §4.7); On/Off needs the commit token."""
    v, a = Visualisation.FLOAT, Visualisation.DROPDOWN
    current = _wave(6, 6, 300)
    return SimulatedDevice(
        address=address,
        article="131906000",
        serial=serial,
        name=name,
        firmware=(5, 22),
        groups=[("Solar", [2, 3, 4, 5, 6, 9]), ("Temperatures", [7, 8]), ("Control", [12])],
        fields=[
            FieldSpec(
                2, "Device state", "", a, initial=1, options=("Off", "Charging", "Standby", "Alarm")
            ),
            FieldSpec(
                3, "Charge state", "", a, initial=1, options=("Off", "Bulk", "Absorption", "Float")
            ),
            FieldSpec(4, "Solar voltage", "V", v, _wave(19, 2.5, 300), step=0.01, maximum=150),
            FieldSpec(
                5, "Charge current", "A", v, lambda t: max(0.0, current(t)), step=0.1, maximum=60
            ),
            FieldSpec(6, "Battery voltage", "V", v, _wave(13.5, 0.2, 150), step=0.01, maximum=65),
            FieldSpec(7, "Battery temp.", "°C", v, _wave(22, 1, 1500), step=0.1, maximum=100),
            FieldSpec(8, "Charger temp.", "°C", v, _wave(31, 3, 900), step=0.1, maximum=100),
            # Lifetime yield only ever grows.
            FieldSpec(
                9, "Total energy", "kWh", v, lambda t: 1234.5 + t / 3600, step=0.1, maximum=1e6
            ),
            FieldSpec(
                12, "On/Off", "", Visualisation.CHECKBOX, initial=1, writable=True, commit=True
            ),
        ],
    )


def default_devices(day: SimulatedDay | None = None) -> list[SimulatedDevice]:
    """The three devices every simulator starts with; with a ``day``, they follow it."""
    devices = [master_shunt(), mass_combi(), solar_chargemaster()]
    if day is not None:
        follow_day(day, *devices)
    return devices


def follow_day(
    day: SimulatedDay, shunt: SimulatedDevice, combi: SimulatedDevice, solar: SimulatedDevice
) -> None:
    """One 400 Ah bank: the Solar ChargeMaster fills it by day, the shunt measures it.

    A generator runs while the sun is up: the Combi passes it through to the
    house and charges from it; at night the Combi inverts the house load from
    the bank. The ChargeMaster's lifetime total grows with what it produced.
    """
    bank = DayBattery(
        day,
        capacity_wh=400 * 12.8,
        nominal_v=12.8,
        initial_soc=0.5,
        pv_peak_w=800.0,
        base_load_w=220.0,
        evening_load_w=250.0,
        generator_w=150.0,
    )

    def signal(read: Callable[[DayBattery], float]) -> Signal:
        return lambda t: read(bank.at(t))

    def combi_battery_watts(b: DayBattery) -> float:
        # Whatever reaches the bank that the sun did not bring: the charger, or the inverter's draw.
        return b.net_w - b.pv_w

    def mains_watts(b: DayBattery) -> float:
        return b.load_w + combi_battery_watts(b) if b.on_generator else 0.0

    follow = {
        shunt: {
            0: signal(lambda b: 100 * b.soc),
            1: signal(lambda b: b.voltage),
            2: signal(lambda b: b.current),
            3: signal(lambda b: 400 * (1 - b.soc)),
        },
        combi: {
            0x10: signal(lambda b: 3 if b.on_generator else 1),  # charging / inverting
            0x06: signal(lambda b: b.voltage),
            0x07: signal(lambda b: combi_battery_watts(b) / b.voltage),
            0x09: signal(lambda b: mains_watts(b) / 230),
            0x5E: signal(mains_watts),
            0x0B: signal(lambda b: b.load_w / 230),
            0x62: signal(lambda b: b.load_w),
        },
        solar: {
            5: signal(lambda b: b.pv_w / b.voltage),
            6: signal(lambda b: b.voltage),
            # Where the waving lifetime total starts.
            9: signal(lambda b: 1234.5 + b.produced_wh / 1000),
        },
    }
    for device, signals in follow.items():
        for field, field_signal in signals.items():
            device.fields[field] = replace(device.fields[field], signal=field_signal)
