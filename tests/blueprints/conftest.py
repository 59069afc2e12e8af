"""Fixtures for running the shipped blueprints in a real Home Assistant."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
import logging
from pathlib import Path
import shutil
from typing import Any

from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import async_mock_service

REPO_ROOT = Path(__file__).resolve().parents[2]
BLUEPRINT_DIR = REPO_ROOT / "blueprints" / "automation" / "offgrid_power"
BLUEPRINT_FILES = sorted(BLUEPRINT_DIR.glob("*.yaml"))

SetupBlueprint = Callable[..., Coroutine[Any, Any, str]]


@pytest.fixture
def blueprint_config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """Point HA's config dir at tmp_path and copy the blueprints where HA looks for them."""
    hass.config.config_dir = str(tmp_path)
    target = Path(hass.config.path("blueprints/automation/offgrid_power"))
    target.mkdir(parents=True)
    for file in BLUEPRINT_FILES:
        shutil.copy(file, target / file.name)
    return target


@pytest.fixture
def notify_calls(hass: HomeAssistant) -> list[ServiceCall]:
    """Record calls of notify.notify (the blueprints' default notify action)."""
    return async_mock_service(hass, "notify", "notify")


@pytest.fixture
def persistent_calls(hass: HomeAssistant) -> list[ServiceCall]:
    """Record persistent_notification.create calls."""
    return async_mock_service(hass, "persistent_notification", "create")


@pytest.fixture
async def setup_blueprint(
    hass: HomeAssistant, blueprint_config_dir: Path
) -> AsyncIterator[SetupBlueprint]:
    """Create one automation from a shipped blueprint and return its entity id.

    Afterwards the automations are turned off with their runs stopped: a blueprint waiting
    for its re-arm trigger would otherwise outlive the test (and, with the clock frozen,
    hold up Home Assistant's shutdown).
    """

    async def _setup(file_name: str, inputs: dict[str, Any], alias: str = "Under test") -> str:
        assert (blueprint_config_dir / file_name).is_file()
        assert await async_setup_component(
            hass,
            "automation",
            {
                "automation": [
                    {
                        "alias": alias,
                        "use_blueprint": {
                            "path": f"offgrid_power/{file_name}",
                            "input": inputs,
                        },
                    }
                ]
            },
        )
        await hass.async_block_till_done()
        entity_id = "automation." + alias.lower().replace(" ", "_")
        state = hass.states.get(entity_id)
        assert state is not None, f"{file_name} did not produce an automation"
        assert state.state == "on", f"{file_name}: automation is {state.state}"
        return entity_id

    yield _setup
    if hass.services.has_service("automation", "turn_off"):
        await hass.services.async_call(
            "automation", "turn_off", {"entity_id": "all", "stop_actions": True}, blocking=True
        )
        await hass.async_block_till_done()


def assert_no_warnings(caplog: pytest.LogCaptureFixture) -> None:
    """Fail if anything (template rendering included) logged a warning or an error."""
    bad = [
        f"{record.levelname} {record.name}: {record.getMessage()}"
        for record in caplog.get_records("call")
        if record.levelno >= logging.WARNING
        # asyncio's debug-mode "Executing <Task ...> took 60.000 seconds" is the frozen
        # clock jumping forward, not a problem of the blueprint.
        and not (record.name == "asyncio" and "took" in record.getMessage())
    ]
    assert not bad, "warnings/errors were logged:\n" + "\n".join(bad)
