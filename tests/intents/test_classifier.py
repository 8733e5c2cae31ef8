"""The classifier's decisions: services, roles, several services, clarifying, out of scope."""

from __future__ import annotations

from typing import Any

import pytest

from intents.classifier import Classifier
from intents.vocabulary import Vocabulary


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        pytest.param("can ye get the messages for me mam", "groceries", id="the-messages"),
        pytest.param("my fridge is empty and I can't go out", "groceries", id="need-groceries"),
        pytest.param("I can't cook since my operation", "hot_meals", id="need-meals"),
        pytest.param("I have a car and free time", "volunteer_groups", id="need-volunteering"),
        pytest.param("script ready at the chemist", "prescriptions", id="script-chemist"),
        pytest.param("HOTMEALS!!!", "hot_meals", id="run-together-capitals"),
        pytest.param("meels on weels", "hot_meals", id="misspelt-phrase"),
        pytest.param("grocerys", "groceries", id="misspelt-word"),
        pytest.param("Perscription 💊", "prescriptions", id="misspelt-with-emoji"),
    ],
)
def test_single_service(classifier: Classifier, text: str, intent: str) -> None:
    result = classifier.classify(text)
    assert (result.intent, result.intents) == (intent, (intent,)), result
    assert result.score >= 0.75
    assert result.evidence[intent]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        pytest.param("I could deliver hot meals to people who need them", "volunteer_groups", id="offer-meals"),
        pytest.param("happy to collect prescriptions for anyone who can't get out", "volunteer_groups", id="offer-prescriptions"),
        pytest.param("can a volunteer collect my prescription", "prescriptions", id="ask-volunteer-for-prescription"),
        pytest.param("could a volunteer do my shopping", "groceries", id="ask-volunteer-for-shopping"),
        pytest.param("I can do the shopping for my own mother", "groceries", id="my-own-need-is-no-offer"),
    ],
)
def test_roles(classifier: Classifier, text: str, intent: str) -> None:
    result = classifier.classify(text)
    assert result.intent == intent, result


def test_two_services_in_the_order_asked(classifier: Classifier) -> None:
    result = classifier.classify("a hot dinner and my prescription collected")
    assert result.intent == "hot_meals"
    assert result.intents == ("hot_meals", "prescriptions")
    result = classifier.classify("my prescription collected and a hot dinner")
    assert result.intents == ("prescriptions", "hot_meals")


def test_three_services(classifier: Classifier) -> None:
    result = classifier.classify("shopping, tablets and a hot meal")
    assert result.intents == ("groceries", "prescriptions", "hot_meals")


@pytest.mark.parametrize(
    "text",
    [
        "when is my bin day", "pothole on the road", "renew motor tax", "planning permission",
        "housing list", "hello", "thanks a million", "good morning", "asdfghjkl", "12345",
        "👍", "", "   ", "what's the weather in Westport", "delivery", "help",
    ],
)
def test_out_of_scope_is_never_a_service(classifier: Classifier, text: str) -> None:
    result = classifier.classify(text)
    assert result.intent is None, result
    assert result.intents == () and result.candidates == ()


def test_council_business_outweighs_a_weak_hint(classifier: Classifier) -> None:
    assert classifier.classify("bin collection for the shop").intent is None


def _tiny(language: dict[str, Any] | None = None) -> Classifier:
    services = [
        {"id": "groceries", "phrases": ["the messages"], "keywords": {"food": 0.8, "shopping": 1.0}},
        {"id": "hot_meals", "phrases": ["hot dinner"], "keywords": {"food": 0.8, "dinner": 1.0}},
    ]
    return Classifier(Vocabulary.from_mapping(services, language or {}))


def test_too_close_to_call_gives_candidates() -> None:
    result = _tiny().classify("food please")
    assert result.intent is None
    assert set(result.candidates) == {"groceries", "hot_meals"}


def test_separate_requests_are_not_too_close_to_call() -> None:
    result = _tiny().classify("shopping and a dinner")
    assert result.candidates == ()
    assert result.intents == ("groceries", "hot_meals")


def test_thresholds_come_from_the_vocabulary() -> None:
    assert _tiny().classify("dinner").intent == "hot_meals"
    assert _tiny({"thresholds": {"min_score": 1.5}}).classify("dinner").intent is None


def test_very_long_input_is_cut_and_still_classified(classifier: Classifier) -> None:
    text = "I need my prescription collected. " + "blah " * 20_000
    result = classifier.classify(text)
    assert result.intent == "prescriptions"
    assert result.text == text


def test_long_garbage_without_spaces(classifier: Classifier) -> None:
    assert classifier.classify("x" * 100_000).intent is None
    assert classifier.classify("hotmeals" * 12_500).intent is None


def test_json_shape(classifier: Classifier) -> None:
    data = classifier.classify("shopping and a prescription please").as_json()
    assert data == {
        "text": "shopping and a prescription please",
        "intent": "groceries",
        "intents": ["groceries", "prescriptions"],
        "score": 1.0,
        "candidates": [],
        "emergency_kind": None,
        "possible_emergency": False,
        "act": None,
        "topic": None,
        "language": "en",
    }


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        pytest.param("my uncle lives alone and isn't able to cook", "hot_meals", id="alone-is-not-a-call"),
        pytest.param("I'm self isolating and have no food", "groceries", id="isolating-is-not-lonely"),
        pytest.param("can someone drive to the shops for me", "groceries", id="drive-is-not-transport"),
        pytest.param("I need a lift to the chemist for my tablets", "prescriptions", id="lift-to-chemist"),
        pytest.param("cooking oil, bread and milk", "groceries", id="oil-is-not-fuel"),
        pytest.param("is there someone who could call in with a dinner", "hot_meals", id="call-in-dinner"),
    ],
)
def test_other_services_do_not_steal_core_messages(
    classifier: Classifier, text: str, intent: str
) -> None:
    result = classifier.classify(text)
    assert result.intent == intent, result
    assert result.intents == (intent,)
