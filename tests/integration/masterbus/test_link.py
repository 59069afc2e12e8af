"""The interface fails: entities go unavailable, reconnects back off, nothing crashes."""

from __future__ import annotations

from collections.abc import Callable
import socket

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
import pytest

from custom_components.offgrid_power.masterbus import const, coordinator as coordinator_module
from custom_components.offgrid_power.protocol.masterbus import TransportConfig
from simulators.masterbus import MasterBusSimulator

from .conftest import (
    TICKING_CLOCK,
    make_entry,
    poll,
    setup_entry,
    slcan_data,
    steady_devices,
    unload,
    until,
)

pytestmark = TICKING_CLOCK

VOLTS = "sensor.msh_battery_battery_voltage"
LINK = "binary_sensor.masterbus_network_link"


@pytest.fixture
def opens(monkeypatch: pytest.MonkeyPatch) -> list[TransportConfig]:
    """Every time the coordinator opens the interface (the real open still runs)."""
    seen: list[TransportConfig] = []
    real_open: Callable[[TransportConfig], object] = coordinator_module.open_bus

    def counting_open(transport: TransportConfig) -> object:
        seen.append(transport)
        return real_open(transport)

    monkeypatch.setattr(coordinator_module, "open_bus", counting_open)
    return seen


def _free_tcp_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_closed_socket_means_unavailable_then_reconnects_with_back_off(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
    opens: list[TransportConfig],
) -> None:
    monkeypatch.setattr(const, "RECONNECT_MIN", 15.0)  # longer than one poll interval
    adapter = MasterBusSimulator(steady_devices(), slcan_port=0)
    await adapter.start()
    port = adapter.slcan_port
    entry = make_entry(hass, slcan_data(port))
    await setup_entry(hass, entry)
    assert hass.states.get(VOLTS).state == "12.9"
    assert hass.states.get(LINK).state == "on"

    # The SLCAN server goes away: noticed at once, without waiting for a poll.
    await adapter.stop()
    await until(entry, lambda: hass.states.get(VOLTS).state == "unavailable")
    assert hass.states.get(LINK).state == "off"
    opens.clear()

    await poll(hass, freezer)  # first retry: refused
    assert len(opens) == 1
    await poll(hass, freezer)  # 10 s later: still backing off (15 s)
    assert len(opens) == 1
    await poll(hass, freezer)  # 20 s: second retry, refused; now 30 s
    assert len(opens) == 2

    adapter = MasterBusSimulator(steady_devices(), slcan_port=port)
    await adapter.start()
    try:
        await poll(hass, freezer)
        await poll(hass, freezer)
        assert len(opens) == 2
        assert hass.states.get(VOLTS).state == "unavailable"
        await poll(hass, freezer)  # 30 s after the second retry
        assert len(opens) == 3
        assert hass.states.get(VOLTS).state == "12.9"
        assert hass.states.get(LINK).state == "on"
        assert entry.runtime_data.coordinator.reconnects == 1
        await unload(hass, entry)
    finally:
        await adapter.stop()


async def test_missing_adapter_retries_setup(hass: HomeAssistant) -> None:
    entry = make_entry(hass, slcan_data(_free_tcp_port()))
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_unload_after_the_link_died_is_clean(hass: HomeAssistant) -> None:
    adapter = MasterBusSimulator(steady_devices(), slcan_port=0)
    await adapter.start()
    entry = make_entry(hass, slcan_data(adapter.slcan_port))
    await setup_entry(hass, entry)
    await adapter.stop()
    await until(entry, lambda: hass.states.get(VOLTS).state == "unavailable")
    await unload(hass, entry)
    assert entry.state is ConfigEntryState.NOT_LOADED
