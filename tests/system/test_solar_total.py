"""The system's solar kWh only grows, whatever sources come and go."""

from __future__ import annotations

from custom_components.offgrid_power.system.solar_total import SolarTotal


def test_growth_is_summed_and_a_removed_source_does_not_take_it_back() -> None:
    total = SolarTotal()
    total.update({"a": 100.0, "b": 50.0})
    assert total.total_kwh == 0
    total.update({"a": 101.0, "b": 50.5})
    assert total.total_kwh == 1.5
    # Source b is removed from the options: nothing is taken back.
    total.update({"a": 102.0})
    assert total.total_kwh == 2.5
    # b comes back with a new counter starting at 0: only its growth counts.
    total.update({"a": 102.0, "b": 0.0})
    total.update({"a": 102.0, "b": 0.25})
    assert total.total_kwh == 2.75


def test_restore_continues_and_ignores_broken_data() -> None:
    total = SolarTotal()
    total.update({"a": 10.0})
    total.update({"a": 12.0})
    restored = SolarTotal()
    restored.restore(total.as_dict())
    # The source's counter grew while Home Assistant was down (its own kWh sensor).
    restored.update({"a": 13.0})
    assert restored.total_kwh == 3.0
    broken = SolarTotal()
    broken.restore({"total_kwh": float("nan"), "last": {"a": "x", "b": 4.0}})
    assert broken.total_kwh == 0
    broken.update({"a": 5.0, "b": 5.0})
    assert broken.total_kwh == 1.0
