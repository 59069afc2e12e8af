"""`make demo`: a real Home Assistant 2025.4.4 on http://127.0.0.1:8123 with Off-Grid Power.

Each family's simulated peers start first (see scripts/demo_families/), then
Home Assistant, then the config flows that add them, driven through the REST
API as a browser would. The configuration lives in build/demo/ and is reused on
the next run, where the flows find their entries already configured. Home
Assistant is onboarded through its own onboarding API, and the trusted-networks
auth provider lets a browser on this machine in without a password. That is a
demo-only setting: never use it on a Home Assistant that other people can reach.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from contextlib import AsyncExitStack, suppress
import json
import os
from pathlib import Path
import signal
import sys
from typing import Any

import aiohttp

from .demo_api import DemoApi
from .demo_dashboard import create_dashboard
from .demo_families import load_parts
from .demo_parts import HA_PORT, HOST, DemoPart
from .demo_system import add_system

ROOT = Path(__file__).resolve().parent.parent
# The end-to-end test runs the demo on a port and in a folder of its own.
CONFIG = Path(os.environ.get("OFFGRID_DEMO_CONFIG", ROOT / "build" / "demo" / "config"))
URL = f"http://{HOST}:{HA_PORT}"
CLIENT_ID = f"{URL}/"


CONFIGURATION_YAML = f"""\
# Written by `make demo`. DEMO ONLY: trusted_networks lets anyone on this
# machine in without a password.
homeassistant:
  name: Off-Grid Power demo
  latitude: 52.37
  longitude: 4.89
  elevation: 0
  unit_system: metric
  time_zone: Europe/Amsterdam
  currency: EUR
  country: NL
  auth_providers:
    - type: trusted_networks
      trusted_networks:
        - 127.0.0.1/32
        - ::1/128
      allow_bypass_login: true
    - type: homeassistant

http:
  server_host: {HOST}
  server_port: {HA_PORT}

config:
diagnostics:
energy:
frontend:
history:
logbook:
recorder:
  purge_keep_days: 3
system_health:

logger:
  default: warning
  logs:
    custom_components.offgrid_power: info
    # Camera thumbnails want libturbojpeg, which the demo does not need.
    homeassistant.components.camera.img_util: critical
