"""Offline stand-ins for hassfest and the HACS checks."""

from __future__ import annotations

import ast
from importlib.metadata import version
import json
from pathlib import Path
import re
from typing import Any

from awesomeversion import AwesomeVersion, AwesomeVersionStrategy
from homeassistant.const import Platform, __version__ as HA_VERSION
from PIL import Image
import pytest
import yaml

from custom_components.offgrid_power.const import SYSTEM_KIND, Family

ROOT = Path(__file__).parent.parent
INTEGRATION = ROOT / "custom_components" / "offgrid_power"
MANIFEST: dict[str, Any] = json.loads((INTEGRATION / "manifest.json").read_text())
TRANSLATIONS: dict[str, Any] = json.loads((INTEGRATION / "translations" / "en.json").read_text())
SOURCES = sorted(INTEGRATION.rglob("*.py"))

# Integrations that may be imported without being a dependency, as hassfest allows.
ALWAYS_AVAILABLE = {platform.value for platform in Platform} | {
    "automation",
    "device_automation",
    "frontend",
    "homeassistant",
    "persistent_notification",
    "system_health",
    "websocket_api",
}

QUALITY_RULES = {
    # Bronze
    "action-setup", "appropriate-polling", "brands", "common-modules",
    "config-flow-test-coverage", "config-flow", "dependency-transparency", "docs-actions",
    "docs-high-level-description", "docs-installation-instructions", "docs-removal-instructions",
    "docs-triggers", "docs-conditions", "entity-event-setup", "entity-unique-id",
    "has-entity-name", "runtime-data", "test-before-configure", "test-before-setup",
    "unique-config-entry",
    # Silver
    "action-exceptions", "config-entry-unloading", "docs-configuration-parameters",
    "docs-installation-parameters", "entity-unavailable", "integration-owner",
    "log-when-unavailable", "parallel-updates", "reauthentication-flow", "test-coverage",
    # Gold
    "devices", "diagnostics", "discovery-update-info", "discovery", "docs-data-update",
    "docs-examples", "docs-known-limitations", "docs-supported-devices",
    "docs-supported-functions", "docs-troubleshooting", "docs-use-cases", "dynamic-devices",
    "entity-category", "entity-device-class", "entity-disabled-by-default",
    "entity-translations", "exception-translations", "icon-translations",
    "reconfiguration-flow", "repair-issues", "stale-devices",
    # Platinum
    "async-dependency", "inject-websession", "strict-typing",
}  # fmt: skip


def _calls(keyword: str) -> set[str]:
    """Every string literal passed as ``keyword=`` anywhere in the integration."""
    found: set[str] = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.keyword)
                and node.arg == keyword
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                found.add(node.value.value)
    return found


def _error_keys() -> set[str]:
    """Form errors, written as ``errors[...] = "key"``."""
    found: set[str] = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.targets[0], ast.Subscript)
                and isinstance(node.targets[0].value, ast.Name)
                and node.targets[0].value.id == "errors"
                and isinstance(node.value, ast.Constant)
            ):
                found.add(node.value.value)
    return found


