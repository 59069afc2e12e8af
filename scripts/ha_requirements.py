"""Print the PyPI requirements of Home Assistant integrations and their dependencies.

Used to pin what `make demo` preinstalls, so Home Assistant never installs a
package at runtime:  python -m scripts.ha_requirements frontend bluetooth ...
"""

from __future__ import annotations

import json
from pathlib import Path
import sys

import homeassistant.components


def manifest(domain: str) -> dict[str, object]:
    path = Path(homeassistant.components.__path__[0]) / domain / "manifest.json"
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


if __name__ == "__main__":
    print("\n".join(requirements(sys.argv[1:])))
