"""The settings menus behind the monitoring menu, and the access-level rule.

A device describes more than it measures: its Configuration menu (battery
type, absorption and float voltages...) and, for installers, its Service
menu. Each menu has a group count (property ``08 03``, ``08 04``, reference
§3.2). Our model of how their groups are addressed, which the reference does
not spell out and no public capture confirms: the group numbers of the
class-0x19 schema requests run on across the menus, Monitoring first, then
Configuration, then Service (the ``08 3F`` count is their total). The alarm
and history tabs (classes 0x1A/0x1B) are not read.

Some menus open only at a higher access level (property ``08 19``: 0 end
user, 1 installer, 2 distributor, 3 Mastervolt service). The rule here:

- read the device's level, and read every menu it opens at that level;
- never send an access code of our own (none ships with this library); when
  the user configured one, log in as installer for the walk and log out right
  after it, so field metadata (whose writable flag depends on the level) is
  read, and writes are checked, at the level the device is normally at;
- a menu the device refuses ends the walk there (later menus' group numbers
  are unknown without it): one refusal, no retry, recorded as a `LockedMenu`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
import logging
from typing import TYPE_CHECKING

from .codec import (
    AccessLevel,
    AccessLevelReply,
    AccessLevelRequest,
    Menu,
    MenuCountReply,
    MenuCountRequest,
)
from .errors import MasterBusError, NotSupportedError, RequestTimeout
from .models import Group, LockedMenu

if TYPE_CHECKING:
    from .discovery import Ask

_LOGGER = logging.getLogger(__name__)

# The menus read after the monitoring menu, in group-number order.
SETTINGS_MENUS = (Menu.CONFIGURATION, Menu.SERVICE)

type ReadGroup = Callable[[int, int, dict[int, str], Menu], Awaitable[Group]]


@dataclass(frozen=True, slots=True)
class MenuWalk:
    """The groups of the settings menus read, and the menu that stopped the walk."""

    groups: tuple[Group, ...] = ()
    locked: tuple[LockedMenu, ...] = ()


class MenuWalker:
    """Reads the settings menus of one device at a time; see the module docstring."""

    def __init__(self, ask: Ask, read_group: ReadGroup, access_code: float | None) -> None:
        self._ask = ask
        self._read_group = read_group
        self._access_code = access_code

    def __repr__(self) -> str:
        return f"MenuWalker(access_code={'set' if self._access_code is not None else None})"

    async def walk(self, address: int, first_group: int, strings: dict[int, str]) -> MenuWalk:
        """The settings menus' groups, numbered on from ``first_group``."""
        level = await self._level(address)
        logged_in = False
        if self._access_code is not None and level is not None and level < AccessLevel.INSTALLER:
            login = AccessLevelRequest(address, AccessLevel.INSTALLER, self._access_code)
            level = (await self._ask(login, AccessLevelReply)).level
            logged_in = level >= AccessLevel.INSTALLER
            if not logged_in:
                _LOGGER.debug("%06X did not accept the access code", address)
        try:
            walk = await self._menus(address, first_group, strings, level)
        except MasterBusError:
            if logged_in:
                await self._log_out(address)
            raise
        if logged_in:
            await self._log_out(address)
        return walk

    async def _level(self, address: int) -> int | None:
        """The device's access level; None for a device without levels."""
        try:
            return (await self._ask(AccessLevelRequest(address), AccessLevelReply)).level
        except (NotSupportedError, RequestTimeout):
            return None

    async def _log_out(self, address: int) -> None:
        try:
            await self._ask(AccessLevelRequest(address, AccessLevel.END_USER), AccessLevelReply)
        except MasterBusError as err:
            # The device drops the level by itself on a power cycle; nothing to retry here.
            _LOGGER.debug("Logging out of %06X failed: %s", address, err)

    async def _menus(
        self, address: int, first_group: int, strings: dict[int, str], level: int | None
    ) -> MenuWalk:
        groups: list[Group] = []
        index = first_group
        for menu in SETTINGS_MENUS:
            try:
                count = (await self._ask(MenuCountRequest(address, menu), MenuCountReply)).count
            except NotSupportedError:
                if level is None:
                    continue  # a device without access levels simply has no such menu
                _LOGGER.debug("%06X refused menu %s at access level %s", address, menu, level)
                return MenuWalk(tuple(groups), (LockedMenu(menu, level),))
            except RequestTimeout:
                break  # without its count, the group numbers after it are unknown
            for _ in range(count):
                groups.append(await self._read_group(address, index, strings, menu))
                index += 1
        return MenuWalk(tuple(groups))
