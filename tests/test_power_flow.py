"""The shared power-flow model: one sign convention across the families."""

from __future__ import annotations

import pytest

from custom_components.offgrid_power.masterbus.data import DeviceState, MasterbusData
from custom_components.offgrid_power.power_flow import PowerFlow, backward, forward
from custom_components.offgrid_power.protocol.masterbus import Device


@pytest.mark.parametrize(
    ("power", "ahead", "back"),
    [(250.0, 250.0, 0.0), (-80.5, 0.0, 80.5), (0.0, 0.0, 0.0), (None, None, None)],
)
def test_a_signed_power_splits_into_its_two_directions(
    power: float | None, ahead: float | None, back: float | None
) -> None:
    assert forward(power) == ahead
    assert backward(power) == back


def test_unreported_values_stay_none() -> None:
    assert PowerFlow() == PowerFlow(
        battery_voltage=None,
        battery_current=None,
        battery_power=None,
        solar_power=None,
        ac_in_power=None,
        ac_out_power=None,
    )


def _bus(online: bool, values: dict[int, float | None]) -> MasterbusData:
    return MasterbusData(
        connected=True, devices={"S1": DeviceState(Device(0x10, online=online), values)}
    )


def test_a_shunt_charging_has_positive_battery_power() -> None:
    flow = _bus(True, {1: 13.2, 2: 10.0}).battery_flow("S1", (1, 2))
    assert flow == PowerFlow(battery_voltage=13.2, battery_current=10.0, battery_power=132.0)


def test_a_shunt_discharging_has_negative_battery_power() -> None:
    assert _bus(True, {1: 12.5, 2: -4.0}).battery_flow("S1", (1, 2)).battery_power == -50.0


@pytest.mark.parametrize(
    ("online", "values"), [(False, {1: 12.5, 2: 1.0}), (True, {1: 12.5, 2: None}), (True, {})]
)
def test_an_offline_or_unreported_shunt_has_no_battery_power(
    online: bool, values: dict[int, float | None]
) -> None:
    assert _bus(online, values).battery_flow("S1", (1, 2)).battery_power is None
