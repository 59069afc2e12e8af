"""Where a PowMr entry's snapshots come from: a Modbus link, the ESP32 dongle or MQTT."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from custom_components.offgrid_power.protocol.powmr import (
    DongleClient,
    PowmrClient,
    PowmrFamily,
    PowmrSnapshot,
    TransportConfig,
    TransportKind,
    parse_status,
)

from .const import (
    CONF_BAUDRATE,
    CONF_CHARGER_PRIORITY_VARIANT,
    CONF_DETECTED_PROTOCOL,
    CONF_DEVICE,
    CONF_HOST,
    CONF_PORT,
    CONF_PROTOCOL,
    CONF_REPLY_PORT,
    CONF_TOPIC_PREFIX,
    CONF_TRANSPORT,
    CONF_UNIT_ID,
    DEFAULT_CHARGER_PRIORITY_VARIANT,
    DEFAULT_PORTS,
    PROTOCOL_AUTO,
    Transport,
)
from .mqtt_source import MqttSource


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
    """Where snapshots come from: a Modbus client, the ESP32 dongle or MQTT topics."""

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
    transport = Transport(data[CONF_TRANSPORT])
    if transport is Transport.MQTT:
        return MqttSource(hass, str(data[CONF_TOPIC_PREFIX]))
    if transport is Transport.DONGLE_HTTP:
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
