"""Emergencies are found first and always; ordinary messages with alarming words are not."""

from __future__ import annotations

import pytest

from intents.classifier import Classifier
from intents.result import EMERGENCY

DANGER = [
    "someone has collapsed in the kitchen",
    "my wife is unconcious",
    "he cant breath",
    "crushing chest pains",
    "I think dad is having a heart attack",
    "her face is drooping and her speech is slurred",
    "my hand is bleeding heavily",
    "the chimney is on fire",
    "there's an intruder downstairs",
    "a man broke in and is threatening me",
    "my son has taken an overdose",
    "I fell in the bathroom and cant get up",
    "granny is after falling and she can't get up",
    "he is choking on his food",
    "smoke coming out of the house next door",
]
SELF_HARM = [
    "I want to kill myself",
    "i feel suicidal tonight",
    "I'm going to end it all",
    "I just want to die",
    "I have been self-harming again",
    "thinking about ending my life",
    "I don't want to live any more",
]
ORDINARY = {
    "chest-inhaler": ("my chest inhaler prescription", "prescriptions"),
    "heart-medication": ("heart medication needs collecting", "prescriptions"),
    "old-fall-groceries": ("I had a fall last year and can't carry shopping", "groceries"),
    "dying-for-tea": ("dying for a cup of tea", None),
    "kill-for-dinner": ("I'd kill for a hot dinner", "hot_meals"),
    "stroke-last-year": ("he had a stroke last year and can't cook", "hot_meals"),
    "since-my-fall": ("since my fall I can't get to the shops", "groceries"),
    "fire-brigade": ("fire brigade charges", None),
    "smoke-alarm": ("smoke alarm grant", None),
    "burglar-alarm": ("burglar alarm for an older person", None),
    "fuel-for-the-fire": ("turf for the fire", "fuel_delivery"),
    "chest-infection": ("antibiotics for a chest infection", "prescriptions"),
    "cant-go-on-bus": ("I can't go on the bus to the shops", "groceries"),
    "heart-attack-last-year": ("I had a heart attack last year, my tablets need collecting", "prescriptions"),
}


@pytest.mark.parametrize("text", DANGER)
def test_danger_is_an_emergency(classifier: Classifier, text: str) -> None:
    result = classifier.classify(text)
    assert (result.intent, result.emergency_kind) == (EMERGENCY, "danger")
    assert result.intents == ()


@pytest.mark.parametrize("text", SELF_HARM)
def test_self_harm_is_an_emergency_of_its_own_kind(classifier: Classifier, text: str) -> None:
    result = classifier.classify(text)
    assert (result.intent, result.emergency_kind) == (EMERGENCY, "self_harm")


def test_emergency_wins_over_services(classifier: Classifier) -> None:
    result = classifier.classify("I need my shopping but I have chest pain now")
    assert result.is_emergency


def test_self_harm_is_never_explained_away_by_the_past(classifier: Classifier) -> None:
    assert classifier.classify("last year I wanted to kill myself and I still do").is_emergency


@pytest.mark.parametrize(("text", "intent"), list(ORDINARY.values()), ids=list(ORDINARY))
def test_ordinary_message_is_not_an_emergency(
    classifier: Classifier, text: str, intent: str | None
) -> None:
    result = classifier.classify(text)
    assert not result.is_emergency
    assert result.intent == intent, result


@pytest.mark.parametrize("text", ["stroke", "a fall", "ambulance please", "emergency!"])
def test_a_word_alone_can_be_an_emergency(classifier: Classifier, text: str) -> None:
    assert classifier.classify(text).is_emergency


@pytest.mark.parametrize(
    "text", ["since my stroke", "my stroke last year", "fall prevention class", "fall alarm pendant"]
)
def test_a_word_alone_is_explained_away_too(classifier: Classifier, text: str) -> None:
    assert not classifier.classify(text).is_emergency


def test_no_ordinary_phrase_silences_a_whole_emergency_entry(config: dict[str, object]) -> None:
    """An entry in not_emergency that reads exactly like an emergency phrase would disable it."""
    from intents.phrase_index import phrase_keys

    emergency = config["language"]["emergency"]  # type: ignore[index]
    alarming = {
        phrase_keys(alt)
        for kind in ("danger", "self_harm", "danger_alone")
        for entry in emergency.get(kind, [])
        for part in entry.split("+")
        for alt in part.split("|")
    }
    ordinary = {phrase_keys(p): p for p in emergency["not_emergency"]}
    assert not [p for keys, p in ordinary.items() if keys in alarming]
