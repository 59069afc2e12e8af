"""Config, reconfigure and options flow steps for a MasterBus network.

Steps: the kind of interface (Mastervolt's USB interface preselected when
one is attached), then where it is (channel, bitrate; for the USB interface
a choice of the attached ones), a connection test, a discovery that shows
the devices found so far, and the choice of fields to poll. The entry's
unique id is the interface and channel: one entry per bus connection.

Over 300 lines on purpose: the setup, reconfigure and options steps share the
connection test, the discovery and the field picker, which read best as one
dialog.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from typing import Any

from homeassistant.config_entries import (
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from custom_components.offgrid_power.const import CONF_FAMILY, LOGGER, Family
from custom_components.offgrid_power.flow_update import update_and_reload
from custom_components.offgrid_power.models import OffGridConfigEntry
from custom_components.offgrid_power.protocol.masterbus import (
    USB_AUTO,
    DeviceIdentity,
    DeviceSchema,
    Interface,
    MasterBusSession,
    SchemaCache,
    TransportConfig,
    TransportError,
    UsbInterface,
    available_interfaces,
    close_bus,
    default_fields,
    find_usb_interfaces,
    offered,
    open_bus,
)
from custom_components.offgrid_power.protocol.redact import mask_address_in, safe_address

from . import const
from .const import (
    CONF_ACCESS_CODE,
    CONF_BITRATE,
    CONF_CHANNEL,
    CONF_ENABLE_WRITES,
    CONF_FIELDS,
    CONF_INTERFACE,
    CONF_LISTEN,
    CONF_LISTEN_ONLY,
    CONF_SCAN_INTERVAL,
    DEFAULT_BITRATE,
    DEFAULT_BRIDGE_LISTEN,
    DEFAULT_SCAN_INTERVAL,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
)
from .entry import (
    PENDING_CACHE,
    access_code,
    schema_store,
    selected_fields,
    transport_config,
)
from .labels import field_label
from .runtime import MasterbusRuntime

EXAMPLES = {
    "socketcan": "can0",
    "slcan": "/dev/ttyACM0@115200 or socket://192.168.1.40:3333",
    "gs_usb": "0",
    "bridge": "192.168.1.41 (port 47810 unless given)",
    "mastervolt_usb": "auto (the first Mastervolt USB interface attached) or /dev/hidraw0",
}


async def async_known_devices(
    hass: HomeAssistant, entry: OffGridConfigEntry
) -> dict[str, tuple[DeviceIdentity, DeviceSchema]]:
    """Every device the entry has identified: live while loaded, else from the schema cache."""
    if entry.state is ConfigEntryState.LOADED and isinstance(entry.runtime_data, MasterbusRuntime):
        return {
            serial: (state.device.identity, state.device.schema)
            for serial, state in entry.runtime_data.coordinator.data.devices.items()
            if state.device.identity is not None
        }
    cache = SchemaCache.from_dict(await schema_store(hass, entry.entry_id).async_load())
    return {cached.identity.serial: (cached.identity, cached.schema) for cached in cache}


# Option labels of the interface picker (selector.masterbus_interface in en.json).
INTERFACE_SELECTOR = "masterbus_interface"


def unique_id_for(interface: str, channel: str) -> str:
    """One entry per interface and channel."""
    return f"{interface}:{channel.strip().lower()}"


def _interface_selector() -> SelectSelector:
    return SelectSelector(
        SelectSelectorConfig(
            options=[kind.value for kind in available_interfaces()],
            mode=SelectSelectorMode.LIST,
            translation_key=INTERFACE_SELECTOR,
        )
    )


def _usb_selector(attached: Iterable[UsbInterface]) -> SelectSelector:
    """``auto`` or one of the attached USB interfaces; another path may be typed."""
    options = [SelectOptionDict(value=USB_AUTO, label=USB_AUTO)]
    for found in attached:
        serial = f", {found.serial}" if found.serial else ""
        label = f"{found.node} ({found.name or 'Mastervolt USB interface'}{serial})"
        options.append(SelectOptionDict(value=found.node, label=label))
    return SelectSelector(
        SelectSelectorConfig(options=options, custom_value=True, mode=SelectSelectorMode.DROPDOWN)
    )


def _connection_schema(
    interface: str, defaults: dict[str, Any], attached: Iterable[UsbInterface] = ()
) -> vol.Schema:
    if interface == Interface.MASTERVOLT_USB:
        # The interface runs the bus at 250 kbit/s itself: no bitrate to give.
        channel = defaults.get(CONF_CHANNEL, USB_AUTO)
        return vol.Schema({vol.Required(CONF_CHANNEL, default=channel): _usb_selector(attached)})
    fields: dict[Any, Any] = {
        vol.Required(CONF_CHANNEL, default=defaults.get(CONF_CHANNEL, vol.UNDEFINED)): (
            TextSelector()
        ),
        vol.Required(CONF_BITRATE, default=defaults.get(CONF_BITRATE, DEFAULT_BITRATE)): (
            NumberSelector(
                NumberSelectorConfig(min=10_000, max=1_000_000, step=1, mode=NumberSelectorMode.BOX)
            )
        ),
    }
    if interface == "bridge":
        fields[
            vol.Required(CONF_LISTEN, default=defaults.get(CONF_LISTEN, DEFAULT_BRIDGE_LISTEN))
        ] = TextSelector()
    return vol.Schema(fields)


def _clean(interface: str, user_input: dict[str, Any]) -> dict[str, Any]:
    channel = str(user_input[CONF_CHANNEL]).strip()
    if interface == Interface.MASTERVOLT_USB and not channel:
        channel = USB_AUTO
    data: dict[str, Any] = {
        CONF_INTERFACE: interface,
        CONF_CHANNEL: channel,
        CONF_BITRATE: int(user_input.get(CONF_BITRATE, DEFAULT_BITRATE)),
    }
    if interface == "bridge":
        data[CONF_LISTEN] = str(user_input.get(CONF_LISTEN) or DEFAULT_BRIDGE_LISTEN).strip()
    return data


async def _async_test(flow: ConfigFlow, transport: TransportConfig) -> bool:
    """Open and close the interface; False when it cannot be opened."""
    try:
        bus = await flow.hass.async_add_executor_job(open_bus, transport)
    except TransportError as err:
        LOGGER.info(
            "MasterBus interface %s cannot be opened: %s",
            safe_address(transport.channel),
            mask_address_in(str(err), transport.channel),
        )
        return False
    await flow.hass.async_add_executor_job(close_bus, bus)
    return True


def field_picker(
    found: Mapping[str, tuple[DeviceIdentity, DeviceSchema]], current: Mapping[str, list[int]]
) -> dict[Any, Any]:
    """The field picker: every field the devices offer, as ``serial:field``.

    A device's current choice is preselected; a device without one gets its
    family's defaults.
    """
    options: list[SelectOptionDict] = []
    preselected: list[str] = []
    for serial, (identity, schema) in found.items():
        chosen = set(current[serial] if serial in current else default_fields(identity, schema))
        for info in offered(schema):
            value = f"{serial}:{info.field}"
            options.append(SelectOptionDict(value=value, label=field_label(identity, info)))
            if info.field in chosen:
                preselected.append(value)
    return {
        vol.Required(CONF_FIELDS, default=preselected): SelectSelector(
            SelectSelectorConfig(options=options, multiple=True, mode=SelectSelectorMode.DROPDOWN)
        )
    }


def chosen_fields(values: Iterable[str], serials: Iterable[str]) -> dict[str, list[int]]:
    """The picker's ``serial:field`` values as fields per device (every device listed)."""
    selection: dict[str, list[int]] = {serial: [] for serial in serials}
    for value in values:
        serial, _, field = str(value).rpartition(":")
        if serial in selection:
            selection[serial].append(int(field))
    return selection


