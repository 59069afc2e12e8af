"""Fuzz the RTU framing every self-framing link (serial proxy, RTU over UDP) relies on.

Whatever bytes arrive, in whatever pieces, an answer is either the checked
register bytes or one of the documented errors, never anything else.
"""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings, strategies as st

from custom_components.offgrid_power.protocol.powmr.errors import (
    PowmrExceptionResponse,
    PowmrFrameError,
    PowmrTimeoutError,
)
from custom_components.offgrid_power.protocol.powmr.frames import (
    RtuRequest,
    parse_read_response,
    with_crc,
)
from custom_components.offgrid_power.protocol.powmr.rtu_link import AnswerCollector

FUZZ = settings(
    max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
DOCUMENTED = (PowmrFrameError, PowmrExceptionResponse, PowmrTimeoutError)

requests = st.one_of(
    st.builds(
        RtuRequest.read_holding, st.integers(0, 247), st.integers(0, 0xFFFF), st.integers(1, 125)
    ),
    st.builds(
        RtuRequest.write_single, st.integers(0, 247), st.integers(0, 0xFFFF), st.integers(0, 0xFFFF)
    ),
    st.builds(
        RtuRequest.write_multiple,
        st.integers(0, 247),
        st.integers(0, 0xFFFF),
        st.lists(st.integers(0, 0xFFFF), min_size=1, max_size=8),
    ),
)


@st.composite
def streams(draw: st.DrawFn, request: RtuRequest) -> list[bytes]:
    """Garbage, a valid-CRC frame of random content, or a real-looking answer, split anyhow."""
    head = bytes([request.unit_id, request.function])
    body = draw(
        st.one_of(
            st.binary(max_size=40),
            st.binary(max_size=30).map(lambda tail: with_crc(head + tail)),
            st.binary(max_size=2 * request.count + 1).map(
                lambda data: with_crc(head + bytes([len(data)]) + data)
            ),
            st.integers(0, 255).map(
                lambda code: with_crc(bytes([request.unit_id, request.function | 0x80, code]))
            ),
        )
    )
    cuts = sorted(draw(st.lists(st.integers(0, len(body)), max_size=4)))
    return [body[a:b] for a, b in zip([0, *cuts], [*cuts, len(body)], strict=True)]


@FUZZ
@given(st.data())
def test_fuzz_answers_in_any_pieces(data: st.DataObject) -> None:
    request = data.draw(requests)
    pieces = data.draw(streams(request))

    async def collect() -> bytes:
        collector = AnswerCollector(request)
        for piece in pieces:
            collector.feed(piece)
        return await collector.answer(0.001, "fuzz")

    # A private loop: asyncio.run would leave the thread without a current loop.
    loop = asyncio.new_event_loop()
    try:
        registers = loop.run_until_complete(collect())
    except DOCUMENTED:
        return
    finally:
        loop.close()
    if request.function == 0x03:
        assert len(registers) == 2 * request.count
    else:
        assert registers == b""


@FUZZ
@given(st.binary(max_size=300))
def test_fuzz_read_responses(frame: bytes) -> None:
    try:
        response = parse_read_response(frame)
    except (PowmrFrameError, PowmrExceptionResponse):
        return
    assert len(response.payload) % 2 == 0
