"""The passive learner: descriptions from overheard replies, rebuilt only on news."""

from __future__ import annotations

from custom_components.offgrid_power.protocol.masterbus.codec import (
    Attribute,
    MetadataReply,
    StringChunkReply,
)
from custom_components.offgrid_power.protocol.masterbus.learner import PassiveLearner

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
