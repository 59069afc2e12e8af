"""What the benchmark workers share: a test Home Assistant that loads this repository's integration.

A worker runs in a fresh interpreter (started by its ``bench_*`` module
through `harness.run_worker`), so nothing a Home Assistant leaves behind
reaches the next benchmark. Each of its scenarios gets a fresh Home Assistant.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
import tempfile

from homeassistant import loader
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import async_test_home_assistant


@contextmanager
def scratch_config_dir() -> Iterator[str]:
    """A scratch configuration directory that the scenarios share."""
    with tempfile.TemporaryDirectory() as path:
        Path(path, "custom_components").mkdir()
        yield path


@asynccontextmanager
async def home_assistant(path: str) -> AsyncIterator[HomeAssistant]:
    """A fresh test Home Assistant in ``path``, stopped on leaving."""
    async with async_test_home_assistant(config_dir=path) as hass:
        # Let the loader find custom_components/offgrid_power (cwd is the repository).
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
        yield hass
        await hass.async_stop(force=True)


async def interleaved(
    scenarios: tuple[str, ...],
    repetitions: int,
    measure: Callable[[str, str], Awaitable[float]],
) -> dict[str, list[float]]:
    """Each scenario's figure from every repetition, the scenarios taking turns.

    A slow moment on a shared machine then hits every scenario alike; the
    order flips from one repetition to the next, so none always runs first
    (in a cooler cache, or after a heavier neighbour).
    """
    figures: dict[str, list[float]] = {scenario: [] for scenario in scenarios}
    with scratch_config_dir() as path:
        for repetition in range(repetitions):
            for scenario in scenarios if repetition % 2 == 0 else scenarios[::-1]:
                figures[scenario].append(await measure(scenario, path))
    return figures
