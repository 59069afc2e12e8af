"""The Home Assistant layer uses each protocol package only through its public ``__init__``."""

from __future__ import annotations

import ast
from pathlib import Path

INTEGRATION = Path(__file__).parent.parent / "custom_components" / "offgrid_power"
PROTOCOL = "custom_components.offgrid_power.protocol"
PACKAGES = sorted(
    path.name for path in (INTEGRATION / "protocol").iterdir() if (path / "__init__.py").exists()
)


def _protocol_imports(path: Path) -> list[str]:
    """Every protocol module the file imports, absolute or relative, spelled out in full."""
    package = ".".join(path.relative_to(INTEGRATION.parent.parent).with_suffix("").parts[:-1])
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            # "from ..protocol import powmr" imports the package itself.
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        found += [name for name in names if name.startswith(f"{PROTOCOL}.")]
    return found


def test_packages_are_found() -> None:
    assert PACKAGES == ["masterbus", "powmr", "victron"]


def test_home_assistant_layer_imports_protocol_packages_only_through_their_init() -> None:
    offenders: dict[str, list[str]] = {}
    for path in sorted(INTEGRATION.rglob("*.py")):
        if (INTEGRATION / "protocol") in path.parents:
            continue
        # A name imported from a package (a class, a function) looks like a
        # submodule here; only real submodules past the package count.
        reached_past = [
            name
            for name in _protocol_imports(path)
            if len(name.split(".")) > 4
            and (
                INTEGRATION / "protocol" / name.split(".")[3] / f"{name.split('.')[4]}.py"
            ).exists()
        ]
        if reached_past:
            offenders[str(path.relative_to(INTEGRATION))] = reached_past
    assert offenders == {}
