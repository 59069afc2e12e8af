"""Run the real `esphome config` once per top-level config, in parallel, in a temp copy."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
import os
from pathlib import Path
import shutil
import subprocess
from typing import Any

import pytest

from .esphome_yaml import CONFIG_FILES, ESPHOME_DIR, find_esphome, load_esphome_yaml


@dataclass(frozen=True)
class ConfigRun:
    """One `esphome config` run."""

    file: str
    returncode: int
    stdout: str
    stderr: str

    @property
    def config(self) -> Any:
        """The validated, merged config that esphome printed."""
        return load_esphome_yaml(self.stdout)


def _offline_prefix() -> list[str]:
    """`unshare -rn` (no network namespace) when the kernel allows it, else nothing."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return []
    try:
        probe = subprocess.run([unshare, "-rn", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return []
    return [unshare, "-rn"] if probe.returncode == 0 else []


@pytest.fixture(scope="session")
def esphome_binary() -> Path:
    """The esphome executable; a missing one fails on CI and skips locally."""
    binary = find_esphome()
    if binary is None:
        message = (
            "esphome not found: set OFFGRID_ESPHOME or create .venv-esphome "
            "(pip install -r requirements/esphome.txt into its own venv)"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return binary


def run_esphome_config(
    binary: Path, workdir: Path, file: str, substitutions: dict[str, str] | None = None
) -> ConfigRun:
    """`esphome config <file>` in workdir (a copy of esphome/), offline, with -s overrides."""
    overrides = [
        arg for name, value in (substitutions or {}).items() for arg in ("-s", name, value)
    ]
    result = subprocess.run(
        [*_offline_prefix(), str(binary), *overrides, "config", file],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "ESPHOME_NO_VENV": "1", "PYTHONWARNINGS": "ignore"},
        check=False,
    )
    return ConfigRun(file, result.returncode, result.stdout, result.stderr)


def copy_esphome_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of esphome/, so no `.esphome/` build state lands in the repository."""
    workdir = tmp_path_factory.mktemp("esphome") / "esphome"
    shutil.copytree(ESPHOME_DIR, workdir)
    return workdir


@pytest.fixture(scope="session")
def esphome_runs(
    esphome_binary: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, ConfigRun]:
    """`esphome config <file>` for every top-level config, offline, outside the repository."""
    workdir = copy_esphome_dir(tmp_path_factory)
    with ThreadPoolExecutor(max_workers=min(len(CONFIG_FILES), os.cpu_count() or 2)) as pool:
        runs = list(
            pool.map(
                lambda file: run_esphome_config(esphome_binary, workdir, file.name), CONFIG_FILES
            )
        )
    return {item.file: item for item in runs}
