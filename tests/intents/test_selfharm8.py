"""Asking for a way to die (a method or a dose) is self-harm on its own; a letter written *to*
each of the family counts as well as one *for* each; "mar ualach orthu" in Irish. Written after
round 9's first run had missed "the least painful way to go"; the wording here is our own."""

from __future__ import annotations

import pytest

from intents.classifier import Classifier
from intents.result import EMERGENCY

SELF_HARM = [
    "what would be the most painless way to go, I'm asking for me",
    "is there a quickest way to die that doesn't involve a mess",
    "how much of my blood pressure medication would kill a person",
    "if I took all the sleeping tablets would I never wake up",
    "how many tablets would I need to take to die",
    "I wrote a letter to each of the children and put them in the drawer, I'm at peace",
    "cén bealach is lú pian, ag fiafraí dom féin atá mé",
    "ní bheidh mé mar ualach orthu i bhfad eile, slán",
]
NOT_SELF_HARM = [
    ("the cost of my tablets would kill you, could someone collect them", "prescriptions"),
    ("my inhaler is that strong it would kill a horse, can ye pick it up", "prescriptions"),
    ("what's the quickest way to get a lift to Mayo University Hospital", "medical_transport"),
    ("how many tablets would it take to last the month, I need a repeat collected", "prescriptions"),
]


@pytest.mark.parametrize("text", SELF_HARM)
def test_asking_for_a_way_to_die_is_self_harm(text: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert (result.intent, result.emergency_kind) == (EMERGENCY, "self_harm"), text


@pytest.mark.parametrize("text,service", NOT_SELF_HARM)
def test_look_alikes_keep_their_service(text: str, service: str, classifier: Classifier) -> None:
    assert classifier.classify(text).intent == service
