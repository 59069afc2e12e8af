"""Write the MasterBus string catalogue from the simulator's devices.

    python -m scripts.masterbus_string_catalogue          # rewrite the shipped file
    python -m scripts.masterbus_string_catalogue --check  # exit 1 if it is out of date

Each simulated model follows the protocol reference (names, units, option
labels); its string table (without the per-unit serial and name) becomes the
catalogue entry of its article and firmware.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
import json
import sys

from custom_components.offgrid_power.protocol.masterbus.catalogue import (
    CATALOGUE_PATH,
    CatalogueEntry,
    StringCatalogue,
)
from custom_components.offgrid_power.protocol.masterbus.learner import format_firmware
from simulators.masterbus.devices import SimulatedDevice
from simulators.masterbus.fleet import ten_devices


def model_strings(device: SimulatedDevice) -> dict[int, str]:
    """Every string of the model by id: group names of every menu, field names, units, option labels.

    A text field's value is the unit's own (a battery's name), never the model's.
    """
    texts = [name for _, name, _ in device.all_groups()]
    for spec in device.fields.values():
        texts += [spec.name, spec.unit, *spec.options]
    return {device.string_id(text): text for text in texts if text}


def build(devices: Iterable[SimulatedDevice]) -> StringCatalogue:
    """One entry per article and firmware."""
    return StringCatalogue(
        CatalogueEntry(device.article, format_firmware(*device.firmware), model_strings(device))
        for device in devices
    )


def render(catalogue: StringCatalogue) -> str:
    """The file's text: stable, one string per line, so changes read well in a diff."""
    return json.dumps(catalogue.to_dict(), indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.masterbus_string_catalogue")
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    text = render(build(ten_devices()))
    if args.check:
        current = CATALOGUE_PATH.read_text(encoding="utf-8") if CATALOGUE_PATH.exists() else ""
        if current != text:
            print(f"{CATALOGUE_PATH.name} is out of date: run without --check", file=sys.stderr)
            return 1
        return 0
    CATALOGUE_PATH.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
