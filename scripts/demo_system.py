"""The demo's off-grid system across the three families, and its Energy dashboard.

After the devices are added, the demo adds an *Off-grid system* entry through
the same config flow a user opens (REST, like the devices): the SmartShunt's
bank as the battery (the BlueSolar's state tells "full"), the PowMr's and the
BlueSolar's PV as solar sources with their kWh sensors, and the MasterBus
Combi's AC output as the load. It then presses the system's *Add to Energy
dashboard* button. On later runs the entry is already there and the press
adds nothing, which is the point of the button.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from .demo_api import DemoApi

SOLAR_CHARGER, SHUNT = "C0:DE:00:00:00:01", "C0:DE:00:00:00:02"
# New devices' entities appear with their first readings; wait that long for them.
ENTITIES_TIMEOUT = 120.0

type Registry = list[dict[str, Any]]
type Match = Callable[[dict[str, Any]], bool]


def _victron(address: str, key: str) -> Match:
    return lambda entity: entity["unique_id"] == f"{address}-{key}"


def _keyed(key: str, *, not_prefix: str = SOLAR_CHARGER[:6]) -> Match:
    # PowMr's and MasterBus's unique ids start with their entry id, Victron's with the address.
    return lambda entity: (
        entity.get("translation_key") == key and not entity["unique_id"].startswith(not_prefix)
    )


ROLES: dict[str, Match] = {
    "battery_soc": _victron(SHUNT, "state_of_charge"),
    "battery_voltage": _victron(SHUNT, "battery_voltage"),
    "battery_power": _victron(SHUNT, "battery_power"),
    "charge_state": _victron(SOLAR_CHARGER, "device_state"),
    # The Combi's AC output 1 (masterbus/known_fields.py), by key: its entity id follows names.
    "ac_load_power": _keyed("mb_output_1_power"),
    "victron_pv": _victron(SOLAR_CHARGER, "pv_power"),
    "victron_pv_energy": _victron(SOLAR_CHARGER, "solar_energy"),
    "powmr_pv": _keyed("pv_power"),
    "powmr_pv_energy": _keyed("pv_energy"),
}


def _find(registry: Registry, match: Match) -> str | None:
    return next(
        (e["entity_id"] for e in registry if e["platform"] == "offgrid_power" and match(e)), None
    )


async def _entities(api: DemoApi, roles: dict[str, Match]) -> dict[str, str]:
    """The entity id of every role, once the devices have created them."""
    deadline = asyncio.get_running_loop().time() + ENTITIES_TIMEOUT
    while True:
        registry = await api.entity_registry()
        found = {role: _find(registry, match) for role, match in roles.items()}
        if all(found.values()):
            return {role: entity_id for role, entity_id in found.items() if entity_id}
        if asyncio.get_running_loop().time() > deadline:
            missing = sorted(role for role, entity_id in found.items() if not entity_id)
            raise RuntimeError(f"the devices never created: {', '.join(missing)}")
        await asyncio.sleep(1)


def system_flow(ids: dict[str, str]) -> list[dict[str, Any]]:
    """The system flow's inputs: the menu choice, the entities, each source's kWh sensor."""
    return [
        {"next_step_id": "system"},
        {
            **{role: ids[role] for role in ("battery_soc", "battery_voltage", "battery_power")},
            "charge_state": ids["charge_state"],
            "ac_load_power": ids["ac_load_power"],
            "solar_power": [ids["powmr_pv"], ids["victron_pv"]],
        },
        {
            ids["powmr_pv"]: ids["powmr_pv_energy"],
            ids["victron_pv"]: ids["victron_pv_energy"],
        },
    ]


async def energy_button(api: DemoApi) -> str | None:
    """The system's "Add to Energy dashboard" button, once there is a system."""
    return _find(await api.entity_registry(), lambda e: e["unique_id"].endswith("_add_to_energy"))


async def add_system(api: DemoApi) -> str:
    """Add the system (first run only) and press its Energy button; what happened."""
    if (button := await energy_button(api)) is None:
        ids = await _entities(api, ROLES)
        title = await api.run_flow(system_flow(ids))
        button = await _wait_for_button(api)
    else:
        title = "already configured"
    await api.press(button)
    return f"{title}; Energy dashboard filled ({button} pressed)"


async def _wait_for_button(api: DemoApi) -> str:
    deadline = asyncio.get_running_loop().time() + ENTITIES_TIMEOUT
    while (button := await energy_button(api)) is None:
        if asyncio.get_running_loop().time() > deadline:
            raise RuntimeError("the system entry created no Energy dashboard button")
        await asyncio.sleep(1)
    return button
