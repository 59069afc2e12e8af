"""PowmrClient against the simulator over every transport, with faults and plan fallback."""

from __future__ import annotations

import asyncio
import time

import pytest

from custom_components.offgrid_power.protocol.powmr import (
    PowmrClient,
    PowmrConnectionError,
    PowmrError,
    PowmrFamily,
    PowmrSettingError,
    PowmrTimeoutError,
    TransportConfig,
    TransportKind,
)
from custom_components.offgrid_power.protocol.powmr.backoff import Backoff
from simulators.powmr import Fault, Refusal

from .conftest import ALL_TRANSPORTS, SimulatorFactory, endpoint_options, transport_to

# The time-out of tests where the unit stays silent: each probe waits it out,
# and the reconnect after it must fit in it too, which on a busy machine
# (`make test-stress`) can take more than a tenth of a second.
SILENCE = 1.0


@pytest.mark.parametrize("kind", ALL_TRANSPORTS)
async def test_poll_and_write_over_every_transport(
    make_simulator: SimulatorFactory, kind: TransportKind
) -> None:
    simulator = await make_simulator(**endpoint_options(kind))
    async with PowmrClient(transport_to(simulator, kind), write_cooldown=0) as client:
        snapshot = await client.read_snapshot()
        assert client.family is PowmrFamily.FAMILY_A
        assert snapshot["rated_battery_voltage"] == 24.0
        assert 20 < snapshot.number("battery_voltage") < 30  # type: ignore[operator]
        assert snapshot["output_frequency"] == 50.0
        assert client.plan_state is not None
        assert client.plan_state.accepted == "dongle"
        assert set(client.last_blocks) == {4501, 4546}
        assert (
            await client.write_setting("output_source_priority", "utility_first") == "utility_first"
        )
        assert (await client.read_snapshot())["output_source_priority"] == "utility_first"


async def test_writes_are_validated_before_sending(make_simulator: SimulatorFactory) -> None:
    simulator = await make_simulator(rtu_tcp_port=0)
    async with PowmrClient(
        transport_to(simulator, TransportKind.RTU_OVER_TCP), PowmrFamily.FAMILY_A
    ) as client:
        with pytest.raises(PowmrSettingError, match="nominal"):
            await client.write_setting("bulk_charge_voltage", 28.4)
        with pytest.raises(PowmrSettingError, match="not a writable"):
            await client.write_setting("battery_voltage", 28.4)
        assert simulator.unit.requests == 0
        await client.read_snapshot()  # learns 24 V from 4525
        with pytest.raises(PowmrSettingError, match="outside"):
            await client.write_setting("bulk_charge_voltage", 56.8)
        requests = simulator.unit.requests
        client.write_cooldown = 0.05
        assert await client.write_setting("bulk_charge_voltage", 28.6) == 28.6
        started = time.monotonic()
        assert await client.write_setting("buzzer", False) is False
        assert time.monotonic() - started >= 0.04  # the cool-down between writes
        assert simulator.unit.requests == requests + 4  # write + read-back, twice
        snapshot = await client.read_snapshot()
        assert snapshot["bulk_charge_voltage"] == 28.6
        assert snapshot["buzzer"] is False


@pytest.mark.parametrize(
    ("profile", "refusal", "plan"),
    [
        ("hvm4k2", Refusal.SILENT, "narrow"),
        ("hvm4k2", Refusal.EXCEPTION, "narrow"),
        ("chunked", Refusal.EXCEPTION, "chunked"),
    ],
)
async def test_plan_falls_back_and_is_remembered(
    make_simulator: SimulatorFactory, profile: str, refusal: Refusal, plan: str
) -> None:
    simulator = await make_simulator(rtu_tcp_port=0, profile=profile, refusal=refusal)
    transport = transport_to(simulator, TransportKind.RTU_OVER_TCP, timeout=0.2)
    async with PowmrClient(transport, PowmrFamily.FAMILY_A) as client:
        first = await client.read_snapshot()
        assert client.plan_state is not None
        assert client.plan_state.accepted == plan
        assert first["battery_voltage"] is not None
        requests = simulator.unit.requests
        await client.read_snapshot()
        blocks = len(client.last_blocks)
        assert simulator.unit.requests - requests == blocks  # no failed attempts any more


