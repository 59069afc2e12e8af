"""The PowMr link: connection settings, the poll coordinator and validated writes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import time
from typing import Any, Protocol

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from custom_components.offgrid_power.const import DOMAIN, LOGGER
from custom_components.offgrid_power.diagnostics import without_addresses
from custom_components.offgrid_power.models import OffGridConfigEntry
from custom_components.offgrid_power.protocol.powmr import (
    BatteryProfile,
    DerivedCalculator,
    DerivedValues,
    DongleClient,
    PowmrClient,
    PowmrError,
    PowmrFamily,
    PowmrSettingError,
    PowmrSnapshot,
    PowmrWriteNotConfirmedError,
    TransportConfig,
    TransportKind,
    parse_status,
)
from custom_components.offgrid_power.protocol.powmr.derived import nominal_battery_voltage
from custom_components.offgrid_power.protocol.powmr.registers import register_map, swap_bytes

from .const import (
    CONF_BATTERY_CAPACITY,
    CONF_BAUDRATE,
    CONF_CHARGER_PRIORITY_VARIANT,
    CONF_DETECTED_PROTOCOL,
    CONF_PROTOCOL,
    CONF_REPLY_PORT,
    CONF_SOC_EMPTY_VOLTAGE,
    CONF_SOC_FULL_VOLTAGE,
    CONF_TRANSPORT,
    CONF_UNIT_ID,
    DEFAULT_BATTERY_CAPACITY,
    DEFAULT_CHARGER_PRIORITY_VARIANT,
    DEFAULT_PORTS,
    DEFAULT_SCAN_INTERVAL,
    PROTOCOL_AUTO,
    Transport,
)

CONF_HOST = "host"
CONF_PORT = "port"
CONF_DEVICE = "device"


def unique_id_for(data: Mapping[str, Any]) -> str:
    """The entry's unique id: the link, since Family A units report no serial number.

    One link reaches one inverter, so the same serial port, or the same host
    and port (whatever framing is spoken over it), cannot be added twice. A
    unit id given explicitly tells several units behind one gateway apart.
    """
    transport = Transport(data[CONF_TRANSPORT])
    if transport is Transport.SERIAL:
        link = f"serial:{data[CONF_DEVICE]}"
    else:
        scheme = {
            Transport.RTU_OVER_UDP: "udp",
            Transport.DONGLE_HTTP: "http",
        }.get(transport, "tcp")
        link = f"{scheme}:{str(data[CONF_HOST]).strip().lower()}:{data[CONF_PORT]}"
    unit_id = data.get(CONF_UNIT_ID)
    return link if unit_id is None else f"{link}#{unit_id}"


def transport_config(data: Mapping[str, Any]) -> TransportConfig:
    """The library's transport settings for a Modbus entry."""
    transport = Transport(data[CONF_TRANSPORT])
    if transport is Transport.SERIAL:
        return TransportConfig(
            TransportKind.SERIAL,
            str(data[CONF_DEVICE]),
            baudrate=data.get(CONF_BAUDRATE),
            unit_id=data.get(CONF_UNIT_ID),
        )
    return TransportConfig(
        TransportKind(transport.value),
        str(data[CONF_HOST]),
        port=int(data.get(CONF_PORT, DEFAULT_PORTS[transport])),
        unit_id=data.get(CONF_UNIT_ID),
        reply_port=data.get(CONF_REPLY_PORT),
    )


def protocol_family(data: Mapping[str, Any]) -> PowmrFamily | None:
    """The protocol family the entry was set up with, None to detect it."""
    chosen = data.get(CONF_DETECTED_PROTOCOL) or data.get(CONF_PROTOCOL)
    if not isinstance(chosen, str) or chosen == PROTOCOL_AUTO:
        return None
    return PowmrFamily(chosen)


class SnapshotSource(Protocol):
    """Where snapshots come from: a Modbus client or the ESP32 dongle."""

    async def read_snapshot(self) -> PowmrSnapshot:
        """Read one snapshot."""

    async def close(self) -> None:
        """Release the link."""

    def diagnostics(self) -> dict[str, object]:
        """Link state for the diagnostics download."""


class DongleSource:
    """The dongle's JSON, as a snapshot source that remembers the last document."""

    def __init__(self, client: DongleClient) -> None:
        self.client = client
        self.last_document: object = None

    async def read_snapshot(self) -> PowmrSnapshot:
        self.last_document = await self.client.read_status()
        return parse_status(self.last_document)

    async def close(self) -> None:
        """The session belongs to Home Assistant: nothing to close."""

    def diagnostics(self) -> dict[str, object]:
        return {"transport": "dongle_http", "last_document": self.last_document}


