"""The MasterBus coordinator: one session on one CAN interface, polled.

The session (protocol library) discovers devices, keeps the heartbeat going
and matches replies; the coordinator opens the interface, polls the chosen
fields of every known device, reconnects with a back-off when the interface
fails, writes settings (commit-token rule, read-back) and keeps the schema
cache in Home Assistant storage.

Over 300 lines: link, polling (with the strings of text settings), writes and
the once-only logs share the session and the reconnect state, so they stay in
one class; which fields it polls and how a
write is committed are the library's (``poll_fields``, ``needs_commit``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

import can
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.storage import Store
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from custom_components.offgrid_power.const import DOMAIN, LOGGER
from custom_components.offgrid_power.diagnostics import without_addresses
from custom_components.offgrid_power.models import OffGridConfigEntry
from custom_components.offgrid_power.protocol.masterbus import (
    ConnectionLost,
    Device,
    DeviceUpdated,
    MasterBusError,
    MasterBusSession,
    NotSupportedError,
    RequestTimeout,
    SchemaCache,
    SessionEvent,
    TransportConfig,
    TransportError,
    Visualisation,
    close_bus,
    needs_commit,
    open_bus,
    poll_fields,
    settings,
)
from custom_components.offgrid_power.protocol.redact import mask_address_in, safe_address
from custom_components.offgrid_power.update_guard import guarded_update

from . import const
from .data import DeviceState, MasterbusData
from .known_fields import state_key


class MasterbusCoordinator(DataUpdateCoordinator[MasterbusData]):
    """Polls a MasterBus network; see the module docstring."""

    config_entry: OffGridConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: OffGridConfigEntry,
        transport: TransportConfig,
        *,
        cache: SchemaCache,
        store: Store[dict[str, Any]],
        scan_interval: float,
        listen_only: bool,
        writes: bool,
        selection: Mapping[str, list[int]],
        access_code: float | None = None,
    ) -> None:
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"MasterBus {transport.interface} {safe_address(transport.channel)}",
            update_interval=timedelta(seconds=scan_interval),
            always_update=True,
        )
        self.transport = transport
        self.listen_only = listen_only
        self.writes = writes and not listen_only
        self.selection = {serial: list(fields) for serial, fields in selection.items()}
        self.session = MasterBusSession(
            replace(const.SESSION_DEFAULTS, listen_only=listen_only, access_code=access_code),
            cache=cache,
        )
        self._store = store
        self._bus: can.BusABC | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._lost: Exception | None = None
        self._backoff = const.RECONNECT_MIN
        self._next_attempt = 0.0
        self.reconnects = 0
        self.last_error: str | None = None
        self.device_listeners: list[Callable[[], None]] = []
        # Serials the user removed while offline: left out until heard again.
        self._forgotten: set[str] = set()
        # Serials last seen offline, so leaving and returning are logged once each.
        self._offline: set[str] = set()
        # Serials whose locked menu was logged, once per start.
        self._locked_logged: set[str] = set()

    # --- link ----------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """Whether the interface is open and has not failed."""
        return self._bus is not None and self._lost is None and self.session.connected

    async def async_open(self) -> None:
        """Open the interface and start the session; raise TransportError."""
        bus = await self.hass.async_add_executor_job(open_bus, self.transport)
        try:
            await self.session.connect(bus)
        except BaseException:
            await self.hass.async_add_executor_job(close_bus, bus)
            raise
        self._bus = bus
        self._lost = None
        self._unsubscribe = self.session.add_listener(self._on_event)

    async def async_close(self) -> None:
        """Stop the session and close the interface; save the schema cache."""
        await self._async_drop_bus()
        await self._store.async_save(self.session.cache.to_dict())

    async def async_wait_for_devices(self, count: int, limit: float) -> None:
        """Give the devices chosen in the flow time to announce (from cache: instantly)."""
        if self.listen_only:
            return
        count = max(count, len(self.session.cache))
        try:
            async with asyncio.timeout(limit):
                if count > 0:
                    await self.session.wait_for_devices(count)
                    await self.session.wait_discovery()
                    return
                # Nothing expected: listen until no new device shows up for a while.
                seen = -1
                while True:
                    await asyncio.sleep(const.DISCOVERY_QUIET)
                    await self.session.wait_discovery()
                    found = sum(1 for d in self.session.devices.values() if d.identity)
                    if found and found == seen:
                        return
                    seen = found
        except TimeoutError:
            LOGGER.info(
                "Only %s of %s MasterBus devices answered at setup",
                sum(1 for d in self.session.devices.values() if d.identity),
                count,
            )

    @callback
    def _on_event(self, event: SessionEvent) -> None:
        if isinstance(event, ConnectionLost):
            if self._lost is None:
                LOGGER.warning(
                    "MasterBus interface %s failed: %s",
                    safe_address(self.transport.channel),
                    mask_address_in(str(event.error), self.transport.channel),
                )
            self._lost = event.error
            self.async_set_update_error(UpdateFailed(str(event.error)))
        elif isinstance(event, DeviceUpdated) and event.device.identity is not None:
            self._store.async_delay_save(self.session.cache.to_dict, 10)

    async def _async_drop_bus(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self.session.connected:
            await self.session.disconnect()
        if self._bus is not None:
            bus, self._bus = self._bus, None
            await self.hass.async_add_executor_job(close_bus, bus)

    async def _async_reconnect(self) -> None:
        await self._async_drop_bus()
        now = dt_util.utcnow().timestamp()
        if now < self._next_attempt:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="masterbus_reconnecting",
                translation_placeholders={"error": self.last_error or "?"},
            )
        try:
            await self.async_open()
        except TransportError as err:
            self.last_error = str(err)
            self._next_attempt = now + self._backoff
            self._backoff = min(self._backoff * 2, const.RECONNECT_MAX)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="masterbus_reconnecting",
                translation_placeholders={"error": str(err)},
            ) from err
        self._backoff = const.RECONNECT_MIN
        self._next_attempt = 0.0
        self.reconnects += 1
        LOGGER.info("MasterBus interface %s is back", safe_address(self.transport.channel))

    # --- devices ---------------------------------------------------------------------

    def forget(self, serial: str) -> None:
        """Leave out an offline device the user removed, until it is heard again."""
        self._forgotten.add(serial)
        if self.data is not None:
            self.data.devices.pop(serial, None)

    def _visible(self, device: Device) -> bool:
        """Whether a device belongs in the data; a forgotten one returns when it answers."""
        assert device.identity is not None
        serial = device.identity.serial
        if serial in self._forgotten and device.online:
            self._forgotten.discard(serial)
            LOGGER.info("%s is on the MasterBus again; adding it back", device.label)
        return serial not in self._forgotten

    def _log_availability(self, device: Device) -> None:
        """Log once when a device stops answering and once when it answers again."""
        assert device.identity is not None
        serial = device.identity.serial
        if not device.online and serial not in self._offline:
            self._offline.add(serial)
            LOGGER.info("%s stopped answering; its entities are unavailable", device.label)
        elif device.online and serial in self._offline:
            self._offline.discard(serial)
            LOGGER.info("%s answers again", device.label)

    def _log_locked(self, device: Device) -> None:
        """Say once which menu a device keeps closed at its access level."""
        assert device.identity is not None
        serial = device.identity.serial
        if not device.schema.locked or serial in self._locked_logged:
            return
        self._locked_logged.add(serial)
        for lock in device.schema.locked:
            LOGGER.info(
                "%s did not open its %s menu at access level %s; its settings there are not "
                "shown. %s",
                device.label,
                lock.menu.name.lower(),
                lock.level_name,
                "It stayed closed with the access code from the options (a wrong code, or a "
                "menu above the installer level)"
                if self.session.config.access_code is not None
                else "An installer may enter an access code in the options",
            )

    # --- polling ---------------------------------------------------------------------

    def fields_of(self, device: Device) -> list[int]:
        """The fields one poll reads from a device."""
        if device.identity is None:
            return []
        selected = self.selection.get(device.identity.serial)
        return poll_fields(device.identity, device.schema, selected, self.writes)

    @guarded_update
    async def _async_update_data(self) -> MasterbusData:
        if not self.connected:
            await self._async_reconnect()
        devices: dict[str, DeviceState] = {}
        for address, device in self.session.devices.items():
            if device.identity is None or not self._visible(device):
                continue
            fields = self.fields_of(device)
            values: dict[int, float | None] = {}
            texts: dict[int, str] = {}
            if self.listen_only:
                values = {f: self.session.value(address, f) for f in fields}
            elif device.online and fields:
                try:
                    values = await self.session.read_values(address, fields)
                    texts = await self._read_texts(device, values)
                except RequestTimeout:
                    pass  # the session marked it offline; logged below
                except TransportError as err:
                    self._lost = err
                    self.last_error = str(err)
                    raise UpdateFailed(
                        translation_domain=DOMAIN,
                        translation_key="masterbus_reconnecting",
                        translation_placeholders={"error": str(err)},
                    ) from err
            current = self.session.devices.get(address, device)
            self._log_availability(current)
            self._log_locked(current)
            devices[device.identity.serial] = DeviceState(current, values, texts)
        return MasterbusData(connected=True, devices=devices)

    async def _read_texts(
        self, device: Device, values: Mapping[int, float | None]
    ) -> dict[int, str]:
        """The strings the text settings name (their value is a string id)."""
        texts: dict[int, str] = {}
        for info in settings(device.schema):
            string_id = values.get(info.field)
            if info.visualisation is not Visualisation.TEXT or string_id is None:
                continue
            if string_id.is_integer() and 0 <= string_id <= 0xFFFF:
                try:
                    texts[info.field] = await self.session.read_text(device.address, int(string_id))
                except NotSupportedError:
                    continue
        return texts

    # --- writing ---------------------------------------------------------------------

    async def async_write_setting(self, key: str, value: float | str | bool) -> None:
        """Write one field (``serial:field``), read it back and publish it."""
        serial, _, field_text = key.partition(":")
        state = self.data.devices.get(serial) if self.data else None
        info = state.device.schema.field(int(field_text)) if state and field_text else None
        if state is None or info is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_setting",
                translation_placeholders={"value": str(value), "setting": key, "error": "unknown"},
            )
        raw = self._raw_value(info.name, info.options, info.visualisation, value)
        try:
            confirmed = await self.session.write_value(
                state.device.address,
                info.field,
                raw,
                commit=needs_commit(state.device.schema, info),
                verify=True,
            )
        except MasterBusError as err:  # WriteError (refused, not confirmed) and link errors
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="write_failed",
                translation_placeholders={"setting": info.name, "error": str(err)},
            ) from err
        state.values[info.field] = confirmed
        self.async_set_updated_data(self.data)

    @staticmethod
    def _raw_value(
        name: str, options: tuple[str, ...], visualisation: Visualisation, value: float | str | bool
    ) -> float:
        if isinstance(value, bool):
            return 1.0 if value else 0.0
        if isinstance(value, str):
            # A translated drop-down offers state keys, any other the device's labels.
            index = next((i for i, o in enumerate(options) if value in (o, state_key(o))), None)
            if index is None:
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="invalid_setting",
                    translation_placeholders={
                        "value": value,
                        "setting": name,
                        "error": ", ".join(options),
                    },
                )
            return float(index)
        return float(value)

    def diagnostics(self) -> dict[str, Any]:
        """Link state, counters and every device's identity, schema and values."""
        session = self.session
        return {
            "transport": {
                "interface": self.transport.interface,
                "channel": self.transport.channel,
                "bitrate": self.transport.bitrate,
            },
            "connected": self.connected,
            "listen_only": self.listen_only,
            "writes": self.writes,
            "access_code_set": session.config.access_code is not None,
            "reconnects": self.reconnects,
            "last_error": without_addresses(
                self.last_error, (self.transport.channel, self.transport.listen)
            ),
            "counters": {
                "frames_sent": session.frames_sent,
                "frames_received": session.frames_received,
                "frames_malformed": session.frames_malformed,
                "error_frames": session.error_frames,
                "requests_sent": session.requests_sent,
                "heartbeats_sent": session.heartbeats_sent,
            },
            "malformed_frames": list(session.recent.malformed),
            "devices": [
                {
                    "address": f"{address:06X}",
                    "online": device.online,
                    "change_counter": device.change_counter,
                    "name": device.identity.name if device.identity else None,
                    "article": device.identity.article if device.identity else None,
                    "serial_number": device.identity.serial if device.identity else None,
                    "firmware": device.identity.firmware if device.identity else None,
                    "polled_fields": self.fields_of(device),
                    "locked_menus": [
                        {"menu": lock.menu.name.lower(), "access_level": lock.level_name}
                        for lock in device.schema.locked
                    ],
                    "fields": [
                        {
                            "field": info.field,
                            "name": info.name,
                            "unit": info.unit,
                            "visualisation": info.visualisation.name,
                            "writable": info.writable,
                            "value": session.value(address, info.field),
                        }
                        for info in device.schema.fields
                    ],
                    # What the device last said and was asked, to debug a new device.
                    "last_frames": session.recent.of(address),
                }
                for address, device in session.devices.items()
            ],
        }
