"""Config-flow steps for Victron Bluetooth devices.

The key is checked against a real advertisement of the device: the latest one
Home Assistant has seen, or, if none yet, one waited for while a progress
spinner shows. A wrong key never aborts the flow, so the device stays in
"Discovered" until the right key is entered.

Slightly over 300 lines: the Bluetooth discovery, manual pick, key, reauth,
reconfigure and VE.Smart options steps all check a key against the same
advertisement wait.
"""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.components.bluetooth import (
    BluetoothScanningMode,
    BluetoothServiceInfoBleak,
    async_discovered_service_info,
    async_last_service_info,
    async_process_advertisements,
)
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_ADDRESS
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from custom_components.offgrid_power.const import CONF_FAMILY, Family
from custom_components.offgrid_power.flow_update import update_and_reload
from custom_components.offgrid_power.protocol.victron import (
    PRODUCT_ADVERTISEMENT,
    VICTRON_COMPANY_ID,
    AdvertisementHeader,
    ImplausibleRecordError,
    IncompleteKeyError,
    InvalidKeyError,
    UnsupportedRecordError,
    VictronParseError,
    WrongKeyError,
    normalize_key,
    normalize_network_id,
    peek_header,
    verify_key,
)

from .const import CONF_KEY, CONF_NETWORK_ID, CONF_NETWORK_KEY

# Keys are typed into a password field: hidden on screen and from onlookers.
KEY_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))

# How long the flow waits for the device's first advertisement.
ADVERTISEMENT_TIMEOUT = 30.0


def instant_readout(service_info: BluetoothServiceInfoBleak) -> bytes | None:
    """The Instant Readout bytes of an advertisement, if it carries any."""
    data = service_info.manufacturer_data.get(VICTRON_COMPANY_ID)
    if data is None or len(data) < 8 or data[0] != PRODUCT_ADVERTISEMENT:
        return None
    return data


def _supported_header(service_info: BluetoothServiceInfoBleak) -> AdvertisementHeader | None:
    data = instant_readout(service_info)
    if data is None:
        return None
    try:
        header = peek_header(data)
    except VictronParseError:
        return None
    return header if header.supported else None


def _title(service_info: BluetoothServiceInfoBleak, header: AdvertisementHeader) -> str:
    name = service_info.name
    if name and name.replace("-", ":").upper() != service_info.address.upper():
        return name
    return header.product_name