def build_source(
    hass: HomeAssistant, data: Mapping[str, Any], options: Mapping[str, Any] | None = None
) -> SnapshotSource:
    """The snapshot source an entry (or a config flow's input) describes."""
    options = options or {}
    if Transport(data[CONF_TRANSPORT]) is Transport.DONGLE_HTTP:
        return DongleSource(
            DongleClient(
                async_get_clientsession(hass),
                str(data[CONF_HOST]),
                int(data.get(CONF_PORT, DEFAULT_PORTS[Transport.DONGLE_HTTP])),
            )
        )
    return PowmrClient(
        transport_config(data),
        protocol_family(data),
        charger_priority_variant=int(
            options.get(CONF_CHARGER_PRIORITY_VARIANT, DEFAULT_CHARGER_PRIORITY_VARIANT)
        ),
    )


async def async_probe(hass: HomeAssistant, data: Mapping[str, Any]) -> PowmrFamily:
    """Connect, detect (or confirm) the protocol family and read once; raise PowmrError."""
    source = build_source(hass, data)
    try:
        if isinstance(source, PowmrClient) and source.family is None:
            await source.detect_family()
        snapshot = await source.read_snapshot()
    finally:
        await source.close()
    return snapshot.family


def battery_profile(options: Mapping[str, Any], nominal_voltage: float | None) -> BatteryProfile:
    """The battery window for the derived SoC and stored energy."""
    default = BatteryProfile.for_nominal(
        nominal_voltage or 24.0,
        float(options.get(CONF_BATTERY_CAPACITY, DEFAULT_BATTERY_CAPACITY)),
    )
    empty = options.get(CONF_SOC_EMPTY_VOLTAGE)
    full = options.get(CONF_SOC_FULL_VOLTAGE)
    if empty is None or full is None or float(empty) >= float(full):
        return default
    return BatteryProfile(
        default.capacity_wh, float(empty), float(full), default.energy_empty_v, float(full)
    )


@dataclass(frozen=True, slots=True)
class LinkStats:
    """Link health at the time of the last successful poll."""

    last_success: datetime
    read_time_ms: float
    polls: int
    failed_polls: int
    consecutive_failures_before: int


@dataclass(frozen=True, slots=True)
class PowmrData:
    """What the entities read: the snapshot, derived values and link health."""

    snapshot: PowmrSnapshot
    derived: DerivedValues
    link: LinkStats
    modbus: bool

    def get(self, key: str) -> Any:
        """A snapshot value, or a derived one of that name."""
        value = self.snapshot.get(key)
        if value is None and key in DerivedValues.__slots__:
            value = getattr(self.derived, key)
        return value

    def number(self, key: str) -> float | None:
        """A numeric value, None when absent or not numeric."""
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value)

    def has(self, key: str) -> bool:
        """Whether the device has this value at all.

        A Modbus snapshot holds every key of the family's map (None until a
        read plan covers it); the dongle's JSON only carries part of it.
        """
        if key in self.snapshot.values:
            return self.modbus or self.snapshot.values[key] is not None
        return key in DerivedValues.__slots__ and getattr(self.derived, key) is not None

    @property
    def grid_import_power(self) -> float | None:
        """Power drawn from the grid: measured on SMG-II, estimated on Family A.

        Family A has no grid power register. On line mode the grid carries the
        load and the battery charge less what the PV supplies; on battery it
        carries nothing.
        """
        measured = self.number("grid_power")
        if measured is not None:
            return max(0.0, measured)
        mode = self.snapshot.get("operating_mode")
        if mode == "battery":
            return 0.0
        output = self.number("output_active_power")
        if mode != "line" or output is None:
            return None
        pv = self.number("pv_power") or 0.0
        charge = self.derived.charge_power or 0.0
        discharge = self.derived.discharge_power or 0.0
        return max(0.0, output + charge - pv - discharge)


@dataclass(slots=True)
class _Counters:
    polls: int = 0
    failed_polls: int = 0
    consecutive_failures: int = 0
    writes: int = 0
    failed_writes: int = 0
    last_error: str | None = None


