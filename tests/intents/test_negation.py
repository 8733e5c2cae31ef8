"""Negation and contrast scoping, alone and through the classifier."""

from __future__ import annotations

import pytest

from intents.classifier import Classifier
from intents.lexicon import Lexicon
from intents.message import ReadMessage
from intents.negation import NegationRules


@pytest.fixture(scope="module")
def rules() -> NegationRules:
    return NegationRules.build(
        cues=["not", "dont want"],
        clause_start_cues=["no"],
        exceptions=["not able", "no food"],
        breaks=["but", "i need"],
        scope=4,
    )


def negated_words(rules: NegationRules, text: str) -> list[str]:
    lexicon = Lexicon([], [], {}, [], 5)
    message = ReadMessage.read(text, lexicon)
    return [message.keys[i] for i in sorted(rules.negated_positions(message))]


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        pytest.param("not shopping, a hot meal", ["shop"], id="scope-ends-at-comma"),
        pytest.param("not shopping but a hot meal", ["shop"], id="scope-ends-at-but"),
        pytest.param("not shopping i need a hot meal", ["shop"], id="scope-ends-at-i-need"),
        pytest.param("dont want meals on wheels at all today", ["meal", "on", "wheel", "at"], id="scope-length"),
        pytest.param("no meals, shopping", ["meal"], id="no-at-clause-start"),
        pytest.param("I have no meals", [], id="no-mid-clause-is-not-a-cue"),
        pytest.param("I am not able to cook", [], id="exception-not-able"),
        pytest.param("no food in the house", [], id="exception-no-food"),
        pytest.param("shopping please", [], id="nothing-to-negate"),
    ],
)
def test_scope(rules: NegationRules, text: str, negated: list[str]) -> None:
    assert negated_words(rules, text) == negated


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        pytest.param("not shopping, I need a hot dinner", "hot_meals", id="not-x-comma-y"),
        pytest.param("I don't want to volunteer, I need my tablets", "prescriptions", id="dont-want-to-volunteer"),
        pytest.param("forget the chemist, can someone do the messages", "groceries", id="forget"),
        pytest.param("no dinners thanks, only the shopping", "groceries", id="no-at-start"),
        pytest.param("I'm not able to stand at the cooker", "hot_meals", id="not-able-is-a-need"),
        pytest.param("I have no food in the house", "groceries", id="no-food-is-a-need"),
        pytest.param("I don't need shopping", None, id="only-service-negated"),
        pytest.param("my son does my shopping so I only need hot meals", "hot_meals", id="only-need"),
        pytest.param("shopping sorted, just need my tablets", "prescriptions", id="just-need"),
    ],
)
def test_classifier_respects_negation(classifier: Classifier, text: str, intent: str | None) -> None:
    result = classifier.classify(text)
    assert result.intent == intent, result
    if intent:
        assert result.intents == (intent,)


def test_reach_runs_to_the_end_of_the_clause(rules: NegationRules) -> None:
    lexicon = Lexicon([], [], {}, [], 5)
    message = ReadMessage.read("not really all that keen on the hot dinners, turf please", lexicon)
    reached = [message.keys[i] for i in sorted(rules.negated_positions(message, reach=True))]
    assert reached[-2:] == ["hot", "dinner"]
    assert "turf" not in reached
    assert "dinner" not in negated_words(rules, "not really all that keen on the hot dinners")


# A service the message turns down or says is seen to gives way to the one it asks for, even
# when the words are far from the "not", go on in the next clause, or are only weakly repeated.
@pytest.mark.parametrize(
    ("text", "intents"),
    [
        pytest.param("not really all that keen on the hot dinners, could someone bring a bag of turf",
                     ("fuel_delivery",), id="declined-beyond-the-negation-scope"),
        pytest.param("I'm grand for turf, my nephew brings the briquettes out every month. "
                     "Could someone collect my inhaler?", ("prescriptions",),
                     id="next-clause-goes-on-about-the-met-need"),
        pytest.param("Mam has meals on wheels five days a week, that side of it is sorted. "
                     "Could someone ring her for a chat?", ("friendly_call",),
                     id="satisfied-clause-speaks-of-the-one-before"),
        pytest.param("The shopping is sorted; it's dinners delivered to the door she needs",
                     ("hot_meals",), id="a-weak-word-elsewhere-does-not-keep-it"),
        pytest.param("a lift to the clinic on Monday, and could someone collect my blood pressure tablets",
                     ("medical_transport", "prescriptions"), id="a-request-is-not-a-satisfied-cue"),
        pytest.param("I'd like to volunteer myself, and does the group bring dinners? "
                     "My aunt could do with them", ("volunteer_groups", "hot_meals"),
                     id="a-question-is-not-a-satisfied-cue"),
        pytest.param("He can't cook for himself, and the coal is gone too",
                     ("hot_meals", "fuel_delivery"), id="cant-before-a-satisfied-cue-is-a-need"),
        pytest.param("Her tablets are all sorted, it's getting her to the physio that's hard",
                     ("medical_transport",), id="getting-her-is-not-gets-her"),
        pytest.param("my son does the cooking but I can't get out to the shop", ("groceries",),
                     id="met-only-up-to-but"),
        pytest.param("the coal is grand it's getting to the shop that's hard", ("groceries",),
                     id="met-only-up-to-its"),
        pytest.param("I've to get the tablets from the chemist, and the coal is gone",
                     ("prescriptions", "fuel_delivery"), id="to-get-the-is-not-gets-the"),
        pytest.param("I get out to the shop most days, but she'd love someone to ring her",
                     ("friendly_call",), id="i-get-out-to-the-shop"),
        pytest.param("the dinners aren't the problem the shopping is, she'd love the messages done",
                     ("groceries",), id="two-named-where-one-is-met"),
    ],
)
def test_a_declined_service_gives_way(
    classifier: Classifier, text: str, intents: tuple[str, ...]
) -> None:
    assert classifier.classify(text).intents == intents