class VictronConfigFlowMixin(ConfigFlow):
    """Discovery, manual pick, key entry, reauth and reconfigure for Victron devices."""

    _victron_address: str | None = None
    _victron_title: str = ""
    _victron_key: bytes | None = None
    _victron_advert: bytes | None = None
    _victron_wait: asyncio.Task[bytes | None] | None = None
    _victron_errors: dict[str, str] | None = None
    _victron_candidates: dict[str, tuple[BluetoothServiceInfoBleak, AdvertisementHeader]] | None = (
        None
    )

    async def async_step_bluetooth(
        self, discovery_info: BluetoothServiceInfoBleak
    ) -> ConfigFlowResult:
        """A Victron device was heard."""
        await self.async_set_unique_id(discovery_info.address)
        self._abort_if_unique_id_configured()
        header = _supported_header(discovery_info)
        if header is None:
            return self.async_abort(reason="not_supported")
        self._victron_use(discovery_info, header)
        return await self.async_step_victron_key()

    async def async_step_victron(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick one of the Victron devices Home Assistant hears and that is not set up yet."""
        if user_input is not None and self._victron_candidates:
            info, header = self._victron_candidates[user_input[CONF_ADDRESS]]
            await self.async_set_unique_id(info.address, raise_on_progress=False)
            self._abort_if_unique_id_configured()
            self._victron_use(info, header)
            return await self.async_step_victron_key()
        configured = self._async_current_ids(include_ignore=False)
        heard = {
            info.address: (info, found)
            for info in async_discovered_service_info(self.hass, connectable=False)
            if (found := _supported_header(info)) is not None
        }
        if not heard:
            return self.async_abort(reason="no_devices_found")
        self._victron_candidates = {
            address: heard_device
            for address, heard_device in heard.items()
            if address not in configured
        }
        if not self._victron_candidates:
            return self.async_abort(reason="already_configured")
        choices = {
            address: f"{_title(info, header)} ({address})"
            for address, (info, header) in self._victron_candidates.items()
        }
        return self.async_show_form(
            step_id="victron",
            data_schema=vol.Schema({vol.Required(CONF_ADDRESS): vol.In(choices)}),
        )

    async def async_step_victron_reauth(
        self, entry_data: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The stored key stopped matching the device's advertisements."""
        self._victron_use_entry(self._get_reauth_entry())
        return await self.async_step_victron_key()

    async def async_step_victron_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the key of a configured device."""
        self._victron_use_entry(self._get_reconfigure_entry())
        return await self.async_step_victron_key()

    async def async_step_victron_key(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the encryption key shown in VictronConnect."""
        if self._victron_wait is not None:
            # The wait for an advertisement started from this step, so it resumes here.
            return await self.async_step_victron_wait()
        errors = self._victron_errors or {}
        self._victron_errors = None
        if user_input is not None:
            try:
                self._victron_key = normalize_key(user_input[CONF_KEY])
            except IncompleteKeyError:
                errors[CONF_KEY] = "incomplete_key"
            except InvalidKeyError:
                errors[CONF_KEY] = "invalid_key"
            else:
                self._victron_advert = self._victron_latest_advert()
                if self._victron_advert is None:
                    return await self.async_step_victron_wait()
                return await self.async_step_victron_verify()
        return self.async_show_form(
            step_id="victron_key",
            data_schema=vol.Schema({vol.Required(CONF_KEY): KEY_SELECTOR}),
            errors=errors,
            description_placeholders={
                "name": self._victron_title,
                "address": self._victron_address or "",
            },
        )

    async def async_step_victron_wait(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Wait for an advertisement to check the key against."""
        if self._victron_wait is None:
            self._victron_wait = self.hass.async_create_task(self._async_victron_listen())
        if not self._victron_wait.done():
            return self.async_show_progress(
                progress_action="victron_wait",
                progress_task=self._victron_wait,
                description_placeholders={"name": self._victron_title},
            )
        self._victron_advert = self._victron_wait.result()
        self._victron_wait = None
        if self._victron_advert is None:
            self._victron_errors = {"base": "no_advertisement"}
            return self.async_show_progress_done(next_step_id="victron_key")
        return self.async_show_progress_done(next_step_id="victron_verify")

    async def async_step_victron_verify(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Decrypt the advertisement with the key; create or update the entry."""
        assert self._victron_key is not None
        assert self._victron_advert is not None
        errors: dict[str, str] = {}
        try:
            verify_key(self._victron_advert, self._victron_key)
        except ImplausibleRecordError:
            errors["base"] = "implausible_key"
        except WrongKeyError:
            errors["base"] = "wrong_key"
        except UnsupportedRecordError:
            errors["base"] = "unsupported_record"
        except VictronParseError:
            errors["base"] = "unreadable_advertisement"
        if errors:
            self._victron_errors = errors
            return await self.async_step_victron_key()
        data = {
            CONF_FAMILY: Family.VICTRON.value,
            CONF_ADDRESS: self._victron_address,
            CONF_KEY: self._victron_key.hex(),
        }
        if self.source == SOURCE_REAUTH:
            return update_and_reload(self, self._get_reauth_entry(), data=data)
        if self.source == SOURCE_RECONFIGURE:
            return update_and_reload(self, self._get_reconfigure_entry(), data=data)
        return self.async_create_entry(title=self._victron_title, data=data)

    def _victron_use(
        self, service_info: BluetoothServiceInfoBleak, header: AdvertisementHeader
    ) -> None:
        self._victron_address = service_info.address
        self._victron_title = _title(service_info, header)
        self.context["title_placeholders"] = {"name": self._victron_title}

    def _victron_use_entry(self, entry: ConfigEntry) -> None:
        self._victron_address = entry.data[CONF_ADDRESS]
        self._victron_title = entry.title

    def _victron_latest_advert(self) -> bytes | None:
        assert self._victron_address is not None
        info = async_last_service_info(self.hass, self._victron_address, connectable=False)
        return None if info is None else instant_readout(info)

    async def _async_victron_listen(self) -> bytes | None:
        assert self._victron_address is not None
        try:
            info = await async_process_advertisements(
                self.hass,
                lambda info: instant_readout(info) is not None,
                {"address": self._victron_address, "connectable": False},
                BluetoothScanningMode.PASSIVE,
                ADVERTISEMENT_TIMEOUT,  # type: ignore[arg-type]
            )
        except TimeoutError:
            return None
        return instant_readout(info)


class VictronOptionsFlow(OptionsFlow):
    """VE.Smart Networking: the network id and key that open the device's network messages."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Open the Victron options."""
        return await self.async_step_victron_options()

    async def async_step_victron_options(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Both fields empty switch VE.Smart Networking off.

        The key is a secret and never shown again; an empty key with a network
        id keeps the stored key.
        """
        stored = self.config_entry.options
        errors: dict[str, str] = {}
        if user_input is not None:
            network_id = str(user_input.get(CONF_NETWORK_ID, "")).strip()
            network_key = str(user_input.get(CONF_NETWORK_KEY, "")).strip()
            if not network_id and not network_key:
                return self.async_create_entry(data={})
            network_key = network_key or str(stored.get(CONF_NETWORK_KEY, ""))
            if not (errors := _network_errors(network_id, network_key)):
                return self.async_create_entry(
                    data={
                        CONF_NETWORK_ID: normalize_network_id(network_id).hex(),
                        CONF_NETWORK_KEY: normalize_key(network_key).hex(),
                    }
                )
        shown_id = (user_input or stored).get(CONF_NETWORK_ID, "")
        return self.async_show_form(
            step_id="victron_options",
            data_schema=vol.Schema(
                {
                    vol.Optional(CONF_NETWORK_ID, description={"suggested_value": shown_id}): str,
                    vol.Optional(CONF_NETWORK_KEY): KEY_SELECTOR,
                }
            ),
            errors=errors,
        )


def _network_errors(network_id: str, network_key: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    try:
        normalize_network_id(network_id)
    except InvalidKeyError:
        errors[CONF_NETWORK_ID] = "invalid_network_id"
    try:
        normalize_key(network_key)
    except IncompleteKeyError:
        errors[CONF_NETWORK_KEY] = "incomplete_key"
    except InvalidKeyError:
        errors[CONF_NETWORK_KEY] = "invalid_key"
    return errors
