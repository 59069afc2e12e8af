"""Victron devices whose readings move, advertised as the real ones advertise.

A device takes a new reading every ``update_interval`` seconds: its raw
fields change, its nonce counts up and the payload is encrypted again with
the reference vector's key. Between readings it repeats the same
advertisement, so most of what a receiver hears is a repeat, as with real
devices (several advertisements a second, a new reading about once a second).
The very first advertisement is the reference vector itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
import math

from custom_components.offgrid_power.protocol.victron import (
    RecordLayout,
    build_advertisement,
    parse,
)
from simulators.day import DayBattery, SimulatedDay

from .vectors import (
    BATTERY_SENSE,
    ORION_SMART,
    SMART_SHUNT,
    SOLAR_CHARGER,
    VEBUS_FLOAT,
    ReferenceVector,
)

type RawFields = MutableMapping[str, int]
# Moves a device's raw fields: (raw, seconds since start, seconds since last reading).
type Behaviour = Callable[[RawFields, float, float], None]

# The advertising period a receiver hears, and how often the data changes.
ADVERTISING_INTERVAL = 0.2
UPDATE_INTERVAL = 1.0
_NONCE_MODULUS = 1 << 16


@dataclass(frozen=True, slots=True)
class Advertisement:
    """One advertisement as a Bluetooth proxy forwards it."""

    address: str
    name: str
    rssi: int
    data: bytes
    """``manufacturer_data[0x02E1]``: the company id is not included."""


class SimulatedDevice:
    """One Victron device seeded from a reference vector."""

    def __init__(
        self,
        address: str,
        name: str,
        vector: ReferenceVector,
        behaviour: Callable[[RawFields], Behaviour],
        *,
        rssi: int = -70,
        update_interval: float = UPDATE_INTERVAL,
    ) -> None:
        record = parse(vector.advertisement, vector.key)
        self.address = address
        self.name = name
        self.key = vector.key
        self.data = vector.advertisement
        self._layout: RecordLayout = record.layout
        self._product_id = record.product_id
        self._nonce = record.header.nonce or 0
        self._payload_length = len(vector.advertisement) - 8
        self._raw: RawFields = dict(record.raw)
        self._behaviour = behaviour(self._raw)
        self._base_rssi = rssi
        self._update_interval = update_interval
        self._elapsed = 0.0
        self._since_update = 0.0

    @property
    def readings(self) -> int:
        """How many readings the device has taken (the nonce counts them too)."""
        return int(self._elapsed // self._update_interval)

    def advance(self, seconds: float) -> Advertisement:
        """Let ``seconds`` pass; the advertisement the device sends at that moment."""
        self._elapsed += seconds
        self._since_update += seconds
        if self._since_update >= self._update_interval:
            self._behaviour(self._raw, self._elapsed, self._since_update)
            self._since_update = 0.0
            self._nonce = (self._nonce + 1) % _NONCE_MODULUS
            payload = self._layout.encode(self._raw).ljust(self._payload_length, b"\0")
            self.data = build_advertisement(
                self._layout.record_type,
                payload,
                self.key,
                product_id=self._product_id,
                nonce=self._nonce,
            )
        return self.advertisement()

    def advertisement(self) -> Advertisement:
        # Signal strength wanders a few dB, as it does through walls and bodies.
        rssi = self._base_rssi + round(3 * math.sin(self._elapsed * 1.7))
        return Advertisement(self.address, self.name, rssi, self.data)


def _wave(elapsed: float, period: float) -> float:
    return math.sin(2 * math.pi * elapsed / period)


def solar_charger(raw: RawFields) -> Behaviour:
    """PV power drifts with passing clouds; yield today grows with it."""
    energy_kwh = raw["yield_today"] / 100

    def move(raw: RawFields, elapsed: float, step: float) -> None:
        nonlocal energy_kwh
        pv_watts = 120 + 80 * _wave(elapsed, 300) + 10 * _wave(elapsed, 17)
        volts = 13.3 + 0.9 * pv_watts / 210
        energy_kwh += pv_watts * step / 3_600_000
        raw["pv_power"] = round(pv_watts)
        raw["battery_voltage"] = round(volts * 100)
        raw["battery_current"] = round(0.97 * pv_watts / volts * 10)
        raw["yield_today"] = int(energy_kwh * 100)
        raw["device_state"] = 3 if volts < 14.0 else 4  # bulk, then absorption

    return move


_SHUNT_CAPACITY_AH = 100.0
_TIME_TO_GO_NA = 0xFFFF


def battery_monitor(raw: RawFields) -> Behaviour:
    """A house bank that discharges through the evening and charges now and then."""
    consumed_ah = raw["consumed_ah"] / 10

    def move(raw: RawFields, elapsed: float, step: float) -> None:
        nonlocal consumed_ah
        amps = -6 + 9 * _wave(elapsed, 240)
        consumed_ah = min(max(consumed_ah - amps * step / 3600, 0.0), _SHUNT_CAPACITY_AH)
        remaining_ah = _SHUNT_CAPACITY_AH - consumed_ah
        soc = remaining_ah / _SHUNT_CAPACITY_AH
        raw["battery_current"] = round(amps * 1000)
        raw["battery_voltage"] = round((12.2 + 0.9 * soc + 0.01 * amps) * 100)
        raw["consumed_ah"] = round(consumed_ah * 10)
        raw["state_of_charge"] = round(soc * 1000)
        raw["time_to_go"] = (
            min(round(remaining_ah / -amps * 60), _TIME_TO_GO_NA - 1)
            if amps < -0.1
            else _TIME_TO_GO_NA
        )

    return move


def battery_sense(raw: RawFields) -> Behaviour:
    """Voltage and temperature of a starter battery in a warming engine bay."""

    def move(raw: RawFields, elapsed: float, step: float) -> None:
        celsius = 22.5 + 1.5 * _wave(elapsed, 600)
        raw["temperature"] = round((celsius + 273.15) * 100)
        raw["battery_voltage"] = round((12.22 + 0.05 * _wave(elapsed, 180)) * 100)

    return move


_ENGINE_CYCLE = 240.0
_VOLTS_NA = 0x7FFF
_ENGINE_SHUTDOWN = 1 << 7


def dcdc_converter(raw: RawFields) -> Behaviour:
    """An Orion that charges while the engine runs and waits while it is off."""

    def move(raw: RawFields, elapsed: float, step: float) -> None:
        running = elapsed % _ENGINE_CYCLE >= _ENGINE_CYCLE / 2
        if running:
            raw["device_state"] = 3  # bulk
            raw["input_voltage"] = round((14.1 + 0.1 * _wave(elapsed, 13)) * 100)
            raw["output_voltage"] = round((14.2 + 0.05 * _wave(elapsed, 29)) * 100)
            raw["off_reason"] = 0
        else:
            raw["device_state"] = 0  # off
            raw["input_voltage"] = round((12.9 + 0.05 * _wave(elapsed, 41)) * 100)
            raw["output_voltage"] = _VOLTS_NA
            raw["off_reason"] = _ENGINE_SHUTDOWN

    return move


_OUTAGE_CYCLE = 300.0
_OUTAGE_LENGTH = 60.0
_AC_IN_1, _AC_IN_NOT_CONNECTED = 0, 2
_FLOAT, _INVERTING = 5, 9


def _outage(elapsed: float) -> bool:
    return elapsed % _OUTAGE_CYCLE >= _OUTAGE_CYCLE - _OUTAGE_LENGTH


def vebus(raw: RawFields, outage_at: Callable[[float], bool] = _outage) -> Behaviour:
    """A MultiPlus feeding the house from shore power, inverting through an outage."""

    def move(raw: RawFields, elapsed: float, step: float) -> None:
        load_watts = 900 + 400 * _wave(elapsed, 200) + 80 * _wave(elapsed, 23)
        if outage_at(elapsed):
            volts = 12.6
            battery_watts = -load_watts / 0.9
            raw["device_state"] = _INVERTING
            raw["active_ac_in"] = _AC_IN_NOT_CONNECTED
            raw["ac_in_power"] = 0
        else:
            volts = 13.5
            battery_watts = 350 + 100 * _wave(elapsed, 500)
            raw["device_state"] = _FLOAT
            raw["active_ac_in"] = _AC_IN_1
            raw["ac_in_power"] = round(load_watts + battery_watts / 0.92)
        raw["ac_out_power"] = round(load_watts)
        raw["battery_voltage"] = round(volts * 100)
        raw["battery_current"] = round(battery_watts / volts * 10)

    return move


def day_behaviours(
    day: SimulatedDay,
) -> tuple[Callable[[RawFields], Behaviour], ...]:
    """A solar charger, a battery monitor and a MultiPlus that follow ``day``.

    The charger and the monitor share one bank: the sun fills it through the
    morning until it is full, the house drains it from the late afternoon. The
    MultiPlus is on shore power while the sun is up and inverts at night.
    """
    bank = DayBattery(
        day,
        capacity_wh=_SHUNT_CAPACITY_AH * 12.8,
        nominal_v=12.8,
        initial_soc=0.45,
        pv_peak_w=300.0,
        base_load_w=55.0,
        evening_load_w=60.0,
    )

    def solar(raw: RawFields) -> Behaviour:
        start_kwh = raw["yield_today"] / 100

        def move(raw: RawFields, elapsed: float, step: float) -> None:
            bank.at(elapsed)
            raw["pv_power"] = round(bank.pv_w)
            raw["battery_voltage"] = round(bank.voltage * 100)
            raw["battery_current"] = round(0.97 * bank.pv_w / bank.voltage * 10)
            raw["yield_today"] = int((start_kwh + bank.produced_wh / 1000) * 100)
            raw["device_state"] = _charger_state(bank)

        return move

    def monitor(raw: RawFields) -> Behaviour:
        def move(raw: RawFields, elapsed: float, step: float) -> None:
            bank.at(elapsed)
            amps = bank.current
            remaining_ah = bank.stored_wh / bank.nominal_v
            raw["battery_current"] = round(amps * 1000)
            raw["battery_voltage"] = round(bank.voltage * 100)
            raw["consumed_ah"] = round((_SHUNT_CAPACITY_AH - remaining_ah) * 10)
            raw["state_of_charge"] = round(bank.soc * 1000)
            raw["time_to_go"] = (
                min(round(remaining_ah / -amps * 60), _TIME_TO_GO_NA - 1)
                if amps < -0.1
                else _TIME_TO_GO_NA
            )

        return move

    def multiplus(raw: RawFields) -> Behaviour:
        return vebus(raw, outage_at=lambda elapsed: day.sun(elapsed) == 0.0)

    return solar, monitor, multiplus


_OFF, _BULK = 0, 3


def _charger_state(bank: DayBattery) -> int:
    if bank.pv_w <= 0:
        return _OFF
    return _FLOAT if bank.soc >= 1.0 else _BULK


def demo_devices(day: SimulatedDay | None = None) -> list[SimulatedDevice]:
    """Five devices of five kinds, as on a boat or in a camper van.

    With a ``day``, the solar charger, the battery monitor and the MultiPlus
    follow it (see `day_behaviours`); without one their values wave on their own.
    """
    solar, monitor, multiplus = (
        (solar_charger, battery_monitor, vebus) if day is None else day_behaviours(day)
    )
    return [
        SimulatedDevice("C0:DE:00:00:00:01", "BlueSolar HQ2209DEMO1", SOLAR_CHARGER, solar),
        SimulatedDevice(
            "C0:DE:00:00:00:02", "SmartShunt HQ2133DEMO2", SMART_SHUNT, monitor, rssi=-64
        ),
        SimulatedDevice(
            "C0:DE:00:00:00:03", "Smart Battery Sense HQ2140DEMO3", BATTERY_SENSE, battery_sense
        ),
        SimulatedDevice(
            "C0:DE:00:00:00:04", "Orion Smart HQ2201DEMO4", ORION_SMART, dcdc_converter, rssi=-78
        ),
        SimulatedDevice("C0:DE:00:00:00:05", "MultiPlus-II HQ2230DEMO5", VEBUS_FLOAT, multiplus),
    ]


def advertisement_stream(
    devices: list[SimulatedDevice], count: int, *, interval: float = ADVERTISING_INTERVAL
) -> Iterator[Advertisement]:
    """``count`` advertisements, the devices taking turns, each heard every ``interval`` s.

    With the default intervals four in five are repeats of the previous one.
    """
    for index in range(count):
        yield devices[index % len(devices)].advance(interval)
