"""SMG-II against the simulated SMG-II unit: detection after Family A's silence, FC16 writes."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.offgrid_power.protocol.powmr import (
    PowmrClient,
    PowmrExceptionResponse,
    PowmrFamily,
    PowmrSettingError,
    TransportKind,
)
from custom_components.offgrid_power.protocol.powmr.identity import decode_serial_number
from custom_components.offgrid_power.protocol.powmr.link import build_link
from simulators.powmr.smg_ii import SERIAL_NUMBER

from .conftest import ALL_TRANSPORTS, SimulatorFactory, endpoint_options, transport_to


@pytest.mark.parametrize("kind", ALL_TRANSPORTS)
async def test_detect_read_and_write_over_every_transport(
    make_simulator: SimulatorFactory, kind: TransportKind
) -> None:
    simulator = await make_simulator(family=PowmrFamily.SMG_II, **endpoint_options(kind))
    # Family A's probes (unit 5) go unanswered first: keep their time-out short.
    async with PowmrClient(transport_to(simulator, kind, timeout=0.2), write_cooldown=0) as client:
        assert await client.detect_family() is PowmrFamily.SMG_II
        snapshot = await client.read_snapshot()
        assert client.plan_state is not None
        assert client.plan_state.accepted == "full"
        assert snapshot["grid_voltage"] == 230.0
        assert snapshot["output_frequency"] == 50.0
        assert snapshot["rated_active_power"] == 5500
        assert 40 < snapshot.number("battery_voltage") < 60  # type: ignore[operator]
        assert snapshot["operating_mode"] in {"line", "battery"}
        assert snapshot["output_source_priority"] == "sbu"
        assert snapshot["bulk_charge_voltage"] == 56.4
        # No rating register on SMG-II: the 48 V bank is recognised by its voltage.
        assert client.battery_nominal_voltage == 48.0
        assert await client.read_serial_number() == SERIAL_NUMBER

        assert await client.write_setting("bulk_charge_voltage", 56.8) == 56.8
        assert await client.write_setting("output_source_priority", "solar_first") == "solar_first"
        assert await client.write_setting("backlight", False) is False
    assert simulator.model.settings[324] == 568  # type: ignore[attr-defined]
    assert simulator.model.settings[301] == 1  # type: ignore[attr-defined]
    assert simulator.model.settings[305] == 0  # type: ignore[attr-defined]


async def test_out_of_range_write_is_never_sent(make_simulator: SimulatorFactory) -> None:
    simulator = await make_simulator(family=PowmrFamily.SMG_II, rtu_tcp_port=0)
    transport = transport_to(simulator, TransportKind.RTU_OVER_TCP)
    async with PowmrClient(transport, PowmrFamily.SMG_II) as client:
        await client.read_snapshot()
        requests = simulator.unit.requests
        with pytest.raises(PowmrSettingError, match="outside"):
            await client.write_setting("bulk_charge_voltage", 66.0)
        assert simulator.unit.requests == requests


async def test_simulated_unit_keeps_the_vendor_rules(make_simulator: SimulatorFactory) -> None:
    """FC06 is refused, a read may not cut a multi-word item, the serial reads whole."""
    simulator = await make_simulator(family=PowmrFamily.SMG_II, rtu_tcp_port=0)
    link = build_link(transport_to(simulator, TransportKind.RTU_OVER_TCP), 9600)
    await link.connect()
    try:
        with pytest.raises(PowmrExceptionResponse) as refused:
            await link.write_register(1, 301, 1)
        assert refused.value.exception_code == 1
        with pytest.raises(PowmrExceptionResponse) as refused:
            await link.read_holding_registers(1, 190, 4)
        assert refused.value.exception_code == 2
        with pytest.raises(PowmrExceptionResponse) as refused:
            await link.write_registers(1, 324, [900])  # 90 V on a 48 V bank
        assert refused.value.exception_code == 3
        serial = await link.read_holding_registers(1, 186, 12)
        text = b"".join(word.to_bytes(2, "big") for word in serial)
        assert text.rstrip(b"\0").decode() == SERIAL_NUMBER
    finally:
        link.close()


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ([0x4142, 0x3132, *[0] * 10], "AB12"),
        ([0x2041, *[0x2020] * 11], "A"),
        ([0] * 12, None),  # blank
        ([0x41FF, *[0] * 11], None),  # not ASCII
        ([0x4142] * 11, None),  # not the whole item
    ],
)
def test_serial_number_words(words: list[int], expected: str | None) -> None:
    assert decode_serial_number(words) == expected


async def test_family_a_has_no_serial_number(make_simulator: SimulatorFactory) -> None:
    simulator = await make_simulator(modbus_tcp_port=0)
    async with PowmrClient(transport_to(simulator, TransportKind.MODBUS_TCP)) as client:
        await client.read_snapshot()
        requests = simulator.unit.requests
        assert await client.read_serial_number() is None
        assert simulator.unit.requests == requests


async def test_exit_fault_is_sent_only_in_fault_mode(make_simulator: SimulatorFactory) -> None:
    """426 (write-only, vendor PDF): refused before sending unless the unit is in fault mode."""
    simulator = await make_simulator(family=PowmrFamily.SMG_II, rtu_tcp_port=0)
    model: Any = simulator.model
    transport = transport_to(simulator, TransportKind.RTU_OVER_TCP)
    async with PowmrClient(transport, PowmrFamily.SMG_II, write_cooldown=0) as client:
        assert (await client.read_snapshot()).readings.operating_mode != "fault"
        requests = simulator.unit.requests
        with pytest.raises(PowmrSettingError, match="only in fault mode"):
            await client.send_command("exit_fault")
        # One request, the read of the working mode: the unit would have refused the write (07).
        assert simulator.unit.requests == requests + 1

        model.fault_bits = 1 << 7  # output overload
        readings = (await client.read_snapshot()).readings
        assert readings.operating_mode == "fault"
        assert readings.fault_bits == 1 << 7
        await client.send_command("exit_fault")
        readings = (await client.read_snapshot()).readings
        assert readings.operating_mode in {"line", "battery"}
        assert readings.fault_bits == 0

        with pytest.raises(PowmrSettingError, match="not a smg_ii command"):
            await client.send_command("reboot")


async def test_family_a_has_no_commands(make_simulator: SimulatorFactory) -> None:
    simulator = await make_simulator(rtu_tcp_port=0)
    transport = transport_to(simulator, TransportKind.RTU_OVER_TCP)
    async with PowmrClient(transport, PowmrFamily.FAMILY_A) as client:
        with pytest.raises(PowmrSettingError, match="not a family_a command"):
            await client.send_command("exit_fault")
