"""The settings menus and the access-level rule, against the simulated Mass Combi."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import can
import pytest

from custom_components.offgrid_power.protocol.masterbus import (
    AccessLevel,
    LockedMenu,
    MasterBusSession,
    Menu,
    SchemaCache,
    Visualisation,
    WriteError,
)
from custom_components.offgrid_power.protocol.masterbus.codec import (
    AccessLevelReply,
    AccessLevelRequest,
    MenuCountRequest,
    Message,
    decode_frame,
)
from custom_components.offgrid_power.protocol.masterbus.values import encode_float
from simulators.masterbus import TEST_ACCESS_CODE, MasterBusSimulator

from .conftest import COMBI, FAST, SHUNT

CHARGER_GROUP = 5  # the Combi's five monitoring groups come first


async def _session(bus: can.BusABC, code: float | None) -> MasterBusSession:
    session = MasterBusSession(replace(FAST, access_code=code))
    await session.connect(bus)
    async with asyncio.timeout(30):
        await session.wait_for_devices(3)
        await session.wait_discovery()
    return session


def _spy(simulator: MasterBusSimulator) -> list[Message]:
    """The requests the Combi receives, from now on."""
    seen: list[Message] = []
    simulator.device(COMBI).ignores = lambda message: seen.append(message) is not None
    return seen


@pytest.fixture
async def end_user(
    bus: can.BusABC, simulator: MasterBusSimulator
) -> AsyncIterator[tuple[MasterBusSession, list[Message]]]:
    seen = _spy(simulator)
    session = await _session(bus, None)
    yield session, seen
    await session.disconnect()


async def test_configuration_menu_is_read_and_a_locked_menu_ends_the_walk_once(
    end_user: tuple[MasterBusSession, list[Message]], simulator: MasterBusSimulator
) -> None:
    session, seen = end_user
    schema = session.devices[COMBI].schema
    charger = schema.groups[CHARGER_GROUP]
    assert (charger.name, charger.menu, charger.fields) == ("Charger", Menu.CONFIGURATION, (64, 65))
    absorption = schema.field(0x40)
    assert absorption is not None
    assert (absorption.name, absorption.unit, absorption.writable) == (
        "Absorption voltage",
        "V",
        True,
    )
    assert (absorption.minimum, absorption.maximum) == (12.0, 15.5)
    assert schema.is_setting(0x40)
    assert not schema.is_setting(0x06)
    # A text setting's value is the id of its string.
    battery = schema.groups[CHARGER_GROUP + 1]
    assert (battery.name, battery.menu, battery.fields) == ("Battery", Menu.CONFIGURATION, (0x42,))
    assert schema.field(0x42).visualisation is Visualisation.TEXT  # type: ignore[union-attr]
    string_id = await session.read_value(COMBI, 0x42)
    assert string_id is not None
    assert await session.read_text(COMBI, int(string_id)) == "House bank"
    # The Service menu stays closed to an end user: said once, not asked again.
    assert schema.locked == (LockedMenu(Menu.SERVICE, AccessLevel.END_USER),)
    assert schema.locked[0].level_name == "end_user"
    assert schema.field(0x44) is None
    asked = [m for m in seen if isinstance(m, MenuCountRequest) and m.menu == Menu.SERVICE]
    assert len(asked) == 1
    # No login without a code of the user's: the level was only read.
    assert simulator.device(COMBI).access_requests == [AccessLevelRequest(COMBI)]
    # A device without access levels has no locked menu and no settings.
    assert session.devices[SHUNT].schema.locked == ()


async def test_an_access_code_opens_the_menu_for_the_walk_and_logs_out(
    bus: can.BusABC, simulator: MasterBusSimulator
) -> None:
    session = await _session(bus, TEST_ACCESS_CODE)
    try:
        schema = session.devices[COMBI].schema
        assert schema.locked == ()
        installer = schema.groups[-1]
        assert (installer.name, installer.menu, installer.fields) == (
            "Installer",
            Menu.SERVICE,
            (0x44,),
        )
        # Metadata is read after the logout: writable only at the installer level.
        current = schema.field(0x44)
        assert current is not None
        assert not current.writable
        device = simulator.device(COMBI)
        assert device.access_level == AccessLevel.END_USER
        assert [(r.level, r.code) for r in device.access_requests] == [
            (None, None),
            (AccessLevel.INSTALLER, TEST_ACCESS_CODE),
            (AccessLevel.END_USER, None),
        ]
        # The code is in no repr and no frame kept for diagnostics.
        code_bytes = encode_float(TEST_ACCESS_CODE).hex().upper()
        assert "805301" not in repr(session.config)
        assert "805301" not in repr(device.access_requests[1])
        assert not any(code_bytes in frame for frame in session.recent.of(COMBI))
        # The settings of the opened menu are polled like any other field.
        assert await session.read_value(COMBI, 0x44) == 100.0
    finally:
        await session.disconnect()


async def test_a_wrong_code_leaves_the_menu_locked_without_a_logout(
    bus: can.BusABC, simulator: MasterBusSimulator
) -> None:
    session = await _session(bus, 1111.0)
    try:
        assert session.devices[COMBI].schema.locked == (LockedMenu(Menu.SERVICE, 0),)
        levels = [r.level for r in simulator.device(COMBI).access_requests]
        assert levels == [None, AccessLevel.INSTALLER]
    finally:
        await session.disconnect()


async def test_a_cached_locked_menu_is_walked_again_once_a_code_is_given(
    bus: can.BusABC, simulator: MasterBusSimulator
) -> None:
    first = await _session(bus, None)
    cache = first.cache.to_dict()
    await first.disconnect()
    assert SchemaCache.from_dict(cache).by_address(COMBI).schema.locked  # type: ignore[union-attr]
    second = MasterBusSession(
        replace(FAST, access_code=TEST_ACCESS_CODE), SchemaCache.from_dict(cache)
    )
    await second.connect(bus)
    try:
        async with asyncio.timeout(30):
            await second.wait_for_devices(3)
            await second.wait_discovery()
        assert second.devices[COMBI].schema.locked == ()
        assert second.devices[COMBI].schema.field(0x44) is not None
    finally:
        await second.disconnect()


async def test_setting_writes_follow_the_metadata(
    end_user: tuple[MasterBusSession, list[Message]], simulator: MasterBusSimulator
) -> None:
    session, _ = end_user
    with pytest.raises(WriteError, match="outside"):
        await session.write_value(COMBI, 0x41, 16.0)
    assert await session.write_value(COMBI, 0x41, 13.6) == pytest.approx(13.6)
    assert simulator.device(COMBI).value(0x41, 0) == pytest.approx(13.6)


def test_access_level_frames() -> None:
    read = AccessLevelRequest(COMBI).to_frame()
    assert read.data == bytes.fromhex("0819")
    login = AccessLevelRequest(COMBI, AccessLevel.INSTALLER, 1234.0).to_frame()
    assert login.data == bytes.fromhex("08190100") + encode_float(1234.0)
    logout = AccessLevelRequest(COMBI, AccessLevel.END_USER).to_frame()
    assert logout.data == bytes.fromhex("08190000")
    for frame in (read, login, logout):
        assert decode_frame(frame.can_id, frame.data).to_frame() == frame
    reply = AccessLevelReply(COMBI, 1).to_frame()
    assert reply.data == bytes.fromhex("08190100")
    assert decode_frame(reply.can_id, reply.data) == AccessLevelReply(COMBI, 1)


def test_a_format_1_cache_is_stale() -> None:
    entry = {
        "address": 5,
        "change_counter": 1,
        "identity": {"article": "a", "serial": "s", "name": "MCU", "firmware": "1.00"},
        "groups": [{"index": 0, "name": "g", "fields": []}],
        "fields": [],
    }
    assert len(SchemaCache.from_dict({"version": 1, "devices": [entry]})) == 0
    assert len(SchemaCache.from_dict({"version": 2, "devices": [entry | {"locked": []}]})) == 0
