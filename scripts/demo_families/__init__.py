"""The families' demo parts: each module here exposes ``PART``, a `DemoPart`."""

from __future__ import annotations

import importlib
import pkgutil

from scripts.demo_parts import DemoPart


def load_parts() -> list[DemoPart]:
    """Every family's part, in module-name order."""
    return [
        importlib.import_module(f"{__name__}.{module.name}").PART
        for module in sorted(pkgutil.iter_modules(__path__), key=lambda module: module.name)
    ]
