"""The session against the simulator on a virtual bus."""

from __future__ import annotations

import asyncio

import pytest

from custom_components.offgrid_power.protocol.masterbus.models import Visualisation
from custom_components.offgrid_power.protocol.masterbus.session import MasterBusSession

from .conftest import COMBI, SHUNT, SOLAR


async def discovered(session: MasterBusSession, count: int = 3) -> None:
    async with asyncio.timeout(10):
        await session.wait_for_devices(count)


async def test_discovers_identity_and_schema(session: MasterBusSession) -> None:
    await discovered(session)
    devices = session.devices
    shunt = devices[SHUNT]
    assert shunt.identity is not None
    assert (shunt.identity.article, shunt.identity.serial) == ("77020115", "KL21S0412")
    assert (shunt.identity.name, shunt.identity.firmware, shunt.identity.family) == (
        "MSH Battery",
        "2.04",
        "MSH",
    )
    assert [g.name for g in shunt.schema.groups] == ["Monitoring", "History"]
    assert shunt.schema.groups[0].fields == (0, 4, 3, 1, 2, 5, 10, 11)
    amps = shunt.schema.field(2)
    assert amps is not None
    assert (amps.name, amps.unit, amps.minimum, amps.maximum) == ("Battery", "A", -1500, 1500)
    assert amps.step == pytest.approx(0.1)
    assert shunt.schema.field(4).visualisation == Visualisation.DURATION  # type: ignore[union-attr]
    combi = devices[COMBI]
    inverter = combi.schema.field(0x14)
    assert inverter is not None
    assert inverter.options == ("Off", "On")
    assert inverter.writable
    assert len(combi.schema.fields) == 13  # the "Overview" group repeats fields
    assert devices[SOLAR].identity.firmware == "5.22"  # type: ignore[union-attr]
