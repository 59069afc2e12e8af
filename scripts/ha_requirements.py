"""Print the PyPI requirements of Home Assistant integrations, or the pip constraints of a release.

Used by scripts/build-venv, so every environment gets the library versions
the installed Home Assistant release gives its users, and Home Assistant never
installs a package at runtime:

    python -m scripts.ha_requirements frontend bluetooth ...
    python -m scripts.ha_requirements --constraints frontend bluetooth ...

The second form prints the release's own ``package_constraints.txt`` followed
by those integrations' pinned requirements. It reads the installed package's
files without importing it, so it works on a Home Assistant installed with
``--no-deps``, before the resolver picks any other library.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
import re
import sys

EXTRAS = re.compile(r"\[[^\]]*\]")


def package_dir() -> Path:
    """The installed ``homeassistant`` package directory (nothing is imported)."""
    spec = importlib.util.find_spec("homeassistant")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("homeassistant is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def manifest(domain: str) -> dict[str, object]:
    """The integration's manifest; an empty one for a domain this release does not have yet."""
    path = package_dir() / "components" / domain / "manifest.json"
    if not path.exists():
        return {}
    data: dict[str, object] = json.loads(path.read_text())
    return data


def requirements(domains: list[str]) -> list[str]:
    seen: set[str] = set()
    found: set[str] = set()
    pending = list(domains)
    while pending:
        domain = pending.pop()
        if domain in seen:
            continue
        seen.add(domain)
        data = manifest(domain)
        found.update(data.get("requirements", []))  # type: ignore[arg-type]
        pending.extend(data.get("dependencies", []))  # type: ignore[arg-type]
        pending.extend(data.get("after_dependencies", []))  # type: ignore[arg-type]
    return sorted(found, key=str.lower)


def constraints(domains: list[str]) -> list[str]:
    """The release's package constraints, then the integrations' pins.

    pip takes no extras in a constraint (``modbus-connection[tmodbus]==4.12.4``):
    the pin applies to the distribution, so the extras are dropped.
    """
    lines = (package_dir() / "package_constraints.txt").read_text().splitlines()
    pins = [EXTRAS.sub("", requirement) for requirement in requirements(domains)]
    return [*lines, "# Requirements of the preinstalled integrations", *pins]


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments[:1] == ["--constraints"]:
        print("\n".join(constraints(arguments[1:])))
    else:
        print("\n".join(requirements(arguments)))
