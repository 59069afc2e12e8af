"""The read-only read_field action against the MasterBus simulator, in a real Home Assistant."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest

from custom_components.offgrid_power.const import DOMAIN
from custom_components.offgrid_power.services import SERVICE_READ_FIELD
from simulators.masterbus import MasterBusSimulator

from .conftest import bridge_data, make_entry, setup_entry, unload


async def _call(hass: HomeAssistant, service: str, **data: Any) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=True
    )
    assert response is not None
    return dict(response)


async def test_read_field_returns_value_name_and_unit(
    hass: HomeAssistant, simulator: MasterBusSimulator
) -> None:
    entry = make_entry(hass, bridge_data(simulator))
    await setup_entry(hass, entry)
    device = next(d for d in entry.runtime_data.coordinator.session.devices.values() if d.identity)
    assert device.identity is not None
    known = device.schema.fields[0]
    response = await _call(
        hass,
        SERVICE_READ_FIELD,
        config_entry_id=entry.entry_id,
        serial=device.identity.serial,
        field=known.field,
    )
    assert response["name"] == known.name
    assert response["unit"] == known.unit
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, SERVICE_READ_FIELD, config_entry_id=entry.entry_id, serial="000", field=1)
    assert err.value.translation_key == "unknown_device"
    await unload(hass, entry)
