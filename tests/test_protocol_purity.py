"""The protocol package must stay free of Home Assistant, so it can ship as a library."""

from __future__ import annotations

import ast
from pathlib import Path
import subprocess
import sys

PROTOCOL = Path(__file__).parent.parent / "custom_components" / "offgrid_power" / "protocol"


def _imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def test_no_source_file_imports_home_assistant() -> None:
    offenders = {
        str(path.relative_to(PROTOCOL)): sorted(
            module for module in _imported_modules(path) if module.split(".")[0] == "homeassistant"
        )
        for path in PROTOCOL.rglob("*.py")
    }
    assert {path: modules for path, modules in offenders.items() if modules} == {}


def test_every_protocol_module_imports_as_a_standalone_package(tmp_path: Path) -> None:
    """Import ``protocol`` as a top-level package with Home Assistant blocked.

    That is how it would ship as a library: it proves the package uses only
    relative imports among its own modules and pulls in nothing from HA.
    """
    modules = sorted(
        ".".join(path.relative_to(PROTOCOL.parent).with_suffix("").parts).removesuffix(".__init__")
        for path in PROTOCOL.rglob("*.py")
        if path.name != "__main__.py"
    )
    # Only the protocol package is reachable from the search path: a link in
    # an empty folder, so the integration's own modules cannot be found.
    (tmp_path / "protocol").symlink_to(PROTOCOL, target_is_directory=True)
    script = (
        "import sys, importlib\n"
        "sys.modules['homeassistant'] = None\n"
        "sys.modules['custom_components'] = None\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
