"""Veiled self-harm as two categories of warning sign (safety6 branch, issue 13), in English and
Irish, in this file's own wordings (not the dev sets').

The categories a crisis-line worker hears: (a) a farewell or last wish, (b) finality, a decision
or intent, (c) the means or a dangerous place, (d) despair or being a burden, (e) "don't contact
me / don't worry". Each alone is ordinary; two different ones anywhere in a message are
self-harm. Both ways: the pair is caught as self-harm, and the look-alike that shares one sign
(or has a pastime, an errand or a reason for being away) is not an emergency.
"""

from __future__ import annotations

import pytest

from intents.classifier import Classifier
from intents.result import EMERGENCY

SELF_HARM = {
    # (a) + (b)
    "prayer-decided": "Say a prayer for me lads. Ive decided its time now",
    "hug-tomorrow": "give the kids a hug from me, I won't be here tomorrow",
    # (a) + (c)
    "forgive-tracks": "i hope ye can forgive me, im sitting on the train tracks",
    # (a) + (d)
    "putting-up-burden": "thanks for putting up with me, I'm only a burden to ye all",
    # (a) + (e)
    "remember-fret": "remember me the way I was. don't fret over me",
    # (b) + (c)
    "given-away-rope": "I've given away my tools to the young lad. The rope is in the van",
    # (b) + (d)
    "order-pointless": "put my affairs in order last week, it's all pointless anyway",
    # (b) + (e)
    "morning-phone": "I'll be gone by morning, I'm switching my phone off",
    # (c) + (d)
    "gun-hope": "there's no hope left, I have the shotgun beside me",
    "quay-weight": "i'm a weight on everyone, sitting at the end of the pier",
    # (c) + (e)
    "weir-look": "down at the weir. don't try to find me",
    # (d) + (e)
    "cope-cry": "i cant cope anymore. dont cry for me",
    # proxy
    "proxy-low-phone": "my sister's been really low for weeks and she texted 'mind the kids for me', now her phone is off",
    # Irish
    "ga-care-despair": "tabhair aire do na páistí, níl aon dóchas fágtha dom",
    "ga-means-no-contact": "tá mé ar an droichead anois, ná glaoigh orm",
    "ga-final-farewell": "beidh gach rud thart roimh maidin. guígí ar mo shon",
    "ga-rope-ready": "tá an rópa réidh agam sa gharáiste",
    "ga-despair-final": "tá mé tuirseach den saol, ní bheidh mé anseo amárach",
    "ga-nofada": "nil aon dochas agam, ta me ag an gceibh",
    # "glaoch" alone is no reason for being away
    "ga-no-call-gone": "ná cuir glaoch orm níos mó, ní bheidh mé ann",
}

ORDINARY = {
    "bridge-club": "off to the bridge club, don't ring me till after nine",
    "pier-angling": "down at the pier angling all day, no point calling me",
    "rain-enough": "I've had enough of this wind, the bins are all over the road",
    "done-dishes": "done with the dishes, thanks for the dinner",
    "burden-dog": "the dog is a burden with all the walking",
    "tired-oil": "tired of waiting on the oil man",
    "bye-shopping": "bye now and thanks for the help with the messages",
    "mind-dog-hospital": "could someone mind the dog for me while I'm in the hospital",
    "decided-dinners": "I've decided, I'll take the dinners from next week",
    "rope-swing": "the rope swing in the park is broken again",
    "knife-blunt": "the bread knife is blunt and I can't cut anything, could I get a dinner",
    "flood": "the river is up over the road, no way out for the cars",
    "move": "I've put everything in order for the move to Galway, say goodbye to the group for me",
    "exhaust": "the exhaust fell off the car so I can't get to the clinic",
    "ga-rain": "tá mé tuirseach den bháisteach",
    "ga-pier-fishing": "tá mé ag iascaireacht ag an gcéibh, ná glaoigh orm roimh a deich",
    "ga-dont-worry-dinner": "ná bí buartha fúm, tá an dinnéar agam",
    "ga-mind-dog-hospital": "tabhair aire don mhadra dom fad atá mé san ospidéal",
    "ga-away-call-later": "ní bheidh mé sa bhaile Dé Máirt, glaoigh orm arís",
}


@pytest.mark.parametrize("text", SELF_HARM.values(), ids=list(SELF_HARM))
def test_safety6_two_categories_are_self_harm(text: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.intent == EMERGENCY
    assert result.emergency_kind == "self_harm"


@pytest.mark.parametrize("text", ORDINARY.values(), ids=list(ORDINARY))
def test_safety6_look_alike_is_not_an_emergency(text: str, classifier: Classifier) -> None:
    assert classifier.classify(text).intent != EMERGENCY
