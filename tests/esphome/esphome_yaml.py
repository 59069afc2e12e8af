"""Helpers shared by the ESPHome tests: locate esphome, read ESPHome YAML without ESPHome."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
ESPHOME_DIR = REPO_ROOT / "esphome"
# Top-level, adoptable configs; packages/ are validated through them.
CONFIG_FILES = sorted(ESPHOME_DIR.glob("*.yaml"))


def find_esphome() -> Path | None:
    """$OFFGRID_ESPHOME, else .venv-esphome/bin/esphome in the repository."""
    if env := os.environ.get("OFFGRID_ESPHOME"):
        path = Path(env)
        return path if path.is_file() else None
    path = REPO_ROOT / ".venv-esphome" / "bin" / "esphome"
    return path if path.is_file() else None


class _TaggedLoader(yaml.SafeLoader):
    """SafeLoader that keeps ESPHome's tags (!include, !lambda, !secret, ...) as plain values."""


def _tagged(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return Tagged(tag_suffix, value)


class Tagged:
    """A value that carried an ESPHome tag, e.g. Tagged('include', 'packages/base.yaml')."""

    def __init__(self, tag: str, value: Any) -> None:
        self.tag = tag
        self.value = value

    def __repr__(self) -> str:
        return f"!{self.tag} {self.value!r}"

    def __str__(self) -> str:
        return str(self.value)


_TaggedLoader.add_multi_constructor("!", _tagged)


def load_esphome_yaml(text_or_path: str | Path) -> Any:
    """Parse ESPHome YAML (a file, or the output of `esphome config`) without ESPHome."""
    text = (
        text_or_path.read_text(encoding="utf-8") if isinstance(text_or_path, Path) else text_or_path
    )
    return yaml.load(text, Loader=_TaggedLoader)  # a SafeLoader subclass


def substitutions(path: Path) -> dict[str, str]:
    """The `substitutions:` of a top-level config, as strings."""
    data = load_esphome_yaml(path)
    return {key: str(value) for key, value in (data.get("substitutions") or {}).items()}
