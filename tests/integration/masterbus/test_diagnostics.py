"""Diagnostics of a MasterBus entry: link, counters, schemas; no serials or addresses."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from simulators.masterbus import MasterBusSimulator

from .conftest import (
    COMBI_SERIAL,
    SHUNT_SERIAL,
    SOLAR_SERIAL,
    bridge_data,
    make_entry,
    setup_entry,
    unload,
)

REDACTED = "**REDACTED**"


async def test_diagnostics_describe_the_bus_without_identifying_it(
    hass: HomeAssistant, simulator: MasterBusSimulator, hass_client: ClientSessionGenerator
) -> None:
    selection = {SHUNT_SERIAL: [0, 1, 2], SOLAR_SERIAL: [4, 9], COMBI_SERIAL: [16]}
    entry = make_entry(hass, bridge_data(simulator), {"fields": selection})
    await setup_entry(hass, entry)

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    text = str(diagnostics)
    for secret in (SHUNT_SERIAL, SOLAR_SERIAL, COMBI_SERIAL, str(simulator.bridge_port)):
        assert secret not in text
    assert diagnostics["entry"]["data"]["channel"] == REDACTED
    # The field choice survives, keyed by device name instead of serial.
    assert diagnostics["entry"]["options"]["fields"] == {
        "MSH Battery": [0, 1, 2],
        "SCM Solar": [4, 9],
        "MCU Combi": [16],
    }
    runtime = diagnostics["runtime"]
    assert runtime["connected"] is True
    assert runtime["transport"] == {"interface": "bridge", "channel": REDACTED, "bitrate": 250000}
    assert runtime["counters"]["requests_sent"] > 0
    assert runtime["counters"]["frames_malformed"] == 0
    shunt = next(d for d in runtime["devices"] if d["name"] == "MSH Battery")
    assert shunt["address"] == REDACTED
    assert shunt["serial_number"] == REDACTED
    assert shunt["article"] == "77020115"
    assert shunt["polled_fields"] == [0, 1, 2]
    volts = next(f for f in shunt["fields"] if f["field"] == 1)
    assert volts == {
        "field": 1,
        "name": "Battery",
        "unit": "V",
        "visualisation": "FLOAT",
        "writable": False,
        "value": 12.899999618530273,
    }
    await unload(hass, entry)
