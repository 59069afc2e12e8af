"""The shipped string catalogue: it agrees with the simulator, it is checked on
load, and a first discovery asks only for the strings it does not hold."""

from __future__ import annotations

import asyncio
from dataclasses import replace
import json
from pathlib import Path
from typing import Any
import uuid

import can
from hypothesis import given, strategies as st
import pytest

from custom_components.offgrid_power.protocol.masterbus import (
    Device,
    MasterBusSession,
    SchemaCache,
)
from custom_components.offgrid_power.protocol.masterbus.catalogue import (
    CATALOGUE_PATH,
    SHIPPED_CATALOGUE,
    CatalogueEntry,
    StringCatalogue,
)
from custom_components.offgrid_power.protocol.masterbus.learner import format_firmware
from scripts.masterbus_string_catalogue import build, model_strings, render
from simulators.masterbus import MasterBusSimulator, SimulatedDevice, default_devices
from simulators.masterbus.devices import master_shunt
from simulators.masterbus.fleet import more_devices, ten_devices

from .conftest import FAST

GOOD = {"article": "77020115", "firmware": "2.04", "strings": {"19": "Monitoring", "20": "V"}}
GERMAN = {"Monitoring": "Überwachung", "History": "Verlauf", "Battery": "Batterie"}


def test_shipped_catalogue_agrees_with_the_simulator() -> None:
    devices = ten_devices()
    assert CATALOGUE_PATH.read_text(encoding="utf-8") == render(build(devices))
    for device in devices:
        entry = SHIPPED_CATALOGUE.entry(device.article, format_firmware(*device.firmware))
        assert entry is not None, device.name
        assert entry.strings == model_strings(device), device.name
    assert len(SHIPPED_CATALOGUE) == 7  # two shunts, two SCMs and two Mac Plus share an entry


def test_spot_checks_spread_over_the_table() -> None:
    entry = CatalogueEntry("1", "1.00", {sid: f"s{sid}" for sid in range(19, 42)})
    assert entry.spot_check_ids() == (19, 30, 41)
    assert CatalogueEntry("1", "1.00", {7: "A", 9: "B"}).spot_check_ids() == (7, 9)


@pytest.mark.parametrize(
    "entry",
    [
        None,
        "77020115",
        [],
        {"article": "77020115", "firmware": "2.04"},
        {**GOOD, "article": 77020115},
        {**GOOD, "article": ""},
        {**GOOD, "firmware": None},
        {**GOOD, "strings": []},
        {**GOOD, "strings": {}},
        {**GOOD, "strings": {"x": "Battery"}},
        {**GOOD, "strings": {"0": "Battery"}},
        {**GOOD, "strings": {"65536": "Battery"}},
        {**GOOD, "strings": {"019": "Battery"}},
        {**GOOD, "strings": {"19": 5}},
        {**GOOD, "strings": {"19": ""}},
        {**GOOD, "strings": {"19": "Battery "}},
        {**GOOD, "strings": {"19": "x" * 65}},
    ],
)
def test_a_malformed_entry_is_dropped(entry: Any) -> None:
    other = {**GOOD, "article": "131906000"}
    catalogue = StringCatalogue.from_dict({"version": 1, "devices": [entry, other]})
    assert len(catalogue) == 1
    assert catalogue.entry("131906000", "2.04") is not None


@pytest.mark.parametrize(
    "data",
    [None, [], {"version": 2, "devices": [GOOD]}, {"version": 1}, {"version": 1, "devices": {}}],
)
def test_an_unreadable_catalogue_is_empty(data: Any) -> None:
    assert len(StringCatalogue.from_dict(data)) == 0


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe", None])
def test_an_unreadable_file_is_empty(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "string_catalogue.json"
    if content is not None:
        path.write_bytes(content)
    assert len(StringCatalogue.load(path)) == 0


def test_round_trip(tmp_path: Path) -> None:
    catalogue = StringCatalogue.from_dict({"version": 1, "devices": [GOOD]})
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(catalogue.to_dict()), encoding="utf-8")
    assert StringCatalogue.load(path).to_dict() == catalogue.to_dict()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=20,
)