class MasterbusConfigFlowMixin(ConfigFlow):
    """The MasterBus branch of the integration's config flow."""

    _mb_interface: str = "socketcan"
    _mb_data: dict[str, Any] | None = None
    _mb_task: asyncio.Task[None] | None = None
    _mb_found: dict[str, tuple[DeviceIdentity, DeviceSchema]] | None = None
    _mb_cache: dict[str, Any] | None = None

    async def async_step_masterbus(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick the kind of CAN interface."""
        if user_input is not None:
            self._mb_interface = str(user_input[CONF_INTERFACE])
            return await self.async_step_masterbus_connection()
        # Home Assistant's USB discovery sees serial ports only, not this HID
        # device: the flow looks for it itself and offers it first.
        attached = await self._async_usb_interfaces()
        offer = Interface.MASTERVOLT_USB.value if attached else vol.UNDEFINED
        return self.async_show_form(
            step_id="masterbus",
            data_schema=vol.Schema(
                {vol.Required(CONF_INTERFACE, default=offer): _interface_selector()}
            ),
        )

    async def _async_usb_interfaces(self) -> list[UsbInterface]:
        """The attached Mastervolt USB interfaces (none where the interface is not offered)."""
        if Interface.MASTERVOLT_USB not in available_interfaces():
            return []
        return await self.hass.async_add_executor_job(find_usb_interfaces)

    async def async_step_masterbus_connection(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Where the interface is; it is opened once as a test."""
        errors: dict[str, str] = {}
        interface = self._mb_interface
        if user_input is not None:
            data = _clean(interface, user_input)
            await self.async_set_unique_id(unique_id_for(interface, data[CONF_CHANNEL]))
            self._abort_if_unique_id_configured()
            if await _async_test(self, transport_config(data)):
                self._mb_data = data
                return await self.async_step_masterbus_discover()
            errors["base"] = "masterbus_cannot_connect"
        attached = (
            await self._async_usb_interfaces() if interface == Interface.MASTERVOLT_USB else []
        )
        return self.async_show_form(
            step_id="masterbus_connection",
            data_schema=_connection_schema(interface, user_input or {}, attached),
            errors=errors,
            description_placeholders={"example": EXAMPLES.get(interface, "")},
        )

    async def async_step_masterbus_discover(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Listen to the bus and read what each device says about itself."""
        if self._mb_task is None:
            self._mb_found = {}
            self._mb_task = self.hass.async_create_task(self._async_mb_discover())
        if not self._mb_task.done():
            return self.async_show_progress(
                step_id="masterbus_discover",
                progress_action="masterbus_discover",
                progress_task=self._mb_task,
                description_placeholders={"devices": self._mb_found_text()},
            )
        self._mb_task = None
        if not self._mb_found:
            return self.async_show_progress_done(next_step_id="masterbus_silent")
        return self.async_show_progress_done(next_step_id="masterbus_fields")

    def _mb_found_text(self) -> str:
        found = self._mb_found or {}
        return ", ".join(identity.name for identity, _ in found.values()) or "-"

    async def _async_mb_discover(self) -> None:
        assert self._mb_data is not None
        transport = transport_config(self._mb_data)
        try:
            bus = await self.hass.async_add_executor_job(open_bus, transport)
        except TransportError as err:
            LOGGER.warning("MasterBus interface failed during discovery: %s", err)
            return
        session = MasterBusSession(const.SESSION_DEFAULTS)
        found: dict[str, tuple[DeviceIdentity, DeviceSchema]] = {}

        def collect() -> None:
            for device in session.devices.values():
                if device.identity is not None:
                    found[device.identity.serial] = (device.identity, device.schema)
            self._mb_found = dict(found)

        unsubscribe = session.add_listener(lambda _: collect())
        try:
            await session.connect(bus)
            async with asyncio.timeout(const.DISCOVERY_LIMIT):
                seen = -1
                while True:
                    await asyncio.sleep(const.DISCOVERY_QUIET)
                    await session.wait_discovery()
                    collect()
                    if found and len(found) == seen:
                        break
                    seen = len(found)
        except TimeoutError:
            LOGGER.debug("MasterBus discovery ended at its time limit")
        except TransportError as err:
            LOGGER.warning("MasterBus interface failed during discovery: %s", err)
        finally:
            unsubscribe()
            collect()
            self._mb_cache = session.cache.to_dict()
            await session.disconnect()
            await self.hass.async_add_executor_job(close_bus, bus)

    async def async_step_masterbus_silent(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Nothing answered; retry or go back to the connection."""
        if user_input is not None:
            return await self.async_step_masterbus_discover()
        return self.async_show_form(step_id="masterbus_silent", errors={"base": "masterbus_silent"})

    async def async_step_masterbus_fields(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose the fields to poll; each device's defaults are preselected."""
        found = self._mb_found or {}
        if user_input is not None:
            assert self._mb_data is not None
            if self._mb_cache is not None and self.unique_id is not None:
                self.hass.data.setdefault(PENDING_CACHE, {})[self.unique_id] = self._mb_cache
            names = ", ".join(identity.name for identity, _ in found.values())
            return self.async_create_entry(
                title=f"MasterBus network ({names})" if names else "MasterBus network",
                data={CONF_FAMILY: Family.MASTERBUS.value, **self._mb_data},
                options={
                    CONF_SCAN_INTERVAL: DEFAULT_SCAN_INTERVAL,
                    CONF_ENABLE_WRITES: False,
                    CONF_LISTEN_ONLY: False,
                    CONF_FIELDS: chosen_fields(user_input.get(CONF_FIELDS, []), found),
                },
            )
        return self.async_show_form(
            step_id="masterbus_fields",
            data_schema=vol.Schema(field_picker(found, {})),
            description_placeholders={"devices": self._mb_found_text()},
        )

    async def async_step_masterbus_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Move the entry to another interface or channel (tested before saving)."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            interface = str(user_input[CONF_INTERFACE])
            data = _clean(interface, user_input)
            unique_id = unique_id_for(interface, data[CONF_CHANNEL])
            if any(
                other.unique_id == unique_id and other.entry_id != entry.entry_id
                for other in self._async_current_entries(include_ignore=False)
            ):
                return self.async_abort(reason="already_configured")
            if await _async_test(self, transport_config(data)):
                return update_and_reload(self, entry, unique_id=unique_id, data_updates=data)
            errors["base"] = "masterbus_cannot_connect"
        current = {**entry.data, **(user_input or {})}
        schema = vol.Schema(
            {
                vol.Required(CONF_INTERFACE, default=current.get(CONF_INTERFACE)): (
                    _interface_selector()
                ),
                **_connection_schema("bridge", current).schema,
            }
        )
        return self.async_show_form(
            step_id="masterbus_reconfigure", data_schema=schema, errors=errors
        )


class MasterbusOptionsFlow(OptionsFlow):
    """Poll interval, writes, listen-only and the fields to poll."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Open the MasterBus options."""
        return await self.async_step_masterbus_options()

    async def async_step_masterbus_options(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show and save the options.

        The field picker lists the devices the entry has identified; a device
        not heard from now keeps its earlier choice.
        """
        entry = self.config_entry
        found = await async_known_devices(self.hass, entry)
        current = selected_fields(entry)
        errors: dict[str, str] = {}
        if user_input is not None:
            chosen: dict[str, Any] = {
                CONF_SCAN_INTERVAL: int(user_input[CONF_SCAN_INTERVAL]),
                CONF_ENABLE_WRITES: bool(user_input[CONF_ENABLE_WRITES]),
                CONF_LISTEN_ONLY: bool(user_input[CONF_LISTEN_ONLY]),
            }
            selection = dict(current)
            if CONF_FIELDS in user_input:
                selection |= chosen_fields(user_input[CONF_FIELDS], found)
            if selection:
                chosen[CONF_FIELDS] = selection
            code = str(user_input.get(CONF_ACCESS_CODE) or "").strip()
            if code and access_code(code) is None:
                errors[CONF_ACCESS_CODE] = "invalid_access_code"
            else:
                if code:
                    chosen[CONF_ACCESS_CODE] = code
                return self.async_create_entry(data=chosen)
        options = entry.options
        return self.async_show_form(
            step_id="masterbus_options",
            data_schema=vol.Schema(
                {
                    vol.Required(
                        CONF_SCAN_INTERVAL,
                        default=options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL),
                    ): NumberSelector(
                        NumberSelectorConfig(
                            min=MIN_SCAN_INTERVAL,
                            max=MAX_SCAN_INTERVAL,
                            step=1,
                            mode=NumberSelectorMode.BOX,
                            unit_of_measurement="s",
                        )
                    ),
                    vol.Required(
                        CONF_ENABLE_WRITES, default=options.get(CONF_ENABLE_WRITES, False)
                    ): BooleanSelector(),
                    vol.Required(
                        CONF_LISTEN_ONLY, default=options.get(CONF_LISTEN_ONLY, False)
                    ): BooleanSelector(),
                    vol.Optional(
                        CONF_ACCESS_CODE,
                        description={"suggested_value": options.get(CONF_ACCESS_CODE)},
                    ): TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD)),
                    **(field_picker(found, current) if found else {}),
                }
            ),
            errors=errors,
        )
