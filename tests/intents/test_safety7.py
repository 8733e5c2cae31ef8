"""Physical danger told indirectly (safety7 branch, issue 13), in English, in this file's own
wordings (not the dev set's).

Kinds: a sudden worst-ever headache, a seizure that goes on or leaves them out of it, a low
sugar with the mind going, someone found lying out in the cold, a stranger inside or someone
inside who will not go, tablets beyond the dose, a carbon-monoxide alarm with people sick, a row
next door with a call for help, a cow or bull that went for someone, a fall in the bathroom.
Both ways: the emergency is caught, and the look-alike (a fuel need, a habit, a figure of
speech, a job about the house, an operation being recovered from) is not an emergency.
"""

from __future__ import annotations

import pytest

from intents.classifier import Classifier
from intents.result import EMERGENCY

DANGER = {
    "headache-but-this-one": "I do get headaches but this one is the worst I've ever had, it hit me like a thunderclap",
    "headache-worst-life": "my husband says it's the worst pain of his life, right at the back of his head",
    "headache-never-like": "she has migraines but never had one like this, she's vomiting and can't look at the light",
    "seizure-not-round": "my son had a seizure twenty minutes ago and he hasn't come to yet",
    "seizure-again": "granny is fitting again, that's the second one in a row",
    "seizure-froth": "he's jerking all over on the couch and foaming at the mouth",
    "hypo-reading": "her sugars crashed and now she's talking gibberish",
    "hypo-muddled": "my dad is on insulin and he's all muddled and soaked in sweat",
    "cold-lying-out": "we found grandad lying in the snow by the gate, he's ice cold and barely conscious",
    "stranger-kitchen": "there's a man I've never seen before standing downstairs, dont know who he is",
    "wont-leave": "some fella walked in on my mother and he won't leave, she's 88",
    "overdose-more-than": "Nan has taken more than she should of the sleeping tablets, she thinks she took them twice",
    "overdose-more-of": "my brother took more of the tramadol than the doctor said and he's very groggy",
    "co-drowsy": "the co detector is going mad and the whole family is drowsy and nauseous",
    "row-next-door": "the neighbours are at it again, smashing and shouting, she was screaming for help",
    "bull": "the bull went for dad in the shed, he's lying on the ground",
    "fall-bathroom": "mam is after going down in the bathroom and can't get back up",
    "headache-blinding": "he got a blinding headache all of a sudden at the dinner table and he's confused",
    "seizure-keeps": "my daughter keeps having fits one after another, I can't stop them",
    "hypo-strange": "she's diabetic and gone very strange and clammy, acting like she's drunk",
    "hypo-levels": "his sugar levels are very low and he's drowsy and won't eat",
    "cold-all-night": "my uncle was outside all night in the frost, he's blue and can't talk properly",
    "ex-wont-leave": "her ex barged in an hour ago and he won't leave, she's terrified",
    "car-cyclist": "a van knocked down a cyclist at the cross, he's lying in the road not moving",
    "bedside": "there's a fella standing at the end of my bed and I don't recognise him",
    "got-in-asleep": "somebody got into the house last night while we were asleep, I can hear them below",
    "cant-swallow": "my wife can't swallow anything and she's dribbling and struggling to breathe",
    "gone-from-house": "dad isn't well in the head and he's gone from the house since tea time",
    "worst-headache-vision": "she says it's the worst headache of her life and her vision has gone blurry",
    "grabbed-head": "he grabbed the back of his head and collapsed in the hall",
    "diabetic-wont-wake": "my mother is diabetic and we can't get her to wake properly",
    "learning-disability-missing": "our son has a learning disability and he has been missing since lunch",
}

ORDINARY = {
    "fire-gone-out": "the fire's gone out in the kitchen and I've no turf left, I'm frozen",
    "fire-died": "the fire died in the sitting room overnight, could I get a few bags of coal",
    "fire-lit": "got the fire lit in the sitting room at last, the coal came",
    "arm-since-op": "she can't lift her arm since the operation, would someone do her shopping",
    "fall-last-week": "I had a fall last week and need a lift to the clinic on Friday",
    "coughing-fit": "I took a fit of coughing and it won't stop, could someone collect my inhaler",
    "will-have-fit": "mam will have a fit when she sees the state of the garden",
    "diabetic-muddled-tablets": "he's diabetic and gets muddled with his tablets, could the chemist do a blister pack",
    "diabetic-no-sense": "I'm diabetic and can't get any sense out of the chemist about my insulin",
    "turf-lying": "the turf is lying in the yard frozen solid, can someone bring coal",
    "man-council-yard": "there's a man I don't know in the yard, he says he's from the council",
    "nephew-wont-go-home": "someone is in the kitchen and won't go home, it's my nephew",
    "doubled-dose": "the doctor doubled the dose of my tablets so I'll need more collected",
    "co-battery": "the carbon monoxide alarm needs a battery and I'm sick of the beeping",
    "help-with-turf": "the neighbours are shouting for help with the turf",
    "bull-gate": "the bull knocked the gate down, can someone help me fix it",
    "worst-day": "my head is splitting, worst day ever with the grandkids",
    "lambs-flood": "the lambs are stuck in the flood at the bottom field",
    "blinding-after": "I have a blinding headache after the grandkids, could someone bring paracetamol",
    "more-tablets-since": "she's been taking more of her tablets since the doctor changed them, need the repeat",
    "never-like-service": "never had anything like this service, my head is turned with the dinners",
    "lying-sun": "lying out in the garden in the sun with an ice cold drink, thanks for the visit",
    "stranger-shop": "a man I don't know came into the shop asking for me",
    "dentures": "granny keeps fitting her dentures wrong, could the nurse call",
    "fire-out-no-coal": "the fire's out in the sitting room and we've no coal",
    "cant-go-on-cold": "we can't go on like this in the cold, the oil ran out on Friday",
    "flooded-road": "who do I talk to about a flooded road, no one in danger, just a pond across it",
    "swallow-tablets": "he can't swallow his tablets, they make him gag, is there a liquid one",
    "carer-kitchen": "the new carer is in the kitchen, I don't know her yet, she's making the tea",
    "crash-no-one-hurt": "a car crashed into the ditch at the end of the lane, nobody hurt thank God",
    "arm-since-shoulder": "he can't move his left arm since the shoulder operation, could someone get his shopping",
    "learn-first-aid": "I'd like to learn what to do if someone collapses, is there a course",
    "worst-headache-hangover": "the worst headache of my life was the morning after the wedding, ha",
}


# "can't go on like this" with nothing about the cold stays self-harm
SELF_HARM = {
    "cant-go-on-turf": "I cant go on like this anymore, no turf, nothing",
    "cant-go-on-end": "can't go on like this with no heating, I'm going to end it tonight",
}


@pytest.mark.parametrize("text", DANGER.values(), ids=list(DANGER))
def test_safety7_indirect_danger_is_an_emergency(text: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.intent == EMERGENCY
    assert result.emergency_kind == "danger"


@pytest.mark.parametrize("text", ORDINARY.values(), ids=list(ORDINARY))
def test_safety7_look_alike_is_not_an_emergency(text: str, classifier: Classifier) -> None:
    assert classifier.classify(text).intent != EMERGENCY


@pytest.mark.parametrize("text", SELF_HARM.values(), ids=list(SELF_HARM))
def test_safety7_despair_beside_the_cold_is_still_self_harm(text: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.intent == EMERGENCY
    assert result.emergency_kind == "self_harm"
