"""Each PowMr entity that shows a reading reads the attribute of its own name.

The descriptions name an entity (its key) and, apart, the typed reading it
shows; mypy checks the reading exists, this test that the two agree.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from typing import get_type_hints

from custom_components.offgrid_power.powmr.data import LinkStats, PowmrData
from custom_components.offgrid_power.powmr.descriptions import (
    BINARY_SENSORS,
    ENUM_OPTIONS,
    SENSORS,
)
from custom_components.offgrid_power.protocol.powmr import (
    DerivedValues,
    PowmrFamily,
    PowmrReadings,
    PowmrSnapshot,
)

# Shows the battery power the coordinator derives (positive while charging), not register 217.
_DERIVED_ON_PURPOSE = frozenset({"battery_power"})


def _distinct_readings() -> PowmrReadings:
    """Every attribute set, each number to a value no other attribute holds."""
    types = get_type_hints(PowmrReadings)
    values: dict[str, object] = {}
    for index, field in enumerate(fields(PowmrReadings)):
        kind = types[field.name]
        if kind == str | None:
            values[field.name] = ENUM_OPTIONS.get(field.name, [field.name])[0]
        elif kind == bool | None:
            values[field.name] = index % 2 == 0
        elif kind == int | None:
            values[field.name] = 1000 + index
        else:
            values[field.name] = float(1000 + index)
    return PowmrReadings(**values)  # type: ignore[arg-type]


def _data(readings: PowmrReadings) -> PowmrData:
    keys = tuple(field.name for field in fields(PowmrReadings))
    derived = DerivedValues(**dict.fromkeys(DerivedValues.__slots__, None))  # type: ignore[arg-type]
    link = LinkStats(datetime(2026, 1, 1, tzinfo=UTC), 1.0, 1, 0, 0)
    return PowmrData(PowmrSnapshot(PowmrFamily.SMG_II, readings, keys, {}), derived, link, True)


def test_sensors_show_their_own_reading() -> None:
    readings = _distinct_readings()
    data = _data(readings)
    checked = 0
    for description in SENSORS:
        if not hasattr(readings, description.key) or description.key in _DERIVED_ON_PURPOSE:
            continue
        assert description.value_fn(data) == getattr(readings, description.key), description.key
        checked += 1
    assert checked > 50


def test_binary_sensors_show_their_own_flag() -> None:
    """One flag on at a time: only the entity of its name is on."""
    for on in BINARY_SENSORS:
        data = _data(
            PowmrReadings(
                **{description.key: False for description in BINARY_SENSORS} | {on.key: True}
            )
        )
        for description in BINARY_SENSORS:
            assert description.is_on_fn(data) is (description is on), (on.key, description.key)