@given(
    st.one_of(
        json_values,
        st.builds(lambda devices: {"version": 1, "devices": devices}, st.lists(json_values)),
        st.builds(
            lambda strings: {"version": 1, "devices": [{**GOOD, "strings": strings}]},
            st.dictionaries(st.text(max_size=6), json_values),
        ),
    )
)
def test_any_json_loads_without_raising(data: Any) -> None:
    StringCatalogue.from_dict(data)


# --- discovery with the catalogue --------------------------------------------------


def chunk_requests(text: str) -> int:
    """Frames a string takes: 4 characters each, the last one short (maybe empty)."""
    return len(text) // 4 + 1


async def discover(
    devices: list[SimulatedDevice], catalogue: StringCatalogue, cache: SchemaCache | None = None
) -> tuple[MasterBusSession, dict[int, Device], MasterBusSimulator]:
    channel = f"masterbus-{uuid.uuid4().hex}"
    async with MasterBusSimulator(devices, virtual_channel=channel) as simulator:
        bus = can.Bus(interface="virtual", channel=channel)
        session = MasterBusSession(FAST, cache, catalogue)
        try:
            await session.connect(bus)
            async with asyncio.timeout(60):
                found = await session.wait_for_devices(len(devices))
                await session.wait_discovery()
        finally:
            await session.disconnect()
            bus.shutdown()
    return session, found, simulator


def twins_bus() -> list[SimulatedDevice]:
    """The default three, a second MasterShunt and a second Solar ChargeMaster."""
    return [*default_devices(), *more_devices()[:2]]


async def test_first_discovery_asks_only_for_unknown_strings() -> None:
    devices = twins_bus()
    session, found, simulator = await discover(devices, SHIPPED_CATALOGUE)
    plain_session, plain, plain_simulator = await discover(twins_bus(), StringCatalogue())
    assert found == plain  # the same identities and schemas, names and labels included
    # Strings asked: each device's article, serial and name, and the spot checks.
    expected = 0
    for device in devices:
        entry = SHIPPED_CATALOGUE.entry(device.article, format_firmware(*device.firmware))
        assert entry is not None
        texts = [device.article, device.serial, device.name]
        texts += [entry.strings[sid] for sid in entry.spot_check_ids()]
        expected += sum(chunk_requests(text) for text in texts)
    assert simulator.heard["StringChunkRequest"] == expected
    saved = plain_simulator.heard["StringChunkRequest"] - expected
    assert session.requests_sent == plain_session.requests_sent - saved  # strings only

    restarted, again, _ = await discover(
        twins_bus(), SHIPPED_CATALOGUE, SchemaCache.from_dict(session.cache.to_dict())
    )
    assert restarted.requests_sent == 0
    assert again == found


def german_shunt() -> SimulatedDevice:
    """A MasterShunt of the catalogued article and firmware that speaks German."""
    shunt = master_shunt()
    return SimulatedDevice(
        address=shunt.address,
        article=shunt.article,
        serial=shunt.serial,
        name=shunt.name,
        firmware=shunt.firmware,
        unit_code=shunt.unit_code,
        groups=[(GERMAN.get(name, name), fields) for name, fields in shunt.groups],
        fields=[
            replace(spec, name=GERMAN.get(spec.name, spec.name)) for spec in shunt.fields.values()
        ],
    )


async def test_a_device_with_other_strings_is_asked_for_all() -> None:
    session, found, _ = await discover([german_shunt()], SHIPPED_CATALOGUE)
    plain, _, _ = await discover([german_shunt()], StringCatalogue())
    shunt = found[german_shunt().address]
    assert [group.name for group in shunt.schema.groups] == ["Überwachung", "Verlauf"]
    volts = shunt.schema.field(1)
    assert volts is not None
    assert (volts.name, volts.unit) == ("Batterie", "V")
    # The failed spot check costs nothing: its string is kept.
    assert session.requests_sent == plain.requests_sent
