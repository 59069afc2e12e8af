"""PowMr over MQTT, through Home Assistant's own MQTT integration and its test broker.

A `Bridge` plays the publishing ESP: it sends one poll of the simulated unit
(the early dongle firmware's topics, or the ESP8266 sketch's dumps and
values) again and again until it is stopped, as the real ones do. The
fixtures' bridges publish under prefixes their owners changed, so that the
manifest's discovery topics stay quiet except in the discovery tests.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
import contextlib
from typing import Any
from unittest.mock import Mock, patch

from homeassistant.config_entries import (
    SOURCE_MQTT,
    SOURCE_RECONFIGURE,
    SOURCE_USER,
    ConfigEntryState,
)
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.service_info.mqtt import MqttServiceInfo
import pytest
from pytest_homeassistant_custom_component.common import async_fire_mqtt_message
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    MqttMockHAClient,
    MqttMockPahoClient,
)

from custom_components.offgrid_power.const import DOMAIN
from custom_components.offgrid_power.powmr.mqtt_source import MqttSource
from custom_components.offgrid_power.protocol.powmr import STALE_AFTER_S
from simulators.powmr.family_a import FamilyAModel
from simulators.powmr.mqtt_bridge import Message, dongle_messages, sketch_messages

from .conftest import ENTRY_ID, coordinator, load, make_entry, refresh

DONGLE_PREFIX = "/garage/powmr"
SKETCH_PREFIX = "/shed/powmr"
DONGLE_DATA = {
    "family": "powmr",
    "transport": "mqtt",
    "topic_prefix": DONGLE_PREFIX,
    "detected_protocol": "family_a",
}


class Bridge:
    """Publishes the unit's poll every few milliseconds while running."""

    def __init__(self, hass: HomeAssistant, poll: Callable[[], list[Message]]) -> None:
        self.hass = hass
        self.poll = poll
        self.published = 0
        self._task: asyncio.Task[None] | None = None
        self._poll_sent = asyncio.Event()

    async def wait_for_polls(self, count: int) -> None:
        """Until ``count`` more polls are published."""
        target = self.published + count
        async with asyncio.timeout(30):
            while self.published < target:
                self._poll_sent.clear()
                await self._poll_sent.wait()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            for topic, payload in self.poll():
                async_fire_mqtt_message(self.hass, topic, payload)
            self.published += 1
            self._poll_sent.set()
            await asyncio.sleep(0.02)


@pytest.fixture
async def broker(
    mqtt_mock: MqttMockHAClient, mqtt_client_mock: MqttMockPahoClient
) -> AsyncIterator[MqttMockHAClient]:
    """Home Assistant's MQTT integration on the test broker, closed as a real link closes.

    The closing socket is what stops the MQTT client's housekeeping timer;
    the mocked client never closes its socket by itself.
    """
    yield mqtt_mock
    mqtt_client_mock.on_socket_close(mqtt_client_mock, None, Mock(fileno=Mock(return_value=-1)))


@pytest.fixture
def model() -> FamilyAModel:
    return FamilyAModel(lambda: 0.0, seed=5)


@pytest.fixture
async def dongle(
    hass: HomeAssistant, broker: MqttMockHAClient, model: FamilyAModel
) -> AsyncIterator[Bridge]:
    bridge = Bridge(hass, lambda: dongle_messages(model, DONGLE_PREFIX))
    bridge.start()
    yield bridge
    await bridge.stop()


@pytest.fixture
async def sketch(
    hass: HomeAssistant, broker: MqttMockHAClient, model: FamilyAModel
) -> AsyncIterator[Bridge]:
    bridge = Bridge(hass, lambda: sketch_messages(model, SKETCH_PREFIX))
    bridge.start()
    yield bridge
    await bridge.stop()


def _state(hass: HomeAssistant, key: str, entry_id: str = ENTRY_ID) -> str:
    found = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, f"{entry_id}_{key}")
    assert found is not None, f"sensor {key} missing"
    return hass.states.get(found).state


async def _start_flow(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "powmr"}
    )
    return await hass.config_entries.flow.async_configure(result["flow_id"], {"transport": "mqtt"})


async def test_mqtt_choice_needs_the_mqtt_integration(hass: HomeAssistant) -> None:
    result = await _start_flow(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "mqtt_not_configured"


async def test_flow_adds_the_dongle_and_its_entities_read_the_topics(
    hass: HomeAssistant, dongle: Bridge, model: FamilyAModel
) -> None:
    result = await _start_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "powmr_connection"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"topic_prefix": f" {DONGLE_PREFIX}/# "}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"PowMr MQTT {DONGLE_PREFIX}"
    assert result["data"] == DONGLE_DATA
    entry = result["result"]
    assert entry.unique_id == f"mqtt:{DONGLE_PREFIX}"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    voltage = _state(hass, "battery_voltage", entry.entry_id)
    assert float(voltage) == pytest.approx(model.battery_voltage, abs=0.2)
    assert _state(hass, "operating_mode", entry.entry_id) in {"line", "battery"}


@pytest.mark.parametrize("prefix", ["", "/powmr/+/x"])
async def test_flow_refuses_unusable_prefixes(
    hass: HomeAssistant, broker: MqttMockHAClient, prefix: str
) -> None:
    result = await _start_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"topic_prefix": prefix}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_topic_prefix"}


async def test_flow_reports_a_silent_prefix(
    hass: HomeAssistant, dongle: Bridge, broker: MqttMockHAClient
) -> None:
    result = await _start_flow(hass)
    with patch("custom_components.offgrid_power.powmr.mqtt_source.FIRST_MESSAGE_TIMEOUT", 0.2):
        # Without the leading slash it is another topic: no message arrives.
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"topic_prefix": DONGLE_PREFIX.lstrip("/")}
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "no_mqtt_messages"}