class PowmrCoordinator(DataUpdateCoordinator[PowmrData]):
    """Polls one inverter and writes its settings, one request at a time."""

    config_entry: OffGridConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: OffGridConfigEntry,
        source: SnapshotSource,
        scan_interval: float = DEFAULT_SCAN_INTERVAL,
    ) -> None:
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"PowMr {entry.title}",
            update_interval=timedelta(seconds=scan_interval),
            # Energy counters need a sample every poll, changed or not.
            always_update=True,
        )
        self.source = source
        self.calculator: DerivedCalculator | None = None
        self.counters = _Counters()
        self.scan_interval = scan_interval

    @property
    def client(self) -> PowmrClient | None:
        """The Modbus client, None for the dongle."""
        return self.source if isinstance(self.source, PowmrClient) else None

    async def _async_update_data(self) -> PowmrData:
        counters = self.counters
        counters.polls += 1
        started = time.monotonic()
        try:
            snapshot = await self.source.read_snapshot()
        except PowmrError as err:
            counters.failed_polls += 1
            counters.consecutive_failures += 1
            counters.last_error = str(err) or type(err).__name__
            if self.calculator is not None:
                self.calculator.invalidate()
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="poll_failed",
                translation_placeholders={"error": counters.last_error},
            ) from err
        read_time_ms = (time.monotonic() - started) * 1000
        if self.calculator is None:
            self.calculator = DerivedCalculator(
                battery_profile(self.config_entry.options, self._nominal_voltage(snapshot)),
                max_gap_s=self.scan_interval * 3,
            )
        derived = self.calculator.update(snapshot, time.monotonic())
        link = LinkStats(
            last_success=dt_util.utcnow(),
            read_time_ms=round(read_time_ms, 1),
            polls=counters.polls,
            failed_polls=counters.failed_polls,
            consecutive_failures_before=counters.consecutive_failures,
        )
        counters.consecutive_failures = 0
        return PowmrData(snapshot, derived, link, modbus=self.client is not None)

    def _nominal_voltage(self, snapshot: PowmrSnapshot) -> float | None:
        client = self.client
        if client is not None and client.battery_nominal_voltage is not None:
            return client.battery_nominal_voltage
        return nominal_battery_voltage(snapshot)

    async def async_write_setting(self, key: str, value: float | str | bool) -> None:
        """Validate, write, read back, then refresh so every entity shows the device's value."""
        client = self.client
        if client is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="writes_unsupported"
            )
        self.counters.writes += 1
        try:
            await client.write_setting(key, value)
        except PowmrSettingError as err:
            self.counters.failed_writes += 1
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_setting",
                translation_placeholders={"setting": key, "value": str(value), "error": str(err)},
            ) from err
        except PowmrWriteNotConfirmedError as err:
            self.counters.failed_writes += 1
            await self.async_request_refresh()
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="write_not_confirmed",
                translation_placeholders={
                    "setting": key,
                    "value": str(value),
                    "confirmed": str(err.confirmed),
                },
            ) from err
        except PowmrError as err:
            self.counters.failed_writes += 1
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="write_failed",
                translation_placeholders={"setting": key, "error": str(err)},
            ) from err
        await self.async_refresh()

    def _link_diagnostics(self) -> dict[str, Any]:
        link = dict(self.source.diagnostics())
        client = self.client
        if client is not None:
            # The description names the host or port: it goes under a redacted key.
            link["address"] = link.pop("transport", None)
            link["transport"] = client.transport.kind.value
        return link

    def _without_link(self, text: str | None) -> str | None:
        """An error message with the entry's host or serial port taken out."""
        data = self.config_entry.data
        return without_addresses(text, (data.get(CONF_HOST), data.get(CONF_DEVICE)))

    def diagnostics(self) -> dict[str, Any]:
        """Raw words per block, decoded values, read-plan state, counters and ratings."""
        data = self.data
        result: dict[str, Any] = {
            "scan_interval": self.scan_interval,
            "counters": {
                "polls": self.counters.polls,
                "failed_polls": self.counters.failed_polls,
                "consecutive_failures": self.counters.consecutive_failures,
                "writes": self.counters.writes,
                "failed_writes": self.counters.failed_writes,
                "last_error": self._without_link(self.counters.last_error),
            },
            "link": self._link_diagnostics(),
        }
        if data is None:
            return result
        snapshot = data.snapshot
        result["protocol"] = snapshot.family
        result["ratings"] = {
            key: value for key, value in snapshot.values.items() if key.startswith("rated_")
        }
        result["values"] = dict(snapshot.values)
        result["derived"] = {name: getattr(data.derived, name) for name in DerivedValues.__slots__}
        client = self.client
        if client is not None:
            result["blocks"] = _blocks(client, snapshot)
        return result


@dataclass(slots=True)
class _BlockView:
    wire: list[str] = field(default_factory=list)
    logical: list[str] = field(default_factory=list)
    decoded: dict[str, Any] = field(default_factory=dict)


def _blocks(client: PowmrClient, snapshot: PowmrSnapshot) -> dict[str, Any]:
    """Each block of the last poll: words as received, in logical order, and decoded."""
    family = client.family
    if family is None:
        return {}
    registers = register_map(family, client.charger_priority_variant)
    snapshot_keys = {register.address: register.key for register in registers.registers}
    blocks: dict[str, Any] = {}
    for start, words in client.last_blocks.items():
        view = _BlockView()
        for offset, word in enumerate(words):
            address = start + offset
            logical = swap_bytes(word) if registers.is_swapped(address) else word
            view.wire.append(f"{word:04x}")
            view.logical.append(f"{logical:04x}")
            if (key := snapshot_keys.get(address)) is not None:
                view.decoded[key] = snapshot.get(key)
        blocks[f"{start}x{len(words)}"] = {
            "wire": " ".join(view.wire),
            "logical": " ".join(view.logical),
            "decoded": view.decoded,
        }
    return blocks
