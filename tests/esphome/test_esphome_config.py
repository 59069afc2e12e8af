"""`esphome config` accepts every shipped config offline, and the configs follow the rules."""

from __future__ import annotations

from pathlib import Path
import re

import pytest

from .conftest import ConfigRun, copy_esphome_dir, run_esphome_config
from .esphome_yaml import (
    CONFIG_FILES,
    ESPHOME_DIR,
    REPO_ROOT,
    Tagged,
    load_esphome_yaml,
    substitutions,
)

IDS = [path.stem for path in CONFIG_FILES]
IMPORT_URL = "github://offgrid-power/offgrid_power/esphome/{file}@main"


def test_expected_configs_ship() -> None:
    """The configs the docs describe are all there, and nothing is named manifest.json."""
    assert {path.name for path in CONFIG_FILES} == {
        "victron-ble-proxy.yaml",
        "powmr-serial-bridge.yaml",
        "powmr-serial-proxy.yaml",
        "masterbus-can-bridge.yaml",
        "offgrid-power-hub.yaml",
    }
    assert not list(ESPHOME_DIR.rglob("manifest.json"))


def test_esphome_is_pinned() -> None:
    """requirements/esphome.txt pins one release from the supported range."""
    text = (REPO_ROOT / "requirements" / "esphome.txt").read_text(encoding="utf-8")
    match = re.search(r"^esphome==(2026)\.(\d+)\.(\d+)$", text, re.MULTILINE)
    assert match, "esphome must be pinned with =="
    assert 6 <= int(match.group(2)) <= 10


@pytest.mark.parametrize("path", CONFIG_FILES, ids=IDS)
def test_esphome_config_valid(path: Path, esphome_runs: dict[str, ConfigRun]) -> None:
    """The real `esphome config` says "Configuration is valid!" (network namespace off)."""
    run = esphome_runs[path.name]
    assert run.returncode == 0, f"{path.name}:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    assert "Configuration is valid!" in run.stderr + run.stdout
    assert "WARNING" not in run.stderr, run.stderr


@pytest.mark.parametrize("path", CONFIG_FILES, ids=IDS)
def test_adoptable(path: Path, esphome_runs: dict[str, ConfigRun]) -> None:
    """project, dashboard_import, esp-idf, MAC suffix, onboarding, api and ota are present."""
    config = esphome_runs[path.name].config
    core = config["esphome"]
    assert re.fullmatch(r"offgrid-power\.[a-z0-9-]+", core["project"]["name"])
    assert core["project"]["version"] == "0.1.0"
    assert core["name_add_mac_suffix"] is True
    assert config["dashboard_import"]["package_import_url"] == IMPORT_URL.format(file=path.name)
    assert config["esp32"]["framework"]["type"] == "esp-idf"
    assert "ap" in config["wifi"]
    assert "captive_portal" in config
    assert "improv_serial" in config
    assert "encryption" in config["api"]
    assert any(item["platform"] == "esphome" for item in config["ota"])
    # Robustness after Wi-Fi loss: both watchdogs are chosen in the file (not left to
    # ESPHome's defaults) and stay real last resorts, not disabled.
    subs = substitutions(path)
    assert config["wifi"]["reboot_timeout"] == subs["wifi_reboot_timeout"] != "0s"
    assert config["api"]["reboot_timeout"] == subs["api_reboot_timeout"] != "0s"


@pytest.mark.parametrize("path", CONFIG_FILES, ids=IDS)
def test_no_secrets_and_local_includes_only(path: Path) -> None:
    """No !secret, no baked-in keys, no remote packages or external components."""
    files = [path, *sorted((ESPHOME_DIR / "packages").glob("*.yaml"))]
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert "!secret" not in text, file
        assert "external_components" not in text, file
        code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
        assert "github://" not in code.replace(IMPORT_URL.format(file=path.name), ""), file
        assert not re.search(r"^\s*(key|password|ssid):", code, re.MULTILINE), file
    data = load_esphome_yaml(path)
    for name, include in data.get("packages", {}).items():
        assert isinstance(include, Tagged), name
        assert include.tag == "include", name
        assert str(include.value).startswith("packages/"), name
        assert (ESPHOME_DIR / str(include.value)).is_file(), name


def test_logging_is_quiet_at_bus_rates(esphome_runs: dict[str, ConfigRun]) -> None:
    """No per-frame or per-advertisement DEBUG logs: INFO at most, canbus pinned to INFO."""
    for run in esphome_runs.values():
        config = run.config
        assert config["logger"]["level"] in {"INFO", "WARN", "ERROR", "NONE"}, run.file
        if "canbus" in config:
            assert config["logger"]["logs"]["canbus"] == "INFO", run.file


@pytest.mark.parametrize("file", ["masterbus-can-bridge.yaml", "offgrid-power-hub.yaml"])
def test_masterbus_listen_only_option_validates(
    file: str, esphome_binary: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """masterbus_can_mode: LISTENONLY is accepted by `esphome config` and reaches the TWAI."""
    run = run_esphome_config(
        esphome_binary,
        copy_esphome_dir(tmp_path_factory),
        file,
        {"masterbus_can_mode": "LISTENONLY"},
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    (canbus,) = run.config["canbus"]
    assert canbus["mode"] == "LISTENONLY"


def test_ble_proxy_is_passive(esphome_runs: dict[str, ConfigRun]) -> None:
    """Victron needs advertisements only: passive scan, no GATT connections."""
    for run in esphome_runs.values():
        config = run.config
        if "bluetooth_proxy" in config:
            assert config["bluetooth_proxy"]["active"] is False, run.file
            assert config["esp32_ble_tracker"]["scan_parameters"]["active"] is False, run.file