async def test_larger_plans_are_reprobed_after_the_interval(
    make_simulator: SimulatorFactory,
) -> None:
    simulator = await make_simulator(rtu_tcp_port=0, profile="hvm4k2", refusal=Refusal.EXCEPTION)
    now = [0.0]
    transport = transport_to(simulator, TransportKind.RTU_OVER_TCP)
    client = PowmrClient(
        transport, PowmrFamily.FAMILY_A, reprobe_interval=100, clock=lambda: now[0]
    )
    async with client:
        await client.read_snapshot()
        assert client.plan_state is not None
        assert client.plan_state.refused == ("dongle",)
        requests = simulator.unit.requests
        now[0] = 50.0
        await client.read_snapshot()
        assert simulator.unit.requests - requests == 2
        now[0] = 150.0
        await client.read_snapshot()
        assert simulator.unit.requests - requests == 5  # one refused dongle read, then narrow


async def test_family_detection_on_a_silent_chunked_unit(make_simulator: SimulatorFactory) -> None:
    simulator = await make_simulator(rtu_tcp_port=0, profile="chunked")
    transport = transport_to(simulator, TransportKind.RTU_OVER_TCP, timeout=SILENCE)
    async with PowmrClient(transport) as client:
        assert await client.detect_family() is PowmrFamily.FAMILY_A


async def test_nothing_plausible_answers(make_simulator: SimulatorFactory) -> None:
    simulator = await make_simulator(rtu_tcp_port=0, unit_id=9)
    transport = transport_to(simulator, TransportKind.RTU_OVER_TCP, timeout=SILENCE)
    async with PowmrClient(transport) as client:
        with pytest.raises(PowmrTimeoutError):
            await client.detect_family()


@pytest.mark.parametrize("kind", ALL_TRANSPORTS)
@pytest.mark.parametrize("fault", [Fault.DROP, Fault.CRC, Fault.GARBAGE, Fault.DELAY, Fault.STALL])
async def test_faults_fail_one_poll_then_recover(
    make_simulator: SimulatorFactory, kind: TransportKind, fault: Fault
) -> None:
    simulator = await make_simulator(**endpoint_options(kind))
    async with PowmrClient(
        # The time-out leaves room for a machine busy with the rest of the suite.
        transport_to(simulator, kind, timeout=0.4),
        PowmrFamily.FAMILY_A,
    ) as client:
        await client.read_snapshot()
        # A delay beyond the time-out; a stall lasts until cleared.
        simulator.unit.faults.set(fault, count=None if fault is Fault.STALL else 1, delay=0.8)
        with pytest.raises(PowmrError):
            await client.read_snapshot()
        simulator.unit.faults.clear()
        await asyncio.sleep(0.5)  # the late answer (if any) arrives meanwhile
        for _ in range(2):  # and is not taken for the answer to a later request
            snapshot = await client.read_snapshot()
            assert snapshot["battery_voltage"] is not None
        assert client.plan_state is not None
        assert client.plan_state.accepted == "dongle"  # a fault is not a refusal


async def test_delay_within_timeout_is_tolerated(make_simulator: SimulatorFactory) -> None:
    simulator = await make_simulator(modbus_tcp_port=0)
    transport = transport_to(simulator, TransportKind.MODBUS_TCP, timeout=1.0)
    async with PowmrClient(transport, PowmrFamily.FAMILY_A) as client:
        simulator.unit.faults.set(Fault.DELAY, count=2, delay=0.1)
        snapshot = await client.read_snapshot()
        assert snapshot["battery_voltage"] is not None
        assert simulator.unit.faults.hits == 2


async def test_stalled_unit_is_released_on_shutdown(make_simulator: SimulatorFactory) -> None:
    simulator = await make_simulator(rtu_tcp_port=0)
    simulator.unit.faults.set(Fault.STALL)
    transport = transport_to(simulator, TransportKind.RTU_OVER_TCP, timeout=0.1)
    async with PowmrClient(transport, PowmrFamily.FAMILY_A) as client:
        with pytest.raises(PowmrTimeoutError):
            await client.read_snapshot()
    # The fixture's stop() must end the stalled request: the cleanup check would fail otherwise.


