"""`make demo` interrupted at any point of its first run comes up on the next one.

The first run onboards Home Assistant: the onboarding API creates the owner,
Home Assistant saves it a moment later, the demo stops Home Assistant and
marks onboarding done. Each state an interruption can leave on disk is built
here, and the demo must onboard again unless the owner really is saved.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
import sys

import pytest

from scripts import demo


def _store(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": 1, "key": path.name, "data": data}))


OWNER = {"users": [{"id": "1", "is_owner": True, "name": "Demo"}]}
LOGIN = {"users": [{"username": "demo", "password": "hash"}]}
ALL_DONE = {"done": demo.ONBOARDING_STEPS}


@pytest.fixture
def storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo's stores under a temporary config folder."""
    folder = tmp_path / ".storage"
    monkeypatch.setattr(demo, "ONBOARDING", folder / "onboarding")
    monkeypatch.setattr(
        demo, "AUTH_STORES", (folder / "auth", folder / "auth_provider.homeassistant")
    )
    return folder


@pytest.mark.parametrize(
    ("onboarding", "auth", "login"),
    [
        pytest.param(None, None, None, id="never started"),
        # The onboarding API answered; Home Assistant was stopped before its delayed save.
        pytest.param({"done": ["user"]}, None, None, id="owner not saved yet"),
        pytest.param({"done": ["user"]}, OWNER, None, id="login not saved yet"),
        # Stopped after the save, before the demo marked the other steps done.
        pytest.param({"done": ["user"]}, OWNER, LOGIN, id="steps not marked"),
        # The old demo's failure: every step marked, no user behind it.
        pytest.param(ALL_DONE, None, None, id="marked done without owner"),
        pytest.param("{half a fi", OWNER, LOGIN, id="onboarding file half written"),
    ],
)
def test_an_interrupted_first_run_onboards_again_from_scratch(
    storage: Path, onboarding: object, auth: object, login: object
) -> None:
    for name, data in (
        ("onboarding", onboarding),
        ("auth", auth),
        ("auth_provider.homeassistant", login),
    ):
        if isinstance(data, str):
            storage.mkdir(parents=True, exist_ok=True)
            (storage / name).write_text(data)
        elif data is not None:
            _store(storage / name, data)
    assert not demo.is_onboarded()
    demo.forget_partial_onboarding()
    assert not any(storage.glob("*")), "a fresh onboarding finds nothing of the last one"


def test_a_finished_first_run_is_not_repeated(storage: Path) -> None:
    _store(storage / "auth", OWNER)
    _store(storage / "auth_provider.homeassistant", LOGIN)
    demo.finish_onboarding()
    assert demo.is_onboarded()


async def test_the_demo_waits_for_the_owner_to_be_saved(storage: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import time; time.sleep(60)"
    )
    try:
        waiting = asyncio.create_task(demo.wait_for_owner_saved(process))
        await asyncio.sleep(0)
        _store(storage / "auth", OWNER)
        await asyncio.sleep(0.6)
        assert not waiting.done(), "the login is not saved yet"
        _store(storage / "auth_provider.homeassistant", LOGIN)
        await asyncio.wait_for(waiting, 60)
    finally:
        process.kill()
        await process.wait()
