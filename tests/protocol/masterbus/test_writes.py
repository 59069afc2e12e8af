"""Writes: validation, the commit-token rule, read-back, Btm3."""

from __future__ import annotations

import asyncio

import pytest

from custom_components.offgrid_power.protocol.masterbus.errors import WriteError
from custom_components.offgrid_power.protocol.masterbus.session import MasterBusSession

from .conftest import COMBI, SHUNT, SOLAR


@pytest.fixture
async def ready(session: MasterBusSession) -> MasterBusSession:
    async with asyncio.timeout(10):
        await session.wait_for_devices(3)
    return session


async def test_setpoint_outside_the_groups_is_described_then_written(
    ready: MasterBusSession,
) -> None:
    capacity = await ready.describe_field(SHUNT, 19)
    assert (capacity.name, capacity.unit, capacity.writable) == ("Battery capacity", "Ah", True)
    assert ready.devices[SHUNT].schema.field(19) == capacity
    assert await ready.write_value(SHUNT, 19, 520) == 520
    with pytest.raises(WriteError, match="outside"):
        await ready.write_value(SHUNT, 19, 20_000)


async def test_read_only_field_is_refused(ready: MasterBusSession) -> None:
    with pytest.raises(WriteError, match="read-only"):
        await ready.write_value(SHUNT, 1, 13.0)


async def test_relay_switch_needs_the_commit_token(ready: MasterBusSession) -> None:
    assert await ready.read_value(SOLAR, 12) == 1.0
    with pytest.raises(WriteError, match="still reports"):
        await ready.write_value(SOLAR, 12, 0)  # without commit the device ignores it
    assert await ready.write_value(SOLAR, 12, 0, commit=True) == 0.0
    assert await ready.write_value(SOLAR, 12, True, commit=True) == 1.0


async def test_commit_refused_when_the_next_field_is_named(ready: MasterBusSession) -> None:
    with pytest.raises(WriteError, match="occupied"):
        await ready.write_value(COMBI, 0x14, 0, commit=True)  # 0x15 is "Main battery" °C
    assert await ready.write_value(COMBI, 0x14, 0) == 0.0


async def test_write_without_verify_returns_the_sent_value(ready: MasterBusSession) -> None:
    assert await ready.write_value(COMBI, 0x13, 25, verify=False) == 25.0
    await asyncio.sleep(0.05)
    assert await ready.read_value(COMBI, 0x13) == 25.0


async def test_btm3_read_and_write(ready: MasterBusSession) -> None:
    assert await ready.read_btm3(COMBI, 11) == 0.0
    assert await ready.write_btm3(COMBI, 11, 1) == 1.0
    assert ready.value(COMBI, 11, btm3=True) == 1.0
