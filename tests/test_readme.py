"""The README is the user's manual: its links lead somewhere, and it covers each shipped piece."""

from __future__ import annotations

import json
from pathlib import Path
import re
from urllib.parse import parse_qs, unquote, urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
MANIFEST = json.loads((ROOT / "custom_components/offgrid_power/manifest.json").read_text())
HACS = json.loads((ROOT / "hacs.json").read_text())
BLUEPRINTS = sorted((ROOT / "blueprints/automation/offgrid_power").glob("*.yaml"))
ESPHOME_CONFIGS = sorted((ROOT / "esphome").glob("*.yaml"))
# owner/name of the repository, as the manifest, the blueprints and the ESPHome configs name it.
REPOSITORY = urlparse(MANIFEST["documentation"]).path.strip("/")
LINK = re.compile(r"\]\(([^)\s]+)\)")
MY_LINK = "https://my.home-assistant.io/redirect/"


def _links() -> list[str]:
    return LINK.findall(README)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _section(heading: str) -> str:
    start = README.index(f"\n{heading}\n")
    level = heading.split(" ", 1)[0]
    end = README.find(f"\n{level} ", start + len(heading) + 2)
    return README[start : end if end != -1 else None]


def test_first_screen_shows_demo_and_test() -> None:
    first_screen = "\n".join(README.splitlines()[:15])
    assert "make demo" in first_screen
    assert "make test" in first_screen


def test_badges_hacs_custom_and_version_floor() -> None:
    badges = "\n".join(README.splitlines()[:5])
    assert "img.shields.io/badge/HACS-Custom" in badges
    floor = ".".join(HACS["homeassistant"].split(".")[:2])
    assert f"Home%20Assistant-{floor}%2B" in badges


def test_my_home_assistant_links() -> None:
    links = _links()
    assert f"{MY_LINK}config_flow_start/?domain={MANIFEST['domain']}" in links
    assert f"{MY_LINK}config_energy/" in links
    owner, name = REPOSITORY.split("/")
    assert (
        f"{MY_LINK}hacs_repository/?owner={owner}&repository={name}&category=integration" in links
    )


def test_one_import_link_per_blueprint() -> None:
    """Each shipped blueprint has an import link to its raw file in this repository."""
    raw = f"https://raw.githubusercontent.com/{REPOSITORY}/main/"
    imported = []
    for link in _links():
        if link.startswith(f"{MY_LINK}blueprint_import/"):
            (url,) = parse_qs(urlparse(link).query)["blueprint_url"]
            assert link.endswith(url.replace(":", "%3A").replace("/", "%2F"))  # fully encoded
            assert url.startswith(raw), url
            imported.append(ROOT / unquote(url.removeprefix(raw)))
    assert sorted(imported) == BLUEPRINTS
    for path in BLUEPRINTS:
        source_url = yaml.load(path.read_text(encoding="utf-8"), Loader=_BlueprintLoader)
        assert f"github.com/{REPOSITORY}/" in source_url["blueprint"]["source_url"]


def test_esphome_import_urls_name_the_same_repository() -> None:
    for path in ESPHOME_CONFIGS:
        assert f"github://{REPOSITORY}/esphome/{path.name}@main" in path.read_text(encoding="utf-8")


def test_relative_links_and_anchors_resolve() -> None:
    headings = {
        _slug(line.lstrip("#")) for line in README.splitlines() if re.match(r"#{1,6} ", line)
    }
    for link in _links():
        if link.startswith("#"):
            assert link[1:] in headings, f"no heading for {link}"
        elif "://" not in link:
            assert (ROOT / link.split("#")[0]).exists(), f"{link} does not exist"


def test_no_second_copy_of_the_manual() -> None:
    """The README is the manual: no docs/ folder to drift away from it."""
    assert not (ROOT / "docs").exists()


@pytest.mark.parametrize("path", ESPHOME_CONFIGS + BLUEPRINTS, ids=lambda p: p.name)
def test_every_shipped_piece_is_described(path: Path) -> None:
    assert path.name in README or path.stem.replace("_", " ") in README.lower()


def test_esphome_section_covers_flashing_wiring_and_choice() -> None:
    esphome = _section("## ESPHome bridges")
    for needed in (
        "Flashing and adoption",
        "dashboard_import",
        "MAX3232",
        "CAN transceiver",
        "Measure the RJ45 pinout before you connect anything",
        "2026.5",
        "2025.4",
        "Wi-Fi loss",
        "api_reboot_timeout",
        "Memory.",
        "Timing.",
    ):
        assert needed in esphome, needed
    # A pin table for each bridge with wiring.
    assert esphome.count("| ESP32 |") >= 2


def test_troubleshooting_covers_the_known_complaints() -> None:
    troubleshooting = _section("## Troubleshooting")
    for needed in (
        "key not found",
        "only the signal strength",
        "TX and RX swapped",
        "protocol family",
        "MasterBus: the bus stays silent",
    ):
        assert needed.lower() in troubleshooting.lower(), needed


class _BlueprintLoader(yaml.SafeLoader):
    """Reads blueprints as plain YAML; `!input name` becomes the string name."""


_BlueprintLoader.add_constructor("!input", lambda loader, node: loader.construct_scalar(node))
