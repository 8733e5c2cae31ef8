"""Needs described without a service's words (cues:), a service turned down, and the word model.

Each mechanism alone on a tiny vocabulary, then on the shipped file (messages written for these
tests, not taken from the labelled sets).
"""

from __future__ import annotations

from typing import Any

import pytest

from intents.classifier import Classifier
from intents.cues import CueSet
from intents.model import NaiveBayes, features
from intents.phrase_index import phrase_keys
from intents.vocabulary import Vocabulary, VocabularyError

FAMILIES = {
    "heat_source": ["range", "stove", "radiators"],
    "gone_out": ["gone out", "stone cold", "nothing left"],
    "cant_do": ["cant", "not able to"],
    "cooking_task": ["cook", "lift a saucepan"],
}


def _tiny(services: list[dict[str, Any]], language: dict[str, Any] | None = None) -> Classifier:
    return Classifier(Vocabulary.from_mapping(services, {"families": FAMILIES, **(language or {})}))


FUEL = {"id": "fuel", "phrases": ["fuel delivery"], "keywords": {"coal": 1.0},
        "cues": ["<heat_source> + <gone_out>"]}
MEALS = {"id": "meals", "phrases": ["hot meals"], "keywords": {"dinner": 1.0},
         "cues": ["<cant_do> ... <cooking_task>"]}
SHOP = {"id": "shop", "phrases": ["shopping"], "keywords": {"shop": 1.0}}


@pytest.mark.parametrize(
    "text",
    ["the radiators are stone cold", "nothing left for the range", "the stove has gone out"],
    ids=["after", "before", "fillers"],
)
def test_a_cue_routes_a_need_described_without_the_service_words(text: str) -> None:
    result = _tiny([FUEL, SHOP]).classify(text)
    assert result.intent == "fuel"
    assert "<heat_source> + <gone_out>" in result.evidence["fuel"]


def test_parts_joined_by_dots_must_come_in_order() -> None:
    classifier = _tiny([MEALS, SHOP])
    assert classifier.classify("I can't lift a saucepan any more").intent == "meals"
    backwards = classifier.classify("I can cook fine but I can't get to the shop")
    assert backwards.intents == ("shop",)


def test_in_order_spans_are_found() -> None:
    cues: CueSet[str] = CueSet([("a ... b", "x")], {}, window=4)
    assert cues.find(phrase_keys("a then b"))
    assert not cues.find(phrase_keys("b then a"))
    assert not cues.find(phrase_keys("a one two three four b"))  # beyond the window


def test_a_negated_cue_counts_for_nothing() -> None:
    classifier = _tiny([FUEL, SHOP], {"negation": ["not"]})
    result = classifier.classify("not that the range has gone out. I need shopping")
    assert result.intents == ("shop",)
    assert "<heat_source> + <gone_out>" in result.evidence["not:fuel"]


def test_a_service_turned_down_leaves_weaker_evidence_enough() -> None:
    language = {"negation": ["dont want"], "satisfied_cues": ["is grand"]}
    services = [
        {"id": "fuel", "phrases": ["fuel delivery"], "keywords": {"coal": 1.0}},
        {"id": "lift", "phrases": ["a lift"], "keywords": {"clinic": 0.6}},
    ]
    classifier = _tiny(services, language)
    assert classifier.classify("the clinic on Tuesday").intent is None  # 0.6 < 0.75
    assert classifier.classify("I dont want coal, it's the clinic on Tuesday").intent == "lift"


@pytest.mark.parametrize(
    ("services", "problem"),
    [
        ([{**FUEL, "cues": ["<heat_source> + <nope>"]}], "'<nope>' is not a word family"),
        ([{**FUEL, "cues": ["<heat_source> + <gone_out> ... cold"]}], "use one"),
    ],
    ids=["unknown-family", "mixed-joiners"],
)
def test_bad_cues_are_reported(services: list[dict[str, Any]], problem: str) -> None:
    with pytest.raises(VocabularyError, match=problem):
        Vocabulary.from_mapping(services, {"families": FAMILIES})


def test_naive_bayes_learns_and_names_the_deciding_words() -> None:
    docs = [
        (features(phrase_keys("bag of coal"), frozenset()), "fuel", 1.0),
        (features(phrase_keys("the range is cold"), frozenset()), "fuel", 1.0),
        (features(phrase_keys("hot dinner"), frozenset()), "meals", 1.0),
        (features(phrase_keys("bin collection"), frozenset()), "none", 1.0),
    ]
    model = NaiveBayes(docs)
    guess = model.guess(features(phrase_keys("the range is cold again"), frozenset()))
    assert guess is not None and guess.label == "fuel"
    assert "rang" in guess.words  # the deciding words as keys (stems): "range" -> "rang"
    assert model.guess(features(phrase_keys("zebra crossing"), frozenset())) is None


