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
