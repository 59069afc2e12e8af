"""Every shipped blueprint passes Home Assistant's own blueprint validation."""

from __future__ import annotations

import copy
from pathlib import Path
import re

from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint import errors, models
from homeassistant.util import yaml as yaml_util
import pytest

from .conftest import BLUEPRINT_DIR, BLUEPRINT_FILES

SOURCE_URL = (
    "https://github.com/offgrid-power/offgrid_power/blob/main/"
    "blueprints/automation/offgrid_power/{name}"
)


def _load(path: Path) -> dict:
    data = yaml_util.load_yaml(str(path))
    assert isinstance(data, dict)
    return data


def _blueprint(data: dict, path: Path | None = None) -> models.Blueprint:
    return models.Blueprint(
        data,
        path=str(path) if path else None,
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )


def test_all_expected_blueprints_ship() -> None:
    """The five blueprints the docs promise are there (and nothing called manifest.json)."""
    names = {path.name for path in BLUEPRINT_FILES}
    assert names == {
        "low_battery_alert.yaml",
        "fault_alert.yaml",
        "pv_surplus_switch.yaml",
        "battery_full.yaml",
        "daily_energy_report.yaml",
    }
    assert not list(BLUEPRINT_DIR.rglob("manifest.json"))


@pytest.mark.parametrize("path", BLUEPRINT_FILES, ids=lambda p: p.stem)
def test_blueprint_validates(path: Path) -> None:
    """HA's schema accepts the file, and the metadata is what the docs link to."""
    blueprint = _blueprint(_load(path), path)
    assert blueprint.domain == "automation"
    assert blueprint.name.startswith("Off-Grid Power - ")
    metadata = blueprint.metadata
    assert metadata["source_url"] == SOURCE_URL.format(name=path.name)
    assert metadata["homeassistant"]["min_version"] == "2025.4.0"
    # Passes HA's own version gate on the running release.
    assert blueprint.validate() is None
    # Every input has a name, and every input without a default is an entity choice.
    for input_id, spec in blueprint.inputs.items():
        assert spec, f"{input_id} is empty"
        assert spec.get("name"), f"{input_id} has no name"
        if "default" not in spec:
            assert "entity" in spec["selector"], f"{input_id} needs a default"


@pytest.mark.parametrize("path", BLUEPRINT_FILES, ids=lambda p: p.stem)
def test_entity_selectors_prefer_offgrid_power(path: Path) -> None:
    """Where our entities fit, the selector lists offgrid_power's entities first."""
    text = path.read_text(encoding="utf-8")
    if path.stem == "pv_surplus_switch":
        # Surplus usually comes from a grid meter or a template: deliberately not filtered.
        return
    assert "integration: offgrid_power" in text


@pytest.mark.parametrize("path", BLUEPRINT_FILES, ids=lambda p: p.stem)
def test_undefined_input_is_rejected(path: Path) -> None:
    """An !input that is not declared fails with HA's own message."""
    text = path.read_text(encoding="utf-8")
    broken = re.sub(r"!input (\w+)", r"!input \1_typo", text, count=1)
    assert broken != text
    bad_path = path.with_name("broken.yaml")
    data = yaml_util.parse_yaml(broken)
    with pytest.raises(errors.InvalidBlueprint, match="Missing input definition"):
        _blueprint(data, bad_path)


@pytest.mark.parametrize("path", BLUEPRINT_FILES, ids=lambda p: p.stem)
def test_bad_metadata_is_rejected(path: Path) -> None:
    """Schema errors (wrong domain, broken min_version, no name) surface as InvalidBlueprint."""
    data = _load(path)

    wrong_domain = copy.deepcopy(data)
    wrong_domain["blueprint"]["domain"] = "script"
    with pytest.raises(errors.InvalidBlueprint, match="Found incorrect blueprint type script"):
        _blueprint(wrong_domain)

    bad_version = copy.deepcopy(data)
    bad_version["blueprint"]["homeassistant"]["min_version"] = "2025.4"
    with pytest.raises(errors.InvalidBlueprint, match="Invalid blueprint"):
        _blueprint(bad_version)

    no_name = copy.deepcopy(data)
    del no_name["blueprint"]["name"]
    with pytest.raises(errors.InvalidBlueprint, match="required key not provided"):
        _blueprint(no_name)


@pytest.mark.parametrize("path", BLUEPRINT_FILES, ids=lambda p: p.stem)
def test_missing_required_input_is_reported(path: Path) -> None:
    """Instantiating without the required (entity) inputs names the missing inputs."""
    blueprint = _blueprint(_load(path), path)
    required = {key for key, spec in blueprint.inputs.items() if "default" not in spec}
    assert required
    inputs = models.BlueprintInputs(
        blueprint,
        {"use_blueprint": {"path": f"offgrid_power/{path.name}", "input": {}}},
    )
    with pytest.raises(errors.MissingInput) as excinfo:
        inputs.validate()
    assert f"Missing input {', '.join(sorted(required))}" in str(excinfo.value)
