"""The passive learner: descriptions from overheard replies, rebuilt only on news."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from custom_components.offgrid_power.protocol.masterbus.cli import parse_candump
from custom_components.offgrid_power.protocol.masterbus.codec import (
    Attribute,
    FieldCountReply,
    GroupFieldReply,
    IdentityString,
    MetadataReply,
    PropertyRejected,
    StringChunkReply,
    StringIdReply,
    decode_frame,
)
from custom_components.offgrid_power.protocol.masterbus.learner import PassiveLearner
from custom_components.offgrid_power.protocol.masterbus.models import (
    DeviceIdentity,
    DeviceSchema,
    Group,
    Visualisation,
)

SHUNT = 0x6DB09B
NAME, UNIT = 0x10, 0x11


def _string(learner: PassiveLearner, string_id: int, text: str) -> None:
    chunks = [text[i : i + 4] for i in range(0, len(text), 4)] or [""]
    if len(chunks[-1]) == 4:
        chunks.append("")
    for sequence, chunk in enumerate(chunks):
        final = sequence == len(chunks) - 1
        learner.observe(StringChunkReply(SHUNT, string_id, sequence, chunk, final))


def _describe(learner: PassiveLearner, **attributes: float) -> None:
    for attribute, value in attributes.items():
        learner.observe(MetadataReply(SHUNT, Attribute[attribute.upper()], 1, value, 3))


def test_repeated_replies_reuse_the_description_and_news_rebuilds_it() -> None:
    learner = PassiveLearner()
    _string(learner, NAME, "Battery")
    _string(learner, UNIT, "V")
    _describe(learner, name=NAME, unit=UNIT, visualisation=1)
    schema = learner.schema(SHUNT)
    volts = schema.field(1)
    assert volts is not None
    assert (volts.name, volts.unit, volts.maximum) == ("Battery", "V", None)

    # A display re-reads the same metadata and strings every time it shows the value.
    _describe(learner, name=NAME, unit=UNIT, visualisation=1)
    _string(learner, NAME, "Battery")
    assert learner.schema(SHUNT) is schema

    _describe(learner, maximum=65.0)
    assert learner.schema(SHUNT).field(1).maximum == 65.0  # type: ignore[union-attr]

    _string(learner, NAME, "House")  # renamed on the device
    assert learner.schema(SHUNT).field(1).name == "House"  # type: ignore[union-attr]


def test_a_field_waits_for_its_name() -> None:
    learner = PassiveLearner()
    _describe(learner, name=NAME, unit=UNIT)
    assert learner.schema(SHUNT).fields == ()
    _string(learner, NAME, "Battery")
    assert learner.schema(SHUNT).field(1) is not None


# --- a capture of a MasterView booting (tests/fixtures/masterbus/masterview_boot.log) ---

CAPTURE = Path(__file__).resolve().parents[2] / "fixtures" / "masterbus" / "masterview_boot.log"
COMBI = 0x1A94C7


def _learn(lines: Iterable[str]) -> PassiveLearner:
    learner = PassiveLearner()
    for frame in parse_candump(lines):
        learner.observe(decode_frame(frame.arbitration_id, bytes(frame.data)))
    return learner


def test_a_display_boot_teaches_identity_groups_and_fields_with_units() -> None:
    learner = _learn(CAPTURE.read_text(encoding="ascii").splitlines())
    assert learner.identity(SHUNT) == DeviceIdentity("77020115", "KL21S0412", "MSH Battery", "2.04")
    schema = learner.schema(SHUNT)
    assert schema.groups == (
        Group(0, "Monitoring", (0, 4, 3, 1, 2, 5, 10, 11)),
        Group(1, "History", (12, 61)),
    )
    described = {info.field: (info.name, info.unit) for info in schema.fields}
    assert described[1] == ("Battery", "V")
    assert described[2] == ("Battery", "A")
    assert described[0] == ("State of Charge", "%")
    assert described[4] == ("Remaining", "")
    assert schema.field(4).visualisation is Visualisation.DURATION  # type: ignore[union-attr]
    amps = schema.field(2)
    assert amps is not None
    assert (amps.minimum, amps.maximum) == (-1500.0, 1500.0)
    # The shunt refused the total tab count and the revision string (NAK echoes).
    assert learner.rejected(SHUNT) == [(0x08, 0x3F), (0x09, 0x04)]
    assert learner.addresses() == [COMBI, SHUNT]  # not the display: it only asked


def test_a_device_that_answers_only_part_is_learned_as_far_as_it_answered() -> None:
    learner = _learn(CAPTURE.read_text(encoding="ascii").splitlines())
    # The combi gave its name but neither article nor serial: known, but not keyed.
    identity = learner.identity(COMBI)
    assert identity == DeviceIdentity("", "", "MCU Combi", "2.67")
    assert learner.keyed_identity(COMBI) is None
    assert learner.keyed_identity(SHUNT) == learner.identity(SHUNT)
    schema = learner.schema(COMBI)
    # Group names went unanswered: the groups still have their fields.
    assert [(g.name, g.fields) for g in schema.groups][:2] == [
        ("", (0x10, 0x14, 0x13, 0x12)),
        ("", (0x06, 0x07, 0x15)),
    ]
    inverter = schema.field(0x14)
    assert inverter is not None
    assert (inverter.options, inverter.writable) == (("Off", "On"), True)
    assert schema.field(0x06).unit == "V"  # type: ignore[union-attr]


def test_the_capture_cut_short_teaches_only_what_it_completed() -> None:
    lines = CAPTURE.read_text(encoding="ascii").splitlines()
    # Up to the middle of the shunt's name: article and serial, no name yet.
    name_chunk = next(i for i, line in enumerate(lines) if line.endswith("#301200004D534820"))
    learner = _learn(lines[: name_chunk + 1])
    assert learner.identity(SHUNT) is None
    assert learner.schema(SHUNT) == DeviceSchema()


def test_a_group_field_not_answered_is_left_out_and_a_refused_name_stays_empty() -> None:
    learner = PassiveLearner()
    learner.observe(FieldCountReply(SHUNT, 0, 3))
    learner.observe(GroupFieldReply(SHUNT, 0, 0, 7))
    learner.observe(GroupFieldReply(SHUNT, 0, 2, 9))
    learner.observe(PropertyRejected(SHUNT, 0x09, 0x03))
    assert learner.schema(SHUNT).groups == (Group(0, "", (7, 9)),)
    assert learner.identity(SHUNT) is None
    assert learner.rejected(SHUNT) == [(0x09, 0x03)]
    learner.observe(GroupFieldReply(SHUNT, 0, 1, 8))
    assert learner.schema(SHUNT).groups == (Group(0, "", (7, 8, 9)),)


def test_a_name_only_identity_waits_for_a_complete_name() -> None:
    learner = PassiveLearner()
    learner.observe(StringIdReply(SHUNT, IdentityString.NAME, 0))  # string id 0 is valid
    learner.observe(StringChunkReply(SHUNT, 0, 0, "MSH ", final=False))
    assert learner.identity(SHUNT) is None
    learner.observe(StringChunkReply(SHUNT, 0, 1, "Hovs", final=False))
    learner.observe(StringChunkReply(SHUNT, 0, 2, "", final=True))
    assert learner.identity(SHUNT) == DeviceIdentity("", "", "MSH Hovs", "")
    assert learner.keyed_identity(SHUNT) is None
