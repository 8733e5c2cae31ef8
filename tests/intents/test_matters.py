"""Issue 13: conversation acts, other matters and weak danger cues, on the shipped vocabulary.

Wording of our own (not from any labelled set); each case has an id so a failure says which.
"""

from __future__ import annotations

import pytest

from intents.classifier import Classifier
from intents.result import EMERGENCY

ACTS = {
    "hi": ("hi", "greeting"),
    "good-morning": ("Good morning!", "greeting"),
    "hello-asked": ("hello??", "anyone_there"),
    "anyone": ("hi, is anyone there", "anyone_there"),
    "are-you-there": ("are you still there?", "anyone_there"),
    "thanks": ("thanks a million", "thanks"),
    "thanks-everything": ("thank you for everything, you've been great", "thanks"),
    "ok": ("ok", "acknowledgement"),
    "grand": ("grand", "acknowledgement"),
    "thumbs-up": ("👍", "acknowledgement"),
    "help": ("help", "help"),
    "what-can-you-do": ("what can you do?", "help"),
    "robot": ("are you a robot", "robot"),
    "real-person-asked": ("am I talking to a real person?", "robot"),
    "number": ("what's the number again", "number"),
    "open-now": ("is it open now", "open_now"),
    "hours": ("what are your hours", "open_now"),
    "status": ("what's happening with my request", "request_status"),
    "went-through": ("did my request go through?", "request_status"),
    "talk-real": ("can I talk to a real person", "talk_to_person"),
    "put-through": ("put me through to someone", "talk_to_person"),
    "human": ("I want a human", "talk_to_person"),
    "office": ("I'd like to speak to someone in the office please", "talk_to_person"),
    "end-chat": ("end chat", "end_chat"),
    "bye-thats-all": ("bye now that's all", "end_chat"),
    "goodbye": ("goodbye", "goodbye"),
    "ok-thanks-bye": ("ok thanks bye", "goodbye"),
}
TOPICS = {
    "bins": ("when is my bin collected", "council"),
    "roads": ("the state of the roads around here is shocking", "council"),
    "motor-tax": ("how do I renew my motor tax", "council"),
    "library": ("is the library open on Saturday", "council"),
    "housing": ("I'm on the housing list for years, any news", "council"),
    "covid-test": ("where do I get a covid test", "covid"),
    "booster": ("can I get my booster jab", "covid"),
    "scam": ("a man rang saying he was from the council and wanted my bank details", "scam"),
    "scam-over-service": (
        "someone rang from the council about the fuel allowance asking for my card number",
        "scam",
    ),
    "galway": ("I live in Galway, can you help me", "outside_mayo"),
}


@pytest.mark.parametrize("text,act", ACTS.values(), ids=list(ACTS))
def test_conversation_act(text: str, act: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert (result.intent, result.act, result.topic) == (None, act, None)
    assert not result.possible_emergency


@pytest.mark.parametrize("text,topic", TOPICS.values(), ids=list(TOPICS))
def test_other_matter(text: str, topic: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert (result.intent, result.topic, result.act) == (None, topic, None)


NEEDS = {
    "greeting-then-need": ("hello, I need my shopping done", "groceries"),
    "thanks-then-need": ("thanks, and could someone collect my tablets", "prescriptions"),
    "ok-then-need": ("ok, a hot dinner would be great", "hot_meals"),
    "talk-lonely": ("I'd love someone to talk to, I'm very lonely", "friendly_call"),
}


@pytest.mark.parametrize("text,service", NEEDS.values(), ids=list(NEEDS))
def test_a_need_beats_an_act(text: str, service: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert (result.intent, result.act, result.topic) == (service, None, None)


def test_an_emergency_beats_an_act(classifier: Classifier) -> None:
    result = classifier.classify("hello, my husband collapsed and he's not breathing")
    assert (result.intent, result.act) == (EMERGENCY, None)


def test_act_must_be_most_of_the_message(classifier: Classifier) -> None:
    text = "hello, my son is away and the house is very quiet these days, I do miss him terribly"
    assert classifier.classify(text).act is None


WEAK = {
    "door-at-night": "there's someone hanging around outside the house, can I get my shopping",
    "fell-today": "mam fell this morning, she says she's fine, could she get dinners",
    "alarm": "the alarm keeps going off and I can't make it stop",
    "despair": "I'm tired of it all, could someone ring me",
    "dizzy": "I feel very dizzy, can someone bring my prescription",
}


@pytest.mark.parametrize("text", WEAK.values(), ids=list(WEAK))
def test_weak_danger_is_a_possible_emergency(text: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.intent != EMERGENCY
    assert result.possible_emergency


PLAIN = [
    "I need my prescription collected",
    "could ye do a bit of shopping for me on Thursday",
    "hot dinners for my father please",
    "I'd like to volunteer with a local group",
    "bag of coal and some briquettes",
    "I'm lonely, a chat now and again would be nice",
    "a lift to my hospital appointment in Castlebar",
    "I'm out of breath walking to the shop, can you do my messages",
    "he's ok now, it was only a dizzy spell, could someone collect his tablets",
]


@pytest.mark.parametrize("text", PLAIN)
def test_plain_requests_are_never_possible_emergencies(text: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.intent is not None and result.intent != EMERGENCY
    assert not result.possible_emergency


@pytest.mark.parametrize(
    "word", ["sinner", "winner", "bills", "beating", "lovely", "punch", "tables"]
)
def test_short_real_words_are_not_read_as_service_words(word: str, classifier: Classifier) -> None:
    assert classifier.classify(f"I'm a {word}").intent is None


@pytest.mark.parametrize(
    "typo,service",
    [("dinnr", "hot_meals"), ("shoping", "groceries"), ("lonley", "friendly_call"),
     ("medecine", "prescriptions"), ("voluntear", "volunteer_groups")],
)
def test_typos_are_still_corrected(typo: str, service: str, classifier: Classifier) -> None:
    assert classifier.classify(typo).intent == service
