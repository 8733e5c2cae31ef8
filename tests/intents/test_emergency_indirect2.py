"""Issue 13, pass 2: more emergencies said without the usual words, in English and Irish, and the
figures of speech and past scares that must stay ordinary.

Every wording here is this file's own; none is copied from a labelled or held-back set. Each
case names the word family or rule it leans on, so a failure points at one place in
config/routing.yaml.
"""

from __future__ import annotations

import pytest

from intents.classifier import Classifier
from intents.result import EMERGENCY

DANGER = {
    # someone dying now, said of a person
    "think-dying": "come quick, I think she's dying",
    "husband-dying": "my husband's dying here, he's gone a terrible colour",
    "dying-in-front": "grandad is dying in front of me, what do I do",
    "ga-dying": "Tá sí ag fáil bháis",
    "ga-dying-front": "Tá Daideo ag fáil bháis os mo chomhair",
    # a colour and no answer
    "grey-no-answer": "my father has gone grey and he isn't answering me",
    # an intruder inside, or at the gate at night
    "intruder-kitchen": "there's an intruder in my kitchen, I'm hiding upstairs",
    "gate-night": "a man keeps trying the gate and it's 3am",
    "ga-garden-night": "Tá fear sa chlós i lár na hoíche",
    # a missing person with dementia
    "bed-empty": "dad has dementia and he isn't in his bed, the back door's unlocked",
    "ga-dementia-left": "Tá néaltrú ar Dhaid agus níl sé sa teach",
    # flooding with someone who cannot get out
    "flood-stairs": "the flood water is coming in and mam can't manage the stairs",
    "flood-roof": "the river came up overnight and we're up on the roof with the kids",
    "flood-inside": "water coming in the door and my aunt is stuck inside",
    "flood-bedbound": "the yard is flooded right up to the house and my mother is bedridden",
    "car-under-water": "the lane is under water and our car is stuck with grandad inside it",
    # breath and colour
    "gulping-colour": "she's gulping for air and her face is a strange colour",
}
SELF_HARM = {
    "ga-dont-want-go-on": "Nílim ag iarraidh maireachtáil níos mó",
    "go-on-life": "I don't want to go on with my life",
    "no-point-me": "honestly there's no point in me being alive",
    "ga-end-it": "Táim chun deireadh a chur leis",
    "ga-end-life": "Ba mhaith liom deireadh a chur leis an saol seo",
    "ga-pills-all": "Tá na táibléid ar fad os mo chomhair agus tá mé réidh",
}
ORDINARY = {
    # figures of speech
    "bills-drowning": "the heating bills are drowning me this winter",
    "choking-back": "I keep choking back tears since my sister passed",
    "ga-thirst": "Bhí mé ag fáil bháis leis an tart ar an mbus",
    "ga-cancer": "Tá m'aintín ag fáil bháis le hailse, an féidir dinnéir a chur chuici",
    "dying-hospice": "my uncle is dying in the hospice and my aunt needs a lift in to see him",
    "dying-cold": "I'm dying with this flu, could someone collect my tablets",
    "fire-dying": "the fire is dying down and there's no turf left",
    "phone-dying": "my phone is dying, ring me on the landline later",
    # a service not wanted any more, a journey alone
    "go-on-meals": "I don't want to go on with the meals after the new year",
    "ga-go-on-meals": "Nílim ag iarraidh leanúint ar aghaidh leis na dinnéir",
    "go-on-bus": "I can't go on the bus by myself, can someone drive me to the clinic",
    "ga-pills-food": "Ar cheart dom na piollaí go léir a thógáil le bia?",
    "ga-end-service": "Ba mhaith liom deireadh a chur leis na béilte ón tseachtain seo chugainn",
    # habits: chest tight in the cold
    "chest-cold": "my chest goes tight in cold weather, can I get the oil delivered early",
    # things that turned out to be nothing, animals and bins
    "turned-out": "we feared dad was having a heart attack but it turned out to be indigestion",
    "just-glasses": "I thought mam was having a stroke but it was just the new glasses making her squint",
    "dog-bins": "the fox keeps attacking the bins every night, who do I ring",
    # a typing slip must not become an alarm: "doorbell" is not "dribbling"
    "doorbell": "kids rang the doorbell at 2am and ran off laughing",
    # past scares, over now
    "mend": "we had a fright on Sunday when dad stopped breathing for a second but he's on the mend",
    "back-to-herself": "nana fainted at mass and went very grey, she's back to herself now",
}


@pytest.mark.parametrize("text", DANGER.values(), ids=list(DANGER))
def test_indirect_danger_is_an_emergency(classifier: Classifier, text: str) -> None:
    result = classifier.classify(text)
    assert (result.intent, result.emergency_kind) == (EMERGENCY, "danger"), result.evidence


@pytest.mark.parametrize("text", SELF_HARM.values(), ids=list(SELF_HARM))
def test_not_wanting_to_go_on_is_self_harm(classifier: Classifier, text: str) -> None:
    result = classifier.classify(text)
    assert (result.intent, result.emergency_kind) == (EMERGENCY, "self_harm"), result.evidence


@pytest.mark.parametrize("text", ORDINARY.values(), ids=list(ORDINARY))
def test_figures_of_speech_and_past_scares_are_not_emergencies(
    classifier: Classifier, text: str
) -> None:
    result = classifier.classify(text)
    assert not result.is_emergency, result.evidence


def test_a_house_on_fire_with_everyone_out_is_still_an_emergency(classifier: Classifier) -> None:
    # "is out" once counted as "it's over" beside the fire
    result = classifier.classify("the house is on fire and everyone is out")
    assert result.intent == EMERGENCY, result.evidence


def test_cant_go_on_alone_leads_with_help(classifier: Classifier) -> None:
    result = classifier.classify("I just can't go on")
    assert result.is_emergency or result.possible_emergency, result.evidence


def test_a_danger_told_by_a_caller_at_the_door_wanting_cash_is_the_scam(classifier: Classifier) -> None:
    result = classifier.classify("a man at the door said there was a gas leak and he needs cash to fix it")
    assert (result.intent, result.topic, result.possible_emergency) == (None, "scam", True)


def test_a_neighbour_saying_theres_a_leak_with_no_money_asked_is_an_emergency(classifier: Classifier) -> None:
    result = classifier.classify("the man next door said there is a gas leak and we can smell it too")
    assert result.intent == EMERGENCY, result.evidence
