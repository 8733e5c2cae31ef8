"""Emergency word families added after the blind batches: each rule is checked with wording
that appears in no labelled set, both ways (danger caught, ordinary wording left alone)."""

from __future__ import annotations

import pytest

from intents.classifier import Classifier
from intents.result import EMERGENCY

DANGER = [
    "there's a fire in the back bedroom",
    "fire!",
    "my uncle is perished with the cold and can't move his legs",
    "hypothermia",
    "she's slumped on the floor and not answering",
    "his mouth has gone droopy on one side",
    "pain down my left arm and I feel sick",
    "carbon monoxide alarm going off, we all have headaches",
    "someone kicked in the back door",
    "he grabbed me and I'm hiding in the shed",
    "the toddler drank bleach",
    "I can't carry on like this anymore",
    "my family would be better off without me around",
    "I don't think I can keep myself safe",
]
ORDINARY = {
    "fire-out": ("the fire in the stove went out, can I get briquettes", "fuel_delivery"),
    "fireman": ("a retired fireman wanting to volunteer", "volunteer_groups"),
    "eye-drops": ("my eye drops dropped in to me please", "prescriptions"),
    "frozen-pipes": ("the pipes are frozen and the council won't come", None),
    "emergency-food": ("an emergency food parcel for a family", "groceries"),
    "burning-rubbish": ("the neighbours are burning rubbish again", None),
    "roof": ("the roof collapsed on the old shed", None),
    "choke-up": ("I choke up when I talk about her, I'd love a chat", "friendly_call"),
    "hair-grey": ("my hair has gone grey from it all", None),
}


@pytest.mark.parametrize("text", DANGER)
def test_danger_family_is_caught(text: str, classifier: Classifier) -> None:
    assert classifier.classify(text).intent == EMERGENCY


@pytest.mark.parametrize("text,expect", ORDINARY.values(), ids=list(ORDINARY))
def test_ordinary_wording_is_not_an_emergency(
    text: str, expect: str | None, classifier: Classifier
) -> None:
    result = classifier.classify(text)
    assert result.intent != EMERGENCY
    assert result.intent == expect