def _flow_steps() -> set[str]:
    """Config- and options-flow steps, named after their ``async_step_*`` methods."""
    steps: set[str] = set()
    for path in INTEGRATION.rglob("*flow*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.AsyncFunctionDef) and node.name.startswith("async_step_"):
                steps.add(node.name.removeprefix("async_step_"))
    return steps


def test_manifest_keys_are_domain_name_then_sorted() -> None:
    keys = list(MANIFEST)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    assert MANIFEST["domain"] == INTEGRATION.name == "offgrid_power"
    assert MANIFEST["name"] == "Off-Grid Power"
    for required in (
        "codeowners", "config_flow", "documentation", "integration_type",
        "iot_class", "issue_tracker", "requirements", "version",
    ):  # fmt: skip
        assert required in MANIFEST
    assert MANIFEST["config_flow"] is True
    # One device per PowMr or Victron entry; a MasterBus entry is a bus. Home
    # Assistant takes one type per integration, and "device" reads right for
    # two families out of three ("Add device"), where "hub" read wrong for both.
    assert MANIFEST["integration_type"] == "device"
    # Both polled families poll; Victron's pushes are the exception (README).
    assert MANIFEST["iot_class"] == "local_polling"
    # The libraries whose log levels the user may want to raise.
    assert set(MANIFEST["loggers"]) >= {"can", "pymodbus"}


def test_manifest_version_parses_like_home_assistant_does() -> None:
    version = AwesomeVersion(
        MANIFEST["version"],
        ensure_strategy=[
            AwesomeVersionStrategy.CALVER,
            AwesomeVersionStrategy.SEMVER,
            AwesomeVersionStrategy.SIMPLEVER,
            AwesomeVersionStrategy.BUILDVER,
            AwesomeVersionStrategy.PEP440,
        ],
    )
    assert version.valid


def test_requirements_are_ranges_never_exact_pins() -> None:
    for requirement in MANIFEST["requirements"]:
        assert "==" not in requirement, requirement
        assert re.match(r"^[A-Za-z0-9_.\-\[\]]+(>=|~=)[0-9.]+$", requirement), requirement


def test_every_imported_integration_is_a_dependency() -> None:
    declared = set(MANIFEST.get("dependencies", [])) | set(MANIFEST.get("after_dependencies", []))
    # hassfest: bluetooth_adapters sets up every adapter, so it stands for bluetooth too.
    if "bluetooth_adapters" in declared:
        declared.add("bluetooth")
    platform_files = {path.stem for path in INTEGRATION.glob("*.py")}
    missing: dict[str, str] = {}
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                parts = name.split(".")
                if parts[:2] != ["homeassistant", "components"] or len(parts) < 3:
                    continue
                domain = parts[2]
                # hassfest allows an integration platform to import the integration it serves.
                if domain not in declared | ALWAYS_AVAILABLE | platform_files:
                    missing[domain] = str(path.relative_to(ROOT))
    assert missing == {}


def test_hacs_json() -> None:
    hacs = json.loads((ROOT / "hacs.json").read_text())
    allowed = {
        "name", "content_in_root", "zip_release", "filename", "hide_default_branch",
        "country", "homeassistant", "hacs", "persistent_directory", "render_readme",
    }  # fmt: skip
    assert set(hacs) <= allowed
    # The value types of HACS' own schema (HACS_MANIFEST_JSON_SCHEMA).
    flags = {"content_in_root", "hide_default_branch", "render_readme", "zip_release"}
    assert all(isinstance(value, bool if key in flags else str) for key, value in hacs.items())
    AwesomeVersion(hacs["homeassistant"], ensure_strategy=AwesomeVersionStrategy.SEMVER)
    assert hacs["name"] == MANIFEST["name"]
    # The minimum is the release the floor leg of the suite runs, nothing older.
    assert AwesomeVersion(HA_VERSION) >= AwesomeVersion(hacs["homeassistant"])
    floor_pin = re.search(
        r"pytest-homeassistant-custom-component==(\S+)",
        (ROOT / "requirements" / "ha-2025.4.txt").read_text(),
    )
    assert floor_pin is not None
    if version("pytest-homeassistant-custom-component") == floor_pin.group(1):
        assert hacs["homeassistant"] == HA_VERSION
    assert hacs.get("content_in_root", False) is False


def test_brand_icon_is_a_square_png() -> None:
    data = (INTEGRATION / "brand" / "icon.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20]), int.from_bytes(data[20:24])
    assert width == height == 256


@pytest.mark.parametrize(("name", "size"), [("icon.png", 256), ("icon@2x.png", 512)])
def test_brand_icons_follow_the_brands_spec(name: str, size: int) -> None:
    """PNG, RGBA (transparency preferred), square at the required size, trimmed to the edges."""
    with Image.open(INTEGRATION / "brand" / name) as image:
        assert (image.format, image.mode, image.size) == ("PNG", "RGBA", (size, size))
        assert image.getchannel("A").getbbox() == (0, 0, size, size)


def test_every_flow_step_has_text() -> None:
    texts = TRANSLATIONS["config"]["step"] | TRANSLATIONS.get("options", {}).get("step", {})
    # A repair issue's fix flow has its steps under the issue.
    for issue in TRANSLATIONS.get("issues", {}).values():
        texts = texts | issue.get("fix_flow", {}).get("step", {})
    assert {step for step in _calls("step_id") if step not in texts} == set()


def test_every_menu_option_is_a_step_with_text() -> None:
    menu = TRANSLATIONS["config"]["step"]["user"]["menu_options"]
    assert set(menu) == {family.value for family in Family} | {SYSTEM_KIND}
    assert set(menu) <= _flow_steps()


def test_every_error_and_abort_has_text() -> None:
    errors = TRANSLATIONS["config"].get("error", {}) | TRANSLATIONS.get("options", {}).get(
        "error", {}
    )
    aborts = TRANSLATIONS["config"].get("abort", {}) | TRANSLATIONS.get("options", {}).get(
        "abort", {}
    )
    assert {key for key in _error_keys() if key not in errors} == set()
    assert {key for key in _calls("reason") if key not in aborts} == set()


def test_every_exception_has_text() -> None:
    exceptions = TRANSLATIONS.get("exceptions", {})
    used = {key for key in _calls("translation_key") if key in exceptions or _raised_with(key)}
    assert {key for key in used if key not in exceptions} == set()


def _raised_with(key: str) -> bool:
    """Whether ``key`` is used as the translation key of an error rather than an entity."""
    for path in SOURCES:
        text = path.read_text()
        if re.search(rf"(Error|Failed|NotReady)\([^)]*translation_key=\"{key}\"", text, re.S):
            return True
    return False


def test_every_entity_translation_key_has_a_name() -> None:
    entity_texts = TRANSLATIONS.get("entity", {})
    named = {key for platform in entity_texts.values() for key in platform}
    exceptions = set(TRANSLATIONS.get("exceptions", {}))
    entity_keys = {key for key in _calls("translation_key") if key not in exceptions}
    assert entity_keys - named == set()


def test_icons_refer_to_known_translation_keys() -> None:
    icons = json.loads((INTEGRATION / "icons.json").read_text())
    entity_texts = TRANSLATIONS.get("entity", {})
    for platform, keys in icons.get("entity", {}).items():
        assert set(keys) <= set(entity_texts.get(platform, {})), platform


@pytest.mark.parametrize(
    "path", sorted(INTEGRATION.glob("translations/*.json")), ids=lambda p: p.name
)
def test_other_languages_have_no_unknown_keys(path: Path) -> None:
    def flatten(data: dict[str, Any], prefix: str = "") -> set[str]:
        keys: set[str] = set()
        for key, value in data.items():
            keys |= flatten(value, f"{prefix}{key}.") if isinstance(value, dict) else {prefix + key}
        return keys

    assert flatten(json.loads(path.read_text())) <= flatten(TRANSLATIONS)


def test_quality_scale_uses_known_rules_and_statuses() -> None:
    rules: dict[str, Any] = yaml.safe_load((INTEGRATION / "quality_scale.yaml").read_text())[
        "rules"
    ]
    assert set(rules) == QUALITY_RULES
    for rule, value in rules.items():
        status = value if isinstance(value, str) else value.get("status")
        assert status in {"done", "todo", "exempt"}, rule
        if status == "exempt":
            assert isinstance(value, dict), rule
            assert value.get("comment"), f"{rule} needs a reason"


# A path as a quality-scale comment names it: from the repository root, ending in a
# file name with an extension or in a slash (a folder).
EVIDENCE_PATH = re.compile(
    r"(?<![\w/])((?:[\w.-]+/)+(?:[\w.-]+\.(?:py|json|yaml|md|png)|))(?=[\s,;:).]|$)"
)


def test_every_done_rule_names_evidence_that_exists() -> None:
    """A "done" claim points at the tests or files that show it, and they exist."""
    rules: dict[str, Any] = yaml.safe_load((INTEGRATION / "quality_scale.yaml").read_text())[
        "rules"
    ]
    for rule, value in rules.items():
        if value == "done" or (isinstance(value, dict) and value.get("status") == "done"):
            assert isinstance(value, dict), f"{rule}: name the evidence in a comment"
            named = [m.rstrip(".") for m in EVIDENCE_PATH.findall(value.get("comment", ""))]
            assert named, f"{rule}: no test or file named"
            missing = [path for path in named if not (ROOT / path).exists()]
            assert missing == [], f"{rule}: {missing}"


def test_entity_names_fit_a_card() -> None:
    """A tile or entities card shows about 24 characters of a name before cutting it."""
    too_long = {
        f"{platform}.{key}": entity["name"]
        for platform, entities in TRANSLATIONS["entity"].items()
        for key, entity in entities.items()
        if len(entity.get("name", "")) > 24
    }
    assert too_long == {}