"""


def prepare_config(parts: list[DemoPart]) -> None:
    """Write the configuration and link the integration (and demo helpers) into it."""
    CONFIG.mkdir(parents=True, exist_ok=True)
    (CONFIG / "configuration.yaml").write_text(
        CONFIGURATION_YAML + "".join(part.configuration_yaml for part in parts)
    )
    components = CONFIG / "custom_components"
    components.mkdir(exist_ok=True)
    # Home Assistant runs from the repository root, whose custom_components/ is a
    # namespace package that would hide the links made here; a regular package wins.
    (components / "__init__.py").touch()
    links = {"offgrid_power": ROOT / "custom_components" / "offgrid_power"}
    for part in parts:
        links.update(part.custom_components)
    for name, folder in links.items():
        link = components / name
        if not link.is_symlink():
            link.symlink_to(folder, target_is_directory=True)


async def add_devices(session: aiohttp.ClientSession, parts: list[DemoPart]) -> str:
    """Run every part's config flows, then add the system over them, fill the
    Energy dashboard and make the system dashboard; on later runs the flows find
    their entries in place. The page the demo opens on."""
    api = DemoApi(session, URL)
    await api.login()
    for part in parts:
        for inputs in part.flows():
            try:
                print(f"  {part.title}: {await api.run_flow(inputs)}")
            except RuntimeError as err:
                # One device a previous, interrupted run half set up must not
                # keep the others from the demo.
                print(f"  {part.title}: not added ({err})")
    try:
        print(f"  Off-grid system: {await add_system(api)}")
    except RuntimeError as err:
        print(f"  Off-grid system: not added ({err})")
    try:
        path = await create_dashboard(api)
    except RuntimeError as err:
        print(f"  System dashboard: not made ({err})")
        return URL
    print(f"  System dashboard: {URL}/{path}")
    return f"{URL}/{path}"


async def wait_until_up(session: aiohttp.ClientSession, hass: asyncio.subprocess.Process) -> None:
    """Wait until the HTTP server answers, or fail if Home Assistant exits."""
    for _ in range(600):
        if hass.returncode is not None:
            raise SystemExit(f"Home Assistant exited with code {hass.returncode}")
        with suppress(aiohttp.ClientError):
            async with session.get(f"{URL}/manifest.json") as response:
                if response.status == 200:
                    return
        await asyncio.sleep(0.5)
    raise SystemExit("Home Assistant did not start within 5 minutes")


ONBOARDING = CONFIG / ".storage" / "onboarding"
ONBOARDING_STEPS = ["user", "core_config", "analytics", "integration"]
# Where Home Assistant keeps the owner: the user and its login. It saves them
# a moment after the onboarding API answers, so a run stopped in between
# leaves an onboarding file that says "done" and no user to log in as.
AUTH_STORES = (CONFIG / ".storage" / "auth", CONFIG / ".storage" / "auth_provider.homeassistant")
OWNER_SAVE_LIMIT = 300.0


def _stored(path: Path) -> dict[str, Any]:
    """A store's data; empty when it is missing or half written."""
    try:
        data = json.loads(path.read_text())["data"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


def owner_saved() -> bool:
    """Whether the owner and its login are on disk."""
    users, logins = (_stored(path).get("users") or [] for path in AUTH_STORES)
    return any(isinstance(u, dict) and u.get("is_owner") for u in users) and any(
        isinstance(login, dict) and login.get("username") == "demo" for login in logins
    )


def is_onboarded() -> bool:
    """Whether an earlier run finished onboarding: the file says so and the owner is saved.

    The file alone is not enough: a run interrupted before Home Assistant
    saved the owner leaves it behind, and the demo could then never log in.
    """
    done = _stored(ONBOARDING).get("done") or []
    return set(ONBOARDING_STEPS) <= set(done) and owner_saved()


def forget_partial_onboarding() -> None:
    """Remove what an interrupted first run left, so onboarding starts afresh."""
    for path in (ONBOARDING, *AUTH_STORES):
        path.unlink(missing_ok=True)


async def wait_for_owner_saved(hass: asyncio.subprocess.Process) -> None:
    """Wait until Home Assistant has written the owner to disk."""
    for _ in range(int(OWNER_SAVE_LIMIT / 0.5)):
        if owner_saved():
            return
        if hass.returncode is not None:
            raise SystemExit(f"Home Assistant exited with code {hass.returncode}")
        await asyncio.sleep(0.5)
    raise SystemExit("Home Assistant did not save the demo user within 5 minutes")


async def create_owner(session: aiohttp.ClientSession) -> None:
    """Create the owner through the onboarding API, as the first browser visit would."""
    async with session.post(
        f"{URL}/api/onboarding/users",
        json={
            "client_id": CLIENT_ID,
            "name": "Demo",
            "username": "demo",
            # Never typed: the trusted network logs the browser in.
            "password": os.urandom(16).hex(),
            "language": "en",
        },
    ) as response:
        response.raise_for_status()


def finish_onboarding() -> None:
    """Mark the remaining steps done while Home Assistant is stopped.

    The location and units come from configuration.yaml; the onboarding API's
    core_config step would also add weather, radio and TTS integrations that
    have nothing to do with this demo.
    """
    ONBOARDING.write_text(
        json.dumps(
            {
                "version": 4,
                "minor_version": 1,
                "key": "onboarding",
                "data": {"done": ONBOARDING_STEPS},
            },
            indent=2,
        )
    )


async def start_hass(stack: AsyncExitStack) -> asyncio.subprocess.Process:
    """Start Home Assistant in its own process group; the stack stops it."""
    hass = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "homeassistant",
        "--config",
        str(CONFIG),
        # Everything is preinstalled; HA must never install packages here.
        "--skip-pip",
        start_new_session=True,
    )
    stack.push_async_callback(stop_process, hass)
    return hass


async def until_stopped(stop: asyncio.Event, work: Awaitable[object]) -> bool:
    """Run ``work`` unless Ctrl-C comes first; whether it finished."""
    task = asyncio.ensure_future(work)
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    stopped.cancel()
    if not task.done():
        task.cancel()
        return False
    task.result()
    return True


async def run() -> int:
    """Start Home Assistant (and the simulators), then wait for Ctrl-C."""
    parts = load_parts()
    prepare_config(parts)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)

    async with aiohttp.ClientSession() as session:
        if not is_onboarded():
            print("First run: onboarding the demo instance (user 'demo')")
            forget_partial_onboarding()
            async with AsyncExitStack() as stack:
                hass = await start_hass(stack)
                if not await until_stopped(stop, wait_until_up(session, hass)):
                    return 0
                await create_owner(session)
                # Stopping now would lose the owner (saved after a delay).
                if not await until_stopped(stop, wait_for_owner_saved(hass)):
                    return 0
            finish_onboarding()

        async with AsyncExitStack() as stack:
            for part in parts:
                print(f"Starting the simulated {part.title}")
                await part.start(stack)
            hass = await start_hass(stack)
            print(f"Starting Home Assistant 2025.4.4 at {URL}")
            if not await until_stopped(stop, wait_until_up(session, hass)):
                return 0
            print("Adding the simulated devices")
            adding = asyncio.ensure_future(add_devices(session, parts))
            if not await until_stopped(stop, adding):
                return 0
            page = adding.result()
            print(f"\nReady: open {page} in a browser on this machine. Ctrl-C stops everything.")
            await until_stopped(stop, hass.wait())
            print("\nStopping…")
    return 0


async def stop_process(process: asyncio.subprocess.Process, grace: float = 30) -> Any:
    """Ask a child process group to stop, and kill it if it does not."""
    if process.returncode is not None:
        return process.returncode
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        return await asyncio.wait_for(process.wait(), grace)
    except TimeoutError:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        return await process.wait()


if __name__ == "__main__":
    # Progress lines must reach a pipe (the end-to-end test reads them) at once.
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    sys.exit(asyncio.run(run()))
