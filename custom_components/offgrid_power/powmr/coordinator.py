"""The PowMr poll coordinator: one snapshot per poll, derived values, validated writes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
import time
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from custom_components.offgrid_power.const import DOMAIN, LOGGER
from custom_components.offgrid_power.diagnostics import without_addresses
from custom_components.offgrid_power.models import OffGridConfigEntry
from custom_components.offgrid_power.protocol.powmr import (
    BatteryProfile,
    DerivedCalculator,
    DerivedValues,
    PowmrClient,
    PowmrError,
    PowmrSettingError,
    PowmrSnapshot,
    PowmrWriteNotConfirmedError,
    block_views,
    nominal_battery_voltage,
)
from custom_components.offgrid_power.update_guard import guarded_update

from .const import (
    CONF_BATTERY_CAPACITY,
    CONF_DEVICE,
    CONF_HOST,
    CONF_SOC_EMPTY_VOLTAGE,
    CONF_SOC_FULL_VOLTAGE,
    DEFAULT_BATTERY_CAPACITY,
    DEFAULT_SCAN_INTERVAL,
)
from .data import LinkStats, PowmrData
from .source import SnapshotSource


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


@dataclass(slots=True)
class _Counters:
    polls: int = 0
    failed_polls: int = 0
    consecutive_failures: int = 0
    writes: int = 0
    failed_writes: int = 0
    last_error: str | None = None
    # Readings the plausibility gate dropped, per key.
    implausible: dict[str, int] = field(default_factory=dict)


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

    @guarded_update
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
        for key in snapshot.implausible:
            counters.implausible[key] = counters.implausible.get(key, 0) + 1
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
        await self._async_write(key, value, lambda client: client.write_setting(key, value))

    async def async_send_command(self, key: str) -> None:
        """Check the unit may take the command now, send it, then refresh."""
        await self._async_write(key, None, lambda client: client.send_command(key))

    async def _async_write(
        self,
        key: str,
        value: float | str | bool | None,
        write: Callable[[PowmrClient], Awaitable[object]],
    ) -> None:
        """Run one write (a setting's ``value``, or a command) through the client.

        It is counted, and its failures are translated; the refresh that
        follows makes every entity show what the device reports.
        """
        client = self.client
        if client is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="writes_unsupported"
            )
        self.counters.writes += 1
        try:
            await write(client)
        except PowmrSettingError as err:
            self.counters.failed_writes += 1
            if value is None:
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="command_refused",
                    translation_placeholders={"command": key, "error": str(err)},
                ) from err
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
                "implausible": dict(self.counters.implausible),
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
        result["last_poll"] = {
            "succeeded_at": data.link.last_success.isoformat(),
            "read_time_ms": data.link.read_time_ms,
        }
        result["values"] = dict(snapshot.values)
        result["derived"] = {name: getattr(data.derived, name) for name in DerivedValues.__slots__}
        client = self.client
        if client is not None and (registers := client.register_map) is not None:
            result["blocks"] = block_views(registers, client.last_blocks, snapshot)
        return result
