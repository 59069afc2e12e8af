"""The bits of Home Assistant's HTTP API the demo (and its end-to-end test) drive."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from .demo_parts import FlowInputs

DOMAIN = "offgrid_power"
# A progress step (advertisement wait, bus discovery) finishes within this.
PROGRESS_TIMEOUT = 120.0
# Aborts that mean "an earlier demo run already set this up".
ALREADY_DONE = {"already_configured", "already_in_progress"}


class DemoApi:
    """An authenticated client for one Home Assistant instance."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self._session = session
        self._url = url
        self._headers: dict[str, str] = {}

    async def login(self) -> None:
        """Log in as a browser on loopback would: the trusted network needs no password."""
        client_id = f"{self._url}/"
        flow = await self._post(
            "/auth/login_flow",
            {
                "client_id": client_id,
                "handler": ["trusted_networks", None],
                "redirect_uri": client_id,
            },
        )
        if flow.get("type") != "create_entry":
            raise RuntimeError(f"loopback login refused: {flow}")
        async with self._session.post(
            f"{self._url}/auth/token",
            data={
                "grant_type": "authorization_code",
                "code": flow["result"],
                "client_id": client_id,
            },
        ) as response:
            response.raise_for_status()
            token = (await response.json())["access_token"]
        self._headers = {"Authorization": f"Bearer {token}"}

    async def start_flow(self) -> dict[str, Any]:
        """Open the integration's config flow, as "Add integration" does."""
        flow: dict[str, Any] = await self._post(
            "/api/config/config_entries/flow", {"handler": DOMAIN}
        )
        return flow

    async def run_flow(self, inputs: FlowInputs) -> str:
        """Feed ``inputs`` to a new config flow; the title of the entry, or the abort reason."""
        step = await self.start_flow()
        for user_input in inputs:
            step = await self._settle(step)
            if step["type"] not in ("form", "menu"):
                break
            step = await self._post(
                f"/api/config/config_entries/flow/{step['flow_id']}", user_input
            )
        step = await self._settle(step)
        if step["type"] == "create_entry":
            return str(step["title"])
        if step["type"] == "abort" and step["reason"] in ALREADY_DONE:
            return str(step["reason"])
        raise RuntimeError(f"config flow did not finish: {step}")

    async def states(self) -> list[dict[str, Any]]:
        """Every entity state, as /api/states returns them."""
        async with self._session.get(f"{self._url}/api/states", headers=self._headers) as response:
            response.raise_for_status()
            states: list[dict[str, Any]] = await response.json()
        return states

    async def entity_registry(self) -> list[dict[str, Any]]:
        """The entity registry, over the websocket API (REST has no equivalent)."""
        entries: list[dict[str, Any]] = await self._websocket("config/entity_registry/list")
        return entries

    async def notifications(self) -> list[dict[str, Any]]:
        """The persistent notifications shown in the sidebar."""
        shown: list[dict[str, Any]] = await self._websocket("persistent_notification/get")
        return shown

    async def flows_in_progress(self) -> list[dict[str, Any]]:
        """Config flows in progress, discovered ones included (REST only starts flows)."""
        flows: list[dict[str, Any]] = await self._websocket("config_entries/flow/progress")
        return flows

    async def energy_prefs(self) -> dict[str, Any]:
        """The Energy dashboard's configuration, as its settings page reads it."""
        prefs: dict[str, Any] = await self._websocket("energy/get_prefs")
        return prefs

    async def press(self, entity_id: str) -> None:
        """Press a button entity, as its card does."""
        await self._post("/api/services/button/press", {"entity_id": entity_id})

    async def _websocket(self, command: str) -> Any:
        """One websocket command's result (REST has no equivalent for these)."""
        async with self._session.ws_connect(f"{self._url}/api/websocket") as socket:
            await socket.receive_json()  # auth_required
            token = self._headers["Authorization"].removeprefix("Bearer ")
            await socket.send_json({"type": "auth", "access_token": token})
            if (await socket.receive_json())["type"] != "auth_ok":
                raise RuntimeError("websocket authentication failed")
            await socket.send_json({"id": 1, "type": command})
            reply = await socket.receive_json()
        if not reply.get("success"):
            raise RuntimeError(f"{command} failed: {reply.get('error')}")
        return reply["result"]

    async def _settle(self, step: dict[str, Any]) -> dict[str, Any]:
        """Wait out progress steps by re-reading the flow, as the frontend does."""
        deadline = asyncio.get_running_loop().time() + PROGRESS_TIMEOUT
        while step.get("type") == "progress":
            if asyncio.get_running_loop().time() > deadline:
                raise RuntimeError(f"progress step never finished: {step}")
            await asyncio.sleep(0.5)
            async with self._session.get(
                f"{self._url}/api/config/config_entries/flow/{step['flow_id']}",
                headers=self._headers,
            ) as response:
                step = await response.json()
        return step

    async def _post(self, path: str, payload: dict[str, Any]) -> Any:
        async with self._session.post(
            f"{self._url}{path}", json=payload, headers=self._headers
        ) as response:
            body: Any = await response.json()
            if response.status >= 400:
                raise RuntimeError(f"{path} answered {response.status}: {body}")
        return body
