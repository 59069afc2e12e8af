"""The system's insights stay plain Python, like the protocol library."""

from __future__ import annotations

from pathlib import Path
import subprocess
import sys

from tests.test_protocol_purity import _imported_modules

INSIGHTS = (
    Path(__file__).parent.parent.parent
    / "custom_components"
    / "offgrid_power"
    / "system"
    / "insights"
)


def test_no_insights_module_imports_home_assistant() -> None:
    offenders = {
        path.name: sorted(m for m in _imported_modules(path) if m.split(".")[0] == "homeassistant")
        for path in INSIGHTS.rglob("*.py")
    }
    assert {name: modules for name, modules in offenders.items() if modules} == {}


def test_insights_import_as_a_standalone_package(tmp_path: Path) -> None:
    """With Home Assistant and the integration blocked, the package still imports."""
    (tmp_path / "insights").symlink_to(INSIGHTS, target_is_directory=True)
    modules = sorted(
        ".".join(("insights", *path.relative_to(INSIGHTS).with_suffix("").parts)).removesuffix(
            ".__init__"
        )
        for path in INSIGHTS.rglob("*.py")
    )
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