async def test_wire_time_emulation(make_simulator: SimulatorFactory) -> None:
    simulator = await make_simulator(rtu_tcp_port=0, wire_time=True)
    transport = transport_to(simulator, TransportKind.RTU_OVER_TCP, timeout=2.0)
    async with PowmrClient(transport, PowmrFamily.FAMILY_A) as client:
        started = time.monotonic()
        await client.read_registers(4546, 16)
        # 8 + 37 bytes at 2400 baud: about 0.19 s.
        assert 0.15 < time.monotonic() - started < 1.0


async def test_turnaround_emulation(make_simulator: SimulatorFactory) -> None:
    simulator = await make_simulator(rtu_tcp_port=0, turnaround=0.2)
    transport = transport_to(simulator, TransportKind.RTU_OVER_TCP, timeout=2.0)
    async with PowmrClient(transport, PowmrFamily.FAMILY_A) as client:
        started = time.monotonic()
        await client.read_registers(4546, 1)
        assert 0.2 <= time.monotonic() - started < 1.0


async def test_reconnect_backs_off(unused_tcp_port: int) -> None:
    transport = TransportConfig(TransportKind.MODBUS_TCP, "127.0.0.1", unused_tcp_port, timeout=0.2)
    async with PowmrClient(transport, PowmrFamily.FAMILY_A) as client:
        with pytest.raises(PowmrConnectionError, match="cannot connect"):
            await client.read_snapshot()
        with pytest.raises(PowmrConnectionError, match="reconnect in"):
            await client.read_snapshot()
        assert client.diagnostics()["family"] == PowmrFamily.FAMILY_A


@pytest.mark.parametrize(("key", "value"), [("buzzer", False), ("float_charge_voltage", 27.2)])
async def test_write_confirmed_through_the_45xx_mirror(
    make_simulator: SimulatorFactory, key: str, value: object
) -> None:
    simulator = await make_simulator(
        rtu_tcp_port=0, profile="mirror_only", refusal=Refusal.EXCEPTION
    )
    transport = transport_to(simulator, TransportKind.RTU_OVER_TCP)
    client = PowmrClient(
        transport, PowmrFamily.FAMILY_A, battery_nominal_voltage=24.0, write_cooldown=0
    )
    async with client:
        assert await client.write_setting(key, value) == value


async def test_dropped_write_times_out_then_succeeds(make_simulator: SimulatorFactory) -> None:
    simulator = await make_simulator(rtu_tcp_port=0)
    transport = transport_to(simulator, TransportKind.RTU_OVER_TCP)
    async with PowmrClient(transport, PowmrFamily.FAMILY_A, write_cooldown=0) as client:
        simulator.unit.faults.set(Fault.DROP, count=1)
        with pytest.raises(PowmrTimeoutError):
            await client.write_setting("output_source_priority", "sbu")
        assert await client.write_setting("output_source_priority", "sbu") == "sbu"


async def test_serial_adapter_unplugged_while_polling(make_simulator: SimulatorFactory) -> None:
    simulator = await make_simulator(serial=True)
    transport = transport_to(simulator, TransportKind.SERIAL, timeout=1.0)
    async with PowmrClient(
        transport, PowmrFamily.FAMILY_A, backoff=Backoff(initial=0.05, maximum=0.05)
    ) as client:
        before = await client.read_snapshot()
        simulator.unplug_serial()
        # The poll fails as a link error (nothing invented, no hang) and so does
        # every reconnect while the adapter is out.
        for _ in range(3):
            with pytest.raises(PowmrError):
                async with asyncio.timeout(30):
                    await client.read_snapshot()
        simulator.replug_serial()
        async with asyncio.timeout(60):
            while True:
                try:
                    after = await client.read_snapshot()
                    break
                except PowmrConnectionError:
                    await asyncio.sleep(0.05)  # the back-off before the next reconnect
        assert after["battery_voltage"] is not None
        assert before["battery_voltage"] is not None
