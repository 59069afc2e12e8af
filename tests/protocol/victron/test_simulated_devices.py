"""The simulated Victron devices behind `make demo` and the event-loop benchmark."""

from __future__ import annotations

from collections import defaultdict

import pytest

from custom_components.offgrid_power.protocol.victron import implausible_fields, parse
from simulators.victron import REFERENCE_VECTORS, advertisement_stream, demo_devices

# Ten minutes of advertising, five devices taking turns, each heard every 0.2 s.
TEN_MINUTES = 5 * 5 * 600


def test_each_device_first_sends_its_reference_vector() -> None:
    vectors = {vector.advertisement for vector in REFERENCE_VECTORS}
    for device in demo_devices():
        assert device.advance(0.2).data in vectors


def test_every_advertisement_decodes_plausibly_with_the_vector_key() -> None:
    devices = demo_devices()
    keys = {device.address: device.key for device in devices}
    for advertisement in advertisement_stream(devices, TEN_MINUTES):
        record = parse(advertisement.data, keys[advertisement.address])
        assert implausible_fields(record) == (), (advertisement.name, dict(record.values))


def test_most_advertisements_repeat_and_a_new_reading_has_a_new_nonce() -> None:
    devices = demo_devices()
    keys = {device.address: device.key for device in devices}
    previous: dict[str, bytes] = {}
    nonces: dict[str, set[int | None]] = defaultdict(set)
    repeats = 0
    for advertisement in advertisement_stream(devices, 10_000):
        if previous.get(advertisement.address) == advertisement.data:
            repeats += 1
        else:
            nonce = parse(advertisement.data, keys[advertisement.address]).header.nonce
            assert nonce not in nonces[advertisement.address]
            nonces[advertisement.address].add(nonce)
        previous[advertisement.address] = advertisement.data
    assert repeats == 8_000 - len(devices)


def test_readings_tell_a_consistent_story() -> None:
    devices = demo_devices()
    keys = {device.address: device.key for device in devices}
    seen: dict[str, list[dict[str, object]]] = defaultdict(list)
    for advertisement in advertisement_stream(devices, TEN_MINUTES):
        seen[advertisement.name].append(
            dict(parse(advertisement.data, keys[advertisement.address]).values)
        )

    solar = seen["BlueSolar HQ2209DEMO1"]
    yields = [values["yield_today"] for values in solar]
    assert yields == sorted(yields)
    assert yields[-1] > yields[0]

    shunt = seen["SmartShunt HQ2133DEMO2"]
    assert {values["battery_current"] > 0 for values in shunt[5:]} == {True, False}
    for values in shunt[5:]:
        # 100 Ah bank: what was drawn and what is left add up.
        assert values["state_of_charge"] == pytest.approx(100 + values["consumed_ah"], abs=0.1)

    orion_states = {values["device_state"] for values in seen["Orion Smart HQ2201DEMO4"]}
    assert orion_states == {"off", "bulk"}

    multi_states = {values["device_state"] for values in seen["MultiPlus-II HQ2230DEMO5"]}
    assert multi_states == {"float", "inverting"}