async def test_sketch_dumps_make_the_register_entities(
    hass: HomeAssistant, sketch: Bridge, model: FamilyAModel, hass_client: ClientSessionGenerator
) -> None:
    data = {**DONGLE_DATA, "topic_prefix": SKETCH_PREFIX}
    entry = make_entry(hass, data)
    await load(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    # A register only the second raw dump carries (the sketch decodes none of it).
    assert float(_state(hass, "bulk_charge_voltage")) == 28.4
    assert float(_state(hass, "output_active_power")) == pytest.approx(model.load_w, abs=30)

    runtime = (await get_diagnostics_for_config_entry(hass, hass_client, entry))["runtime"]
    assert runtime["protocol"] == "family_a"
    assert runtime["link"]["transport"] == "mqtt"
    assert set(runtime["link"]["blocks"]) == {"4501", "4546"}
    assert runtime["link"]["bad_messages"] == 0


async def test_entities_turn_unavailable_when_messages_stop(
    hass: HomeAssistant, dongle: Bridge
) -> None:
    entry = make_entry(hass, dict(DONGLE_DATA))
    await load(hass, entry)
    source = coordinator(entry).source
    assert isinstance(source, MqttSource)
    assert _state(hass, "battery_voltage") != STATE_UNAVAILABLE

    await dongle.stop()
    real_clock = source.clock
    source.clock = lambda: real_clock() + STALE_AFTER_S + 1
    await refresh(hass, entry)
    assert _state(hass, "battery_voltage") == STATE_UNAVAILABLE

    # The bridge speaks again: the next update finds fresh readings.
    dongle.start()
    await dongle.wait_for_polls(1)
    await refresh(hass, entry)
    assert _state(hass, "battery_voltage") != STATE_UNAVAILABLE
    diagnostics = source.diagnostics()
    assert diagnostics["messages"] > 0
    assert diagnostics["bad_messages"] == 0


async def test_bad_payloads_are_counted_and_never_shown(
    hass: HomeAssistant, dongle: Bridge
) -> None:
    entry = make_entry(hass, dict(DONGLE_DATA))
    await load(hass, entry)
    source = coordinator(entry).source
    assert isinstance(source, MqttSource)
    await dongle.stop()
    async_fire_mqtt_message(hass, f"{DONGLE_PREFIX}/dc.voltage", b"\xff\xfe")
    await refresh(hass, entry)
    assert source.bad_messages == 1
    # The last good voltage is no longer known; it is not shown as current.
    assert _state(hass, "battery_voltage") == STATE_UNKNOWN
    assert _state(hass, "operating_mode") in {"line", "battery"}


@pytest.mark.parametrize(
    ("publish", "prefix"),
    [(dongle_messages, "/powmr"), (sketch_messages, "/iot/node/powmr")],
)
async def test_discovery_of_a_bridge_on_its_default_prefix(
    hass: HomeAssistant,
    broker: MqttMockHAClient,
    model: FamilyAModel,
    publish: Callable[[FamilyAModel], list[Message]],
    prefix: str,
) -> None:
    bridge = Bridge(hass, lambda: publish(model))
    bridge.start()
    try:
        await bridge.wait_for_polls(3)
        await hass.async_block_till_done()
        flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        assert len(flows) == 1
        assert flows[0]["context"]["source"] == SOURCE_MQTT
        assert flows[0]["step_id"] == "powmr_mqtt_confirm"
        result = await hass.config_entries.flow.async_configure(flows[0]["flow_id"], {})
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["data"]["topic_prefix"] == prefix
        entry = result["result"]
        assert entry.unique_id == f"mqtt:{prefix}"
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.LOADED
        # Later messages of the same bridge start no new flow.
        await bridge.wait_for_polls(3)
        await hass.async_block_till_done()
        assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []
    finally:
        await bridge.stop()


async def test_discovery_refuses_a_foreign_payload(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_MQTT},
        data=MqttServiceInfo(
            topic="/powmr/inverter.op_mode",
            payload="on",
            qos=0,
            retain=False,
            subscribed_topic="/powmr/inverter.op_mode",
            timestamp=0,
        ),
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_powmr_bridge"


async def test_reconfigure_moves_the_entry_to_another_prefix(
    hass: HomeAssistant, sketch: Bridge
) -> None:
    entry = make_entry(hass, dict(DONGLE_DATA))
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_RECONFIGURE, "entry_id": entry.entry_id}
    )
    assert result["step_id"] == "powmr_reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"topic_prefix": SKETCH_PREFIX}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data["topic_prefix"] == SKETCH_PREFIX
    assert entry.unique_id == f"mqtt:{SKETCH_PREFIX}"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def test_silent_bridge_at_startup_retries_setup(
    hass: HomeAssistant, broker: MqttMockHAClient
) -> None:
    entry = make_entry(hass, dict(DONGLE_DATA))
    with patch("custom_components.offgrid_power.powmr.mqtt_source.FIRST_MESSAGE_TIMEOUT", 0.2):
        await load(hass, entry)
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_unload_unsubscribes(hass: HomeAssistant, dongle: Bridge) -> None:
    entry = make_entry(hass, dict(DONGLE_DATA))
    await load(hass, entry)
    source = coordinator(entry).source
    assert isinstance(source, MqttSource)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    messages = source.messages
    await dongle.wait_for_polls(2)
    assert source.messages == messages