def test_the_word_model_needs_the_rules_to_have_seen_the_service() -> None:
    services = [
        {"id": "lift", "phrases": ["a lift"], "keywords": {"clinic": 0.6},
         "examples": ["a lift to the clinic in sligo, I have no car"]},
        {**SHOP, "examples": ["a few groceries from the village"]},
    ]
    classifier = _tiny(services, {"stop_words": ["the", "in", "to", "have"]})
    routed = classifier.classify("the clinic in sligo and no car")  # rules: clinic 0.6 only
    assert routed.intent == "lift"
    assert any(e.startswith("word model:") for e in routed.evidence["lift"])
    assert classifier.classify("sligo and no car").intent is None  # the rules saw nothing


@pytest.mark.parametrize(
    ("text", "intents"),
    [
        ("the boiler is clicking and the oil gauge is in the red", ("fuel_delivery",)),
        ("not a soul has called to me since Christmas", ("friendly_call",)),
        ("she can't get to Castlebar for her scan, she has no car", ("medical_transport",)),
        ("the presses are bare", ("groceries",)),
        ("he's been eating nothing but cornflakes", ("hot_meals",)),
        ("the fridge is full, thanks, it's coal I'm short of", ("fuel_delivery",)),
        ("I don't want dinners, I can cook grand, it's the shop I can't get to", ("groceries",)),
        ("turf and a few groceries", ("fuel_delivery", "groceries")),
        ("ring me back about my request", ()),
    ],
    ids=["fuel", "friendly", "transport", "groceries", "meals", "satisfied", "negation", "two",
         "ring-back"],
)
def test_shipped_file_hears_indirect_needs(classifier: Classifier, text: str, intents: tuple[str, ...]) -> None:
    assert classifier.classify(text).intents == intents


def test_a_cue_on_words_already_counted_adds_nothing() -> None:
    fuel = {**FUEL, "phrases": ["range has gone out"]}
    assert _tiny([fuel, SHOP]).classify("the range has gone out").scores["fuel"] == 1.0


def test_a_described_need_explains_weak_words_of_another_service_inside_it() -> None:
    shop = {**SHOP, "keywords": {"shop": 1.0, "saucepan": 0.4}}
    result = _tiny([MEALS, shop]).classify("I can't lift a saucepan any more")
    assert result.intents == ("meals",)
    assert "shop" not in result.scores
    assert result.evidence["explained:shop"] == ("saucepan",)


def test_the_word_model_does_not_learn_families_shared_with_other_entries() -> None:
    families = {**FAMILIES, "someone": ["mam", "dad"], "visit": ["clinic"]}
    language = {
        "families": families,
        "emergency": {"danger": ["<someone> + collapsed"]},
    }
    lift = {"id": "lift", "phrases": ["a lift"], "cues": ["<someone> ... <visit>"]}
    classifier = Classifier(Vocabulary.from_mapping([lift, SHOP], language))
    assert classifier._model.guess(["mam"]) is None  # "<someone>" is shared with an emergency
    assert classifier._model.guess(["clinic"]) is not None


def test_each_offer_cue_is_evidence_of_an_offer_up_to_two() -> None:
    volunteer = {"id": "volunteer", "phrases": ["volunteer group"]}
    language = {"helper_service": "volunteer", "offer_cues": ["i have a van", "if anyone needs"]}
    classifier = _tiny([volunteer, SHOP], language)
    assert classifier.classify("I have a van").intent is None  # one offer cue: 0.5
    assert classifier.classify("I have a van if anyone needs anything").intent == "volunteer"


def test_the_word_model_does_not_route_a_service_the_message_turned_down() -> None:
    services = [
        {"id": "lift", "phrases": ["a lift"], "keywords": {"clinic": 0.6},
         "examples": ["a lift to the clinic in sligo, I have no car"]},
        {**SHOP, "examples": ["a few groceries from the village"]},
    ]
    language = {"stop_words": ["the", "in", "to", "have"], "negation": ["not"]}
    classifier = _tiny(services, language)
    assert classifier.classify("the clinic in sligo and no car").intent == "lift"
    declined = classifier.classify("not a lift, the clinic in sligo and no car")
    assert declined.intent is None, declined.evidence


def test_a_second_service_needs_one_piece_of_evidence_that_asks() -> None:
    lift = {"id": "lift", "phrases": ["a lift"], "keywords": {"hospital": 0.6, "doctor": 0.3}}
    fuel = {"id": "fuel", "phrases": ["fuel delivery"], "keywords": {"coal": 1.0, "oil": 1.0}}
    classifier = _tiny([lift, fuel], {"thresholds": {"secondary_ratio": 0.3, "secondary_min_score": 0.75}})
    story = classifier.classify("I was in hospital and the doctor let me home, the oil is gone, coal too")
    assert story.intents == ("fuel",)  # "hospital" and "doctor" only set the scene
    assert classifier.classify("a lift to hospital and a bag of coal").intents == ("lift", "fuel")


