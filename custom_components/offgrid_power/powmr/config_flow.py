"""Config, reconfigure and options flow steps for PowMr inverters.

The entry's unique id is the link (serial port, or host and port), because
Family A units and the dongle report no serial number; see ``unique_id_for``.
Duplicates are refused before anything is sent to the unit.

Over 300 lines on purpose: six transports share one dialog (user, zeroconf,
MQTT discovery, reconfigure and options steps with their schemas and the
probe), and splitting it would scatter one flow's validation over several
files.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import (
    ConfigEntry,
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
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)
from homeassistant.helpers.service_info.mqtt import MqttServiceInfo
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
import voluptuous as vol

from custom_components.offgrid_power.const import CONF_FAMILY, LOGGER, Family
from custom_components.offgrid_power.protocol.powmr import (
    DONGLE_PREFIX,
    MqttCollector,
    PowmrClient,
    PowmrError,
    PowmrFamily,
    PowmrInvalidDataError,
    PowmrPortInUseError,
    discovered_prefix,
    normalize_prefix,
    safe_address,
)

from .const import (
    CONF_BATTERY_CAPACITY,
    CONF_BAUDRATE,
    CONF_CHARGER_PRIORITY_VARIANT,
    CONF_DETECTED_PROTOCOL,
    CONF_DEVICE,
    CONF_ENABLE_WRITES,
    CONF_HOST,
    CONF_MDNS_NAME,
    CONF_PORT,
    CONF_PROTOCOL,
    CONF_REPLY_PORT,
    CONF_SCAN_INTERVAL,
    CONF_SOC_EMPTY_VOLTAGE,
    CONF_SOC_FULL_VOLTAGE,
    CONF_TOPIC_PREFIX,
    CONF_TRANSPORT,
    CONF_UNIT_ID,
    DEFAULT_BATTERY_CAPACITY,
    DEFAULT_CHARGER_PRIORITY_VARIANT,
    DEFAULT_PORTS,
    DEFAULT_SCAN_INTERVAL,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
    PROTOCOL_AUTO,
    Transport,
)
from .mqtt_source import async_mqtt_available
from .serial_proxy import serial_port_selector, unsupported_serial_proxy
from .source import build_source

# Translation keys of the selectors (under "selector" in en.json).
TRANSPORT_SELECTOR = "powmr_transport"
PROTOCOL_SELECTOR = "powmr_protocol"
VARIANT_SELECTOR = "powmr_charger_priority_variant"
SELECTORS = (TRANSPORT_SELECTOR, PROTOCOL_SELECTOR, VARIANT_SELECTOR)

PROTOCOLS = [PROTOCOL_AUTO, *(family.value for family in PowmrFamily)]


def unique_id_for(data: Mapping[str, Any]) -> str:
    """The entry's unique id: the link, since Family A units report no serial number.

    One link reaches one inverter, so the same serial port, or the same host
    and port (whatever framing is spoken over it), cannot be added twice. A
    unit id given explicitly tells several units behind one gateway apart.
    The id is shown and logged wherever Home Assistant shows an entry, so the
    link's credentials stay out: a host's ``user:password@`` goes, a serial
    URL's parameter values (``noise_psk=…``) are masked. The same port with
    another password is the same inverter, so it is still a duplicate.
    Over MQTT the topic prefix is the link.
    """
    transport = Transport(data[CONF_TRANSPORT])
    if transport is Transport.MQTT:
        return f"mqtt:{data[CONF_TOPIC_PREFIX]}"
    if transport is Transport.SERIAL:
        link = f"serial:{safe_address(str(data[CONF_DEVICE]))}"
    else:
        scheme = {
            Transport.RTU_OVER_UDP: "udp",
            Transport.DONGLE_HTTP: "http",
        }.get(transport, "tcp")
        host = str(data[CONF_HOST]).strip().rpartition("@")[2].lower()
        link = f"{scheme}:{host}:{data[CONF_PORT]}"
    unit_id = data.get(CONF_UNIT_ID)
    return link if unit_id is None else f"{link}#{unit_id}"


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


def _integer(minimum: int, maximum: int) -> NumberSelector:
    return NumberSelector(
        NumberSelectorConfig(min=minimum, max=maximum, step=1, mode=NumberSelectorMode.BOX)
    )


def connection_schema(transport: Transport, defaults: Mapping[str, Any]) -> vol.Schema:
    """The fields of one transport, pre-filled with ``defaults``."""
    fields: dict[Any, Any] = {}
    if transport is Transport.MQTT:
        fields[
            vol.Required(CONF_TOPIC_PREFIX, default=defaults.get(CONF_TOPIC_PREFIX, DONGLE_PREFIX))
        ] = TextSelector()
        return vol.Schema(fields)
    if transport is Transport.SERIAL:
        fields[vol.Required(CONF_DEVICE, default=defaults.get(CONF_DEVICE, "/dev/ttyUSB0"))] = (
            serial_port_selector()
        )
    else:
        fields[vol.Required(CONF_HOST, default=defaults.get(CONF_HOST, ""))] = TextSelector()
        fields[
            vol.Required(CONF_PORT, default=defaults.get(CONF_PORT, DEFAULT_PORTS[transport]))
        ] = _integer(1, 65535)
    if transport is Transport.RTU_OVER_UDP:
        # The ESP32 bridge answers to this port on Home Assistant, not to the sender.
        fields[
            vol.Required(
                CONF_REPLY_PORT, default=defaults.get(CONF_REPLY_PORT, DEFAULT_PORTS[transport])
            )
        ] = _integer(1, 65535)
    if transport is not Transport.DONGLE_HTTP:
        fields[vol.Required(CONF_PROTOCOL, default=defaults.get(CONF_PROTOCOL, PROTOCOL_AUTO))] = (
            SelectSelector(
                SelectSelectorConfig(
                    options=PROTOCOLS,
                    translation_key=PROTOCOL_SELECTOR,
                    mode=SelectSelectorMode.DROPDOWN,
                )
            )
        )
        fields[_optional(CONF_UNIT_ID, defaults)] = _integer(1, 247)
    if transport is Transport.SERIAL:
        fields[_optional(CONF_BAUDRATE, defaults)] = _integer(1200, 115200)
    return vol.Schema(fields)


def _optional(key: str, defaults: Mapping[str, Any]) -> vol.Optional:
    # A suggestion, not a default: a field the user empties stays empty.
    value = defaults.get(key)
    return (
        vol.Optional(key)
        if value is None
        else vol.Optional(key, description={"suggested_value": value})
    )


def entry_data(transport: Transport, user_input: Mapping[str, Any]) -> dict[str, Any]:
    """The entry's data from a connection form: integers as integers, blanks left out.

    Raise `ValueError` for a topic prefix MQTT cannot subscribe under.
    """
    data: dict[str, Any] = {CONF_FAMILY: Family.POWMR.value, CONF_TRANSPORT: transport.value}
    for key, value in user_input.items():
        if value in (None, ""):
            continue
        if key in (CONF_PORT, CONF_REPLY_PORT, CONF_UNIT_ID, CONF_BAUDRATE):
            value = int(value)
        elif isinstance(value, str):
            value = value.strip()
        data[key] = value
    if transport is Transport.MQTT:
        data[CONF_TOPIC_PREFIX] = normalize_prefix(str(user_input.get(CONF_TOPIC_PREFIX) or ""))
    return data


def entry_title(data: Mapping[str, Any]) -> str:
    """A readable title: the link."""
    if data[CONF_TRANSPORT] == Transport.MQTT:
        return f"PowMr MQTT {data[CONF_TOPIC_PREFIX]}"
    if data[CONF_TRANSPORT] == Transport.SERIAL:
        return f"PowMr {safe_address(data[CONF_DEVICE])}"
    return f"PowMr {safe_address(str(data[CONF_HOST]))}:{data[CONF_PORT]}"


class PowmrConfigFlowMixin(ConfigFlow):
    """The PowMr branch of the Off-Grid Power config flow."""

    _powmr_transport: Transport = Transport.MODBUS_TCP
    _powmr_discovered: dict[str, Any]

    async def async_step_powmr(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Choose how Home Assistant reaches the inverter."""
        if user_input is not None:
            self._powmr_transport = Transport(user_input[CONF_TRANSPORT])
            if self._powmr_transport is Transport.MQTT and not await async_mqtt_available(
                self.hass
            ):
                return self.async_abort(reason="mqtt_not_configured")
            return await self.async_step_powmr_connection()
        return self.async_show_form(
            step_id="powmr",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_TRANSPORT, default=Transport.MODBUS_TCP.value): (
                        SelectSelector(
                            SelectSelectorConfig(
                                options=[transport.value for transport in Transport],
                                translation_key=TRANSPORT_SELECTOR,
                                mode=SelectSelectorMode.LIST,
                            )
                        )
                    )
                }
            ),
        )

    async def async_step_powmr_connection(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Where the inverter is; probe it before creating the entry."""
        transport = self._powmr_transport
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                data = entry_data(transport, user_input)
            except ValueError:
                errors["base"] = "invalid_topic_prefix"
            else:
                await self.async_set_unique_id(unique_id_for(data))
                self._abort_if_unique_id_configured()
                error = await self._async_powmr_probe(data)
                if error is None:
                    return self.async_create_entry(title=entry_title(data), data=data)
                errors["base"] = error
        return self.async_show_form(
            step_id="powmr_connection",
            data_schema=connection_schema(transport, user_input or {}),
            errors=errors,
            description_placeholders={"transport": transport.value},
        )

    async def async_step_zeroconf(self, discovery_info: ZeroconfServiceInfo) -> ConfigFlowResult:
        """An ESP32 PowMr dongle announced its web server (`_http._tcp`, default name)."""
        name = discovery_info.name.split(".", 1)[0]
        data = entry_data(
            Transport.DONGLE_HTTP,
            {
                CONF_HOST: str(discovery_info.ip_address),
                CONF_PORT: discovery_info.port or DEFAULT_PORTS[Transport.DONGLE_HTTP],
                CONF_MDNS_NAME: name,
            },
        )
        # A dongle found before under its mDNS name: follow it to its new address.
        for entry in self._async_current_entries(include_ignore=False):
            if entry.data.get(CONF_MDNS_NAME) == name:
                if unique_id_for(entry.data) != unique_id_for(data):
                    self._async_move_entry(entry, {**entry.data, **data})
                return self.async_abort(reason="already_configured")
        await self.async_set_unique_id(unique_id_for(data))
        self._abort_if_unique_id_configured()
        # Other web servers may carry a like name: only one that serves the dongle's JSON counts.
        if await self._async_powmr_probe(data) is not None:
            return self.async_abort(reason="not_powmr_dongle")
        self._powmr_discovered = data
        self.context["title_placeholders"] = {"name": name}
        return await self.async_step_powmr_zeroconf_confirm()

    async def async_step_powmr_zeroconf_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Let the user confirm the discovered dongle."""
        data = self._powmr_discovered
        return self._powmr_confirm(
            "powmr_zeroconf_confirm",
            {"name": data[CONF_MDNS_NAME], "host": f"{data[CONF_HOST]}:{data[CONF_PORT]}"},
            user_input,
        )

    def _powmr_confirm(
        self, step_id: str, placeholders: dict[str, str], user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Create the discovered entry once the user has confirmed it."""
        data = self._powmr_discovered
        if user_input is not None:
            return self.async_create_entry(title=entry_title(data), data=data)
        self._set_confirm_only()
        return self.async_show_form(step_id=step_id, description_placeholders=placeholders)

    async def async_step_mqtt(self, discovery_info: MqttServiceInfo) -> ConfigFlowResult:
        """A PowMr bridge published under one of the manifest's MQTT topics."""
        prefix = discovered_prefix(discovery_info.topic)
        try:
            if prefix is None or not MqttCollector(prefix).receive(
                discovery_info.topic, discovery_info.payload, 0.0
            ):
                return self.async_abort(reason="not_powmr_bridge")
        except (ValueError, PowmrInvalidDataError):
            return self.async_abort(reason="not_powmr_bridge")
        data = entry_data(Transport.MQTT, {CONF_TOPIC_PREFIX: prefix})
        # Both publishing bridges read Family A units.
        data[CONF_DETECTED_PROTOCOL] = PowmrFamily.FAMILY_A.value
        await self.async_set_unique_id(unique_id_for(data))
        self._abort_if_unique_id_configured()
        self._powmr_discovered = data
        self.context["title_placeholders"] = {"name": entry_title(data)}
        return await self.async_step_powmr_mqtt_confirm()

    async def async_step_powmr_mqtt_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Let the user confirm the bridge found on MQTT."""
        prefix = self._powmr_discovered[CONF_TOPIC_PREFIX]
        return self._powmr_confirm("powmr_mqtt_confirm", {"prefix": prefix}, user_input)

    async def async_step_powmr_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change where an existing inverter is reached; the transport stays."""
        entry = self._get_reconfigure_entry()
        transport = Transport(entry.data[CONF_TRANSPORT])
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                data = entry_data(transport, user_input)
            except ValueError:
                errors["base"] = "invalid_topic_prefix"
            else:
                if CONF_MDNS_NAME in entry.data:
                    data[CONF_MDNS_NAME] = entry.data[CONF_MDNS_NAME]
                unique_id = unique_id_for(data)
                if any(
                    other.unique_id == unique_id and other.entry_id != entry.entry_id
                    for other in self._async_current_entries(include_ignore=False)
                ):
                    return self.async_abort(reason="already_configured")
                error = await self._async_powmr_probe(data)
                if error is None:
                    self._async_move_entry(entry, data)
                    return self.async_abort(reason="reconfigure_successful")
                errors["base"] = error
        return self.async_show_form(
            step_id="powmr_reconfigure",
            data_schema=connection_schema(transport, user_input or entry.data),
            errors=errors,
            description_placeholders={"transport": transport.value},
        )

    def _async_move_entry(self, entry: ConfigEntry, data: dict[str, Any]) -> None:
        """Point an entry at a new link.

        A loaded entry's update listener reloads it with the new link; one that
        is waiting to retry is reloaded here.
        """
        self.hass.config_entries.async_update_entry(
            entry, unique_id=unique_id_for(data), title=entry_title(data), data=data
        )
        if entry.state is not ConfigEntryState.LOADED:
            self.hass.config_entries.async_schedule_reload(entry.entry_id)

    async def _async_powmr_probe(self, data: dict[str, Any]) -> str | None:
        """Probe the unit; store the family it speaks; return an error key on failure."""
        if unsupported_serial_proxy(str(data.get(CONF_DEVICE, ""))):
            return "serial_proxy_unsupported"
        try:
            family = await async_probe(self.hass, data)
        except PowmrPortInUseError as err:
            LOGGER.debug("PowMr probe of %s failed: %s", entry_title(data), err)
            return "reply_port_in_use"
        except PowmrError as err:
            LOGGER.debug("PowMr probe of %s failed: %s", entry_title(data), err)
            return (
                "no_mqtt_messages" if data[CONF_TRANSPORT] == Transport.MQTT else "cannot_connect"
            )
        except Exception:
            LOGGER.exception("Unexpected error while probing a PowMr inverter")
            return "unknown"
        data[CONF_DETECTED_PROTOCOL] = family.value
        return None


class PowmrOptionsFlow(OptionsFlow):
    """Poll interval, battery window, firmware variant and writes."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Open the PowMr options."""
        return await self.async_step_powmr_options()

    async def async_step_powmr_options(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show and check the options."""
        errors: dict[str, str] = {}
        if user_input is not None:
            empty = user_input.get(CONF_SOC_EMPTY_VOLTAGE)
            full = user_input.get(CONF_SOC_FULL_VOLTAGE)
            if (empty is None) != (full is None) or (
                empty is not None and full is not None and empty >= full
            ):
                errors["base"] = "invalid_soc_window"
            else:
                return self.async_create_entry(data=user_input)
        options = user_input or self.config_entry.options
        return self.async_show_form(
            step_id="powmr_options", data_schema=options_schema(options), errors=errors
        )


def options_schema(options: Mapping[str, Any]) -> vol.Schema:
    """The options form, pre-filled with the current options."""
    volts = NumberSelector(
        NumberSelectorConfig(
            min=5, max=70, step=0.1, mode=NumberSelectorMode.BOX, unit_of_measurement="V"
        )
    )
    return vol.Schema(
        {
            vol.Required(
                CONF_SCAN_INTERVAL, default=options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL)
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
                CONF_CHARGER_PRIORITY_VARIANT,
                default=options.get(
                    CONF_CHARGER_PRIORITY_VARIANT, DEFAULT_CHARGER_PRIORITY_VARIANT
                ),
            ): SelectSelector(
                SelectSelectorConfig(
                    options=["1", "2"],
                    translation_key=VARIANT_SELECTOR,
                    mode=SelectSelectorMode.DROPDOWN,
                )
            ),
            vol.Required(
                CONF_BATTERY_CAPACITY,
                default=options.get(CONF_BATTERY_CAPACITY, DEFAULT_BATTERY_CAPACITY),
            ): NumberSelector(
                NumberSelectorConfig(
                    min=100,
                    max=200000,
                    step=10,
                    mode=NumberSelectorMode.BOX,
                    unit_of_measurement="Wh",
                )
            ),
            _optional(CONF_SOC_EMPTY_VOLTAGE, options): volts,
            _optional(CONF_SOC_FULL_VOLTAGE, options): volts,
            vol.Required(
                CONF_ENABLE_WRITES, default=options.get(CONF_ENABLE_WRITES, False)
            ): BooleanSelector(),
        }
    )
