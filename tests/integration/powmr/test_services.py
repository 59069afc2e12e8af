"""The read-only read_registers action against the PowMr simulator, in a real Home Assistant."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
import voluptuous as vol

from custom_components.offgrid_power.const import DOMAIN
from custom_components.offgrid_power.services import SERVICE_READ_REGISTERS
from simulators.powmr import PowmrSimulator

from .conftest import load, make_entry, modbus_tcp_data


async def _call(hass: HomeAssistant, service: str, **data: Any) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=True
    )
    assert response is not None
    return dict(response)


async def test_read_registers_returns_the_units_words(
    hass: HomeAssistant, simulator: PowmrSimulator
) -> None:
    entry = make_entry(hass, modbus_tcp_data(simulator))
    await load(hass, entry)
    response = await _call(
        hass, SERVICE_READ_REGISTERS, config_entry_id=entry.entry_id, address=5022, count=1
    )
    # 5022 is the maximum charge current in A, in normal byte order (reference §2.8).
    assert response == {"address": 5022, "count": 1, "registers": [60]}
    assert entry.runtime_data.coordinator.data.snapshot.get("max_charge_current") == 60


@pytest.mark.parametrize(
    "data",
    [
        {"address": -1},
        {"address": 65536},
        {"address": 0, "count": 0},
        {"address": 0, "count": 126},
        {"address": 65500, "count": 100},
    ],
)
async def test_read_registers_rejects_out_of_range_input(
    hass: HomeAssistant, simulator: PowmrSimulator, data: dict[str, int]
) -> None:
    entry = make_entry(hass, modbus_tcp_data(simulator))
    await load(hass, entry)
    with pytest.raises(vol.Invalid):
        await _call(hass, SERVICE_READ_REGISTERS, config_entry_id=entry.entry_id, **data)


async def test_read_registers_needs_a_loaded_powmr_modbus_entry(
    hass: HomeAssistant, simulator: PowmrSimulator
) -> None:
    entry = make_entry(hass, modbus_tcp_data(simulator))
    await load(hass, entry)
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, SERVICE_READ_REGISTERS, config_entry_id="nope", address=4502)
    assert err.value.translation_key == "entry_not_of_family"
    assert await hass.config_entries.async_unload(entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, SERVICE_READ_REGISTERS, config_entry_id=entry.entry_id, address=4502)
    assert err.value.translation_key == "entry_not_loaded"
