"""Every entity and the device of a simulated Family A unit, pinned by snapshots.

The values move with the simulator, so the table holds registry facts and
attributes (unit, device class, options), not states: it guards unique ids,
translation keys and entity ids.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
import pytest
from syrupy.assertion import SnapshotAssertion

from simulators.powmr import PowmrSimulator
from tests.integration.tables import device_table, entity_table

from .conftest import ENTRY_ID, load, make_entry, modbus_tcp_data


@pytest.mark.parametrize("writes", [False, True], ids=["read_only", "writes"])
async def test_entities_of_a_family_a_unit(
    hass: HomeAssistant, simulator: PowmrSimulator, snapshot: SnapshotAssertion, writes: bool
) -> None:
    entry = make_entry(hass, modbus_tcp_data(simulator), {"enable_writes": writes})
    await load(hass, entry)
    assert entity_table(hass, ENTRY_ID, states=False) == snapshot(name="entities")
    assert device_table(hass, ENTRY_ID) == snapshot(name="devices")
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
