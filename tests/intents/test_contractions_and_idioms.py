"""Wording the round-8 misses pointed at, in our own sentences: "isn't waking up" said with a
contraction (only "not waking up" was an emergency), "not able to breathe" and "isn't able to get
up", a seizure and not waking, "down in the
dumps" (read as council dumping) and "a bit of conversation" for a friendly call; "a fit of
laughing" is no seizure."""

from __future__ import annotations

import pytest

from intents.classifier import Classifier
from intents.result import EMERGENCY

CASES = {
    "isnt-waking": ("my father isn't waking up, I've been shaking him", EMERGENCY),
    "hasnt-woken": ("she hasn't woken up since lunch and her breathing is odd", EMERGENCY),
    "fit-not-waking": ("the young lad had a fit and he isn't waking up", EMERGENCY),
    "not-able-to-breathe": ("my husband is not able to breathe, he's sitting forward gasping", EMERGENCY),
    "isnt-able-to-get-up": ("she went down in the hall and she isn't able to get up", EMERGENCY),
    "dumps": ("I'm down in the dumps since Christmas, would someone ring me", "friendly_call"),
    "conversation": ("all I'd like is a bit of conversation of an evening", "friendly_call"),
}
NOT_EMERGENCIES = [
    "had a fit of laughing at the Late Late last night, could someone drop out my tablets",
    "he isn't waking up till noon these days, could ye bring him a hot dinner",
]


@pytest.mark.parametrize("text,expected", CASES.values(), ids=list(CASES))
def test_wording(text: str, expected: str, classifier: Classifier) -> None:
    assert classifier.classify(text).intent == expected


@pytest.mark.parametrize("text", NOT_EMERGENCIES)
def test_look_alikes_are_not_emergencies(text: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.intent not in (EMERGENCY, None)