def test_the_our_of_an_offer_cue_is_who_offers() -> None:
    volunteer = {"id": "volunteer", "phrases": ["volunteer group"]}
    chemist = {"id": "chemist", "keywords": {"prescriptions": 1.0}}
    language = {
        "helper_service": "volunteer",
        "offer_cues": ["our group"],
        "possessives": ["our", "my"],
    }
    classifier = _tiny([volunteer, chemist], language)
    assert classifier.classify("our group collects prescriptions").intent == "volunteer"
    assert classifier.classify("can you collect our prescriptions").intent == "chemist"


@pytest.mark.parametrize(
    ("text", "intents"),
    [
        ("not a bite in the press since Tuesday", ("groceries",)),
        ("I'm out of bread", ("groceries",)),
        ("we're low on milk and the roads are too icy to drive to the shop", ("groceries",)),
        ("we have no food in and mam can't get out", ("groceries",)),
        ("I'm out of bread and my tablets are finished", ("groceries", "prescriptions")),
        ("the car is gone and I have bloods in Castlebar next week", ("medical_transport",)),
        ("since the cataract I'm not let drive and the follow up is in Sligo", ("medical_transport",)),
        ("the press is empty and they took the licence off me, and I have the heart clinic on Friday",
         ("groceries", "medical_transport")),
        ("weeks go by without a knock on the door", ("friendly_call",)),
        ("nobody knocks on the door anymore", ("friendly_call",)),
        ("the range is out since this morning", ("fuel_delivery",)),
        # "the fire is out" alone may be a fire put out, so it stays unrouted
        ("the fire is out now, all grand", ()),
        ("the range is out and I haven't seen anyone in a week", ("fuel_delivery", "friendly_call")),
        ("the bag of spuds is finished and I can't get to the village", ("groceries",)),
        ("I've nothing in for the weekend and can't get out", ("groceries",)),
        ("the milk is finished and my tablets are gone", ("groceries", "prescriptions")),
        ("since I moved here I don't know a soul", ("friendly_call",)),
        ("I can't lift the bags anymore", ("groceries",)),
        ("he's lost a stone since his wife passed, he's not eating right", ("hot_meals",)),
        ("some days I don't open my mouth", ("friendly_call",)),
        ("my only visitor is the district nurse", ("friendly_call",)),
        ("there's ice on the inside of the windows", ("fuel_delivery",)),
        ("I've been eating the last tin of beans and there's no more in the press", ("groceries",)),
        ("mam's not up to cooking since the fall", ("hot_meals",)),
        ("I've no energy for the shops since the flu", ("groceries",)),
        ("I've the shopping done by my niece, it's the cooking I can't manage anymore", ("hot_meals",)),
        ("the food's grand, my son drops it up, but I'd love someone to ring me of an evening",
         ("friendly_call",)),
        ("I'm sitting with a blanket over my knees all day", ("fuel_delivery",)),
        ("I'm burning the chairs at this stage", ("fuel_delivery",)),
        ("nobody to say good morning to", ("friendly_call",)),
        ("I'd love someone to drop in for a cup of tea", ("friendly_call",)),
        ("I can't be standing over a pot with my back", ("hot_meals",)),
        ("the tablets are sorted, it's the bloods in Castlebar I can't get to", ("medical_transport",)),
        ("it's the eye clinic I can't get to, the dinners are fine", ("medical_transport",)),
        ("my appointment is on the 4th and I can't get there", ("medical_transport",)),
        ("I was at the clinic on Tuesday and now I can't get to the shops with the boot on", ("groceries",)),
        ("I have the shopping in but I can't stand at the cooker", ("hot_meals",)),
        # not needs: a refusal, other business, and a fire put out on purpose
        ("the council are burning paper at the recycling centre, is that allowed", ()),
        ("I'm too tired to fill in the planning form", ()),
        ("the bread gone stale in the bin, when is the collection", ()),
        ("no bread needed, just collect my prescription please", ("prescriptions",)),
        ("I don't need the shopping done, I'm not out of bread", ()),
        ("I'm not let park outside the library anymore, who do I complain to", ()),
        ("when is the bin collection, I put the fire out before I left", ()),
        ("the car was sold last week, how do I change the motor tax", ()),
    ],
)
def test_shipped_file_hears_more_indirect_needs(
    classifier: Classifier, text: str, intents: tuple[str, ...]
) -> None:
    result = classifier.classify(text)
    assert tuple(sorted(result.intents)) == tuple(sorted(intents)), result.evidence
