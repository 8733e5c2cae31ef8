"""A topic's ``first_cues`` win over any service; a family may sit inside a phrase.

"Do ye cover Roscommon? She needs a lift" was sent to transport with Mayo's contacts: the
outside-Mayo topic was looked at only when nothing was routed. A question whether the service
reaches a place outside Mayo now wins; family far away writing for someone in Mayo, and lifts
to hospitals outside the county, are still routed. Wording of our own."""

from __future__ import annotations

import pytest

from intents.classifier import Classifier
from intents.cues import CueSet, family_references

ASKED_ABOUT_OUTSIDE = {
    "cover-then-need": "do ye cover Leitrim? my uncle needs a few groceries dropped out",
    "need-then-cover": "my aunt wants dinners brought in, would ye cover Longford",
    "is-covered": "is Ballinasloe covered for the prescription collection",
    "can-ye-do": "my father is in Boyle and wants coal, can ye do Boyle?",
    "covering": "are ye covering Sligo for lifts to the clinic",
}
STILL_ROUTED = {
    "lift-to-galway": ("could someone give mam a lift to her appointment in Galway", "medical_transport"),
    "cover-the-lift": ("do ye cover lifts to Galway hospital", "medical_transport"),
    "son-in-london": ("I'm in London, my mam in Ballina needs her shopping done", "groceries"),
    "daughter-in-dublin": ("my daughter lives in Dublin so she can't collect my tablets", "prescriptions"),
    "cover-the-cost": ("will the council cover the cost of the turf", "fuel_delivery"),
}


@pytest.mark.parametrize("text", ASKED_ABOUT_OUTSIDE.values(), ids=list(ASKED_ABOUT_OUTSIDE))
def test_a_question_about_a_place_outside_mayo_wins_over_the_service(
    text: str, classifier: Classifier
) -> None:
    result = classifier.classify(text)
    assert (result.intent, result.topic) == (None, "outside_mayo")


@pytest.mark.parametrize(
    "text,service", STILL_ROUTED.values(), ids=list(STILL_ROUTED)
)
def test_a_place_outside_mayo_as_a_destination_or_the_writers_home_is_still_routed(
    text: str, service: str, classifier: Classifier
) -> None:
    result = classifier.classify(text)
    assert result.intent == service and result.topic is None


def test_a_family_inside_a_phrase_stands_for_each_of_its_phrases() -> None:
    families = {"place": ["galway", "sligo town"]}
    cues = CueSet([("cover <place> + now", "x")], families, window=12)
    assert [m.payload for m in cues.find(("cover", "sligo", "town", "now"))] == ["x"]
    assert cues.find(("cover", "the", "sligo", "now")) == []  # matched only as written
    assert cues.find(("cover", "place", "now")) == []  # the family's name is not a word
    assert family_references("cover <place> | <other> + x") == ["place", "other"]
