"""A small but real family used to test the generic layer.

A TCP peer on 127.0.0.1 reports a power, a setpoint, a mode and an alarm
flag, and accepts writes. The runtime polls it with a DataUpdateCoordinator
and describes one entity of every platform, so the platform modules, the
energy sensor and the unload path run exactly as a family would run them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
import json
from typing import Any, Self

from homeassistant.const import Platform, UnitOfPower
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError, HomeAssistantError
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from custom_components.offgrid_power.binary_sensor import (
    OffGridBinarySensor,
    OffGridBinarySensorEntityDescription,
)
from custom_components.offgrid_power.const import DOMAIN, LOGGER
from custom_components.offgrid_power.energy import EnergyCounter
from custom_components.offgrid_power.models import OffGridConfigEntry, OffGridRuntime
from custom_components.offgrid_power.number import OffGridNumber, OffGridNumberEntityDescription
from custom_components.offgrid_power.select import OffGridSelect, OffGridSelectEntityDescription
from custom_components.offgrid_power.sensor import (
    OffGridEnergySensorEntityDescription,
    OffGridSensorEntityDescription,
    sensor_for,
)
from custom_components.offgrid_power.switch import OffGridSwitch, OffGridSwitchEntityDescription

MODES = ["eco", "boost"]


@dataclass
class LoopbackMeter:
    """The device: a line-based JSON protocol over TCP."""

    state: dict[str, Any] = field(
        default_factory=lambda: {"power": 1000.0, "setpoint": 20.0, "mode": "eco", "alarm": False}
    )
    failing: bool = False
    connections: set[asyncio.StreamWriter] = field(default_factory=set)
    port: int = 0
    _server: asyncio.Server | None = None

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self.connections):
            writer.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections.add(writer)
        try:
            while line := await reader.readline():
                if self.failing:
                    break
                command, *args = line.decode().split()
                if command == "SET":
                    self.state[args[0]] = json.loads(args[1])
                writer.write(json.dumps(self.state).encode() + b"\n")
                await writer.drain()
        finally:
            self.connections.discard(writer)
            writer.close()


class LoopbackCoordinator(DataUpdateCoordinator[dict[str, Any]]):
    """Polls the meter over one persistent connection."""

    def __init__(self, hass: HomeAssistant, entry: OffGridConfigEntry, port: int) -> None:
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name="loopback",
            update_interval=timedelta(seconds=10),
        )
        self._port = port
        self._stream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def _request(self, line: str) -> dict[str, Any]:
        if self._stream is None:
            self._stream = await asyncio.open_connection("127.0.0.1", self._port)
        reader, writer = self._stream
        writer.write(line.encode() + b"\n")
        await writer.drain()
        reply = await asyncio.wait_for(reader.readline(), 2)
        if not reply:
            raise ConnectionError("meter closed the connection")
        result: dict[str, Any] = json.loads(reply)
        return result

    async def _async_update_data(self) -> dict[str, Any]:
        try:
            return await self._request("READ")
        except (OSError, TimeoutError) as err:
            await self.async_close()
            raise UpdateFailed(str(err)) from err

    async def async_write_setting(self, key: str, value: float | str | bool) -> None:
        """Write one setting, read it back and publish the new data."""
        try:
            data = await self._request(f"SET {key} {json.dumps(value)}")
        except (OSError, TimeoutError) as err:
            await self.async_close()
            raise HomeAssistantError(str(err)) from err
        self.async_set_updated_data(data)

    async def async_close(self) -> None:
        """Close the connection; the next request opens a new one."""
        if self._stream is not None:
            _, writer = self._stream
            self._stream = None
            writer.close()
            await writer.wait_closed()


DEVICE = DeviceInfo(identifiers={(DOMAIN, "loopback")}, name="Loopback meter")

DESCRIPTIONS: dict[Platform, tuple[Any, ...]] = {
    Platform.SENSOR: (
        OffGridSensorEntityDescription(
            key="power",
            translation_key="power",
            native_unit_of_measurement=UnitOfPower.WATT,
            value_fn=lambda data: data.get("power"),
        ),
        OffGridEnergySensorEntityDescription(
            key="energy",
            translation_key="energy",
            source_fn=lambda data: data.get("power"),
            counter_factory=partial(EnergyCounter, max_step=60),
        ),
        OffGridSensorEntityDescription(
            key="missing",
            translation_key="missing",
            value_fn=lambda data: data["missing"],
            exists_fn=lambda data: "missing" in data,
        ),
    ),
    Platform.BINARY_SENSOR: (
        OffGridBinarySensorEntityDescription(
            key="alarm", translation_key="alarm", is_on_fn=lambda data: data.get("alarm")
        ),
    ),
    Platform.NUMBER: (
        OffGridNumberEntityDescription(
            key="setpoint",
            translation_key="setpoint",
            setting_key="setpoint",
            native_min_value=0,
            native_max_value=50,
            value_fn=lambda data: data.get("setpoint"),
        ),
    ),
    Platform.SELECT: (
        OffGridSelectEntityDescription(
            key="mode",
            translation_key="mode",
            setting_key="mode",
            options=MODES,
            current_fn=lambda data: data.get("mode"),
        ),
    ),
    Platform.SWITCH: (
        OffGridSwitchEntityDescription(
            key="alarm_switch",
            translation_key="alarm",
            setting_key="alarm",
            is_on_fn=lambda data: data.get("alarm"),
        ),
    ),
}

ENTITY_CLASSES: dict[Platform, Any] = {
    Platform.SENSOR: sensor_for,
    Platform.BINARY_SENSOR: OffGridBinarySensor,
    Platform.NUMBER: OffGridNumber,
    Platform.SELECT: OffGridSelect,
    Platform.SWITCH: OffGridSwitch,
}


class LoopbackRuntime(OffGridRuntime):
    """Everything the loopback entry owns while it is loaded."""

    platforms = tuple(DESCRIPTIONS)

    def __init__(
        self, hass: HomeAssistant, entry: OffGridConfigEntry, coordinator: LoopbackCoordinator
    ) -> None:
        super().__init__(hass, entry)
        self.coordinator = coordinator

    def async_add_platform_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        build = ENTITY_CLASSES[platform]
        async_add_entities(
            build(self.coordinator, description, DEVICE, self.entry.entry_id)
            for description in DESCRIPTIONS[platform]
            if description.exists_fn(self.coordinator.data)
        )

    async def async_shutdown(self) -> None:
        await self.coordinator.async_close()

    def diagnostics(self) -> dict[str, Any]:
        return {"data": self.coordinator.data, "address": "127.0.0.1"}


async def async_create_loopback_runtime(
    hass: HomeAssistant, entry: OffGridConfigEntry
) -> OffGridRuntime:
    """Connect to the meter named in the entry and fetch the first data."""
    port = entry.data.get("port")
    if not isinstance(port, int):
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="invalid_entry_data",
            translation_placeholders={"detail": "port"},
        )
    coordinator = LoopbackCoordinator(hass, entry, port)
    try:
        await coordinator.async_config_entry_first_refresh()
    except BaseException:
        await coordinator.async_close()
        raise
    return LoopbackRuntime(hass, entry, coordinator)
