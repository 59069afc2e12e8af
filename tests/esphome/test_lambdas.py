"""The C++ in the configs' lambdas compiles (syntax and types, against signature stubs).

`esphome config` does not compile lambdas and `esphome compile` needs the network, so every
`!lambda` of the merged configs is wrapped like ESPHome wraps it (`[=](<trigger args>) {...}`)
and checked with `g++ -fsyntax-only` against lambda_stubs.h. Skipped without g++.
"""

from __future__ import annotations

from pathlib import Path
import shutil
import subprocess
from typing import Any

import pytest

from .conftest import ConfigRun
from .esphome_yaml import Tagged

STUBS = Path(__file__).with_name("lambda_stubs.h")
# The arguments ESPHome passes to lambdas under these triggers.
TRIGGER_ARGS = {
    "on_receive": "std::vector<uint8_t> data",
    "on_frame": "std::vector<uint8_t> x, uint32_t can_id, bool remote_transmission_request",
}


def _lambdas(node: Any, args: str = "") -> list[tuple[str, str]]:
    if isinstance(node, Tagged) and node.tag == "lambda":
        return [(args, str(node.value))]
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _lambdas(value, TRIGGER_ARGS.get(key, args))
    elif isinstance(node, list):
        for value in node:
            found += _lambdas(value, args)
    return found


def test_lambdas_compile(esphome_runs: dict[str, ConfigRun], tmp_path: Path) -> None:
    """Every lambda of every config, in one translation unit, with -Wall -Wextra -Werror."""
    compiler = shutil.which("g++")
    if compiler is None:
        pytest.skip("g++ not installed")
    parts = [f'#include "{STUBS}"']
    count = 0
    for run in esphome_runs.values():
        for args, body in _lambdas(run.config):
            parts.append(
                f"// {run.file}\nvoid lambda_{count}() {{ auto l = [=]({args}) {{\n{body}\n}};"
                " (void) l; }"
            )
            count += 1
    assert count >= 20
    source = tmp_path / "lambdas.cpp"
    source.write_text("\n".join(parts), encoding="utf-8")
    result = subprocess.run(
        [
            compiler,
            "-std=gnu++20",
            "-fsyntax-only",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-Wno-unused-parameter",
            str(source),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-4000:]
