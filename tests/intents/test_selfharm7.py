"""Veiled self-harm, selfharm7 pass (issue 13): three more categories of warning sign beside the
five of safety6, in English and Irish, in this file's own wordings (not the dev set's).

(f) relief for others said of one's own going ("won't be under anyone's feet"), (g) reunion with
someone who has died ("she's calling me to her"), (h) things given away or a letter for each of
the family; and a proxy's report that the person is not answering, beside a farewell, finality,
the means, (f)-(h), or an apology with despair. Names between the parts are read by ordered cues
("I'll be with Tom again ...", "... tell Nora I'm sorry"). Both ways: each pair is self-harm, and
the look-alike with one sign, a day, a place, a reason or a request is not an emergency.
"""

from __future__ import annotations

import pytest

from intents.classifier import Classifier
from intents.result import EMERGENCY

SELF_HARM = {
    # (f) relief for others
    "feet-tonight": "I won't be under anyone's feet after tonight",
    "burden-goodbye": "won't be a burden to anyone now. goodbye all",
    "minding-rope": "nobody will have to mind me, the rope is up in the loft",
    # (g) reunion with the dead
    "ready-fill": "Paddy's gone four years now and I'm ready to go to him. I've had my fill of this life",
    "calling-stand": "she's calling me to her every night now, I can't stand this any longer",
    "name-again": "I'll be with Breda again at last. don't go looking for me",
    "name-waiting": "off to see Kathleen again, she's been waiting for me up there",
    # (h) things given away
    "jewellery-going": "I gave the grandchildren my jewellery today, no use to me now where I'm going",
    "funeral-low": "paid off my funeral and picked the hymns. I can't face another day",
    # proxy: not answering
    "proxy-letter": "my husband left a note saying sorry, he's not answering his mobile",
    "proxy-down": "my sister texted to say she's sorry and she can't keep going, she isn't picking up",
    # the means kept back
    "gathered": "I've gathered up enough of my pills to do it",
    # apology and despair around a name
    "future-bridget": "there's no future for me. tell Bridget I'm sorry for everything",
    # Irish
    "ga-feasta": "Ní bheidh mé sa bhealach ar aon duine feasta",
    "ga-ready-waiting": "Tá mé réidh le dul chuig Pádraig, tá sé ag fanacht liom le fada",
    "ga-hoard-enough": "Tá na piollaí curtha i dtaisce agam le seachtainí, tá mo dhóthain agam",
    "ga-name-again": "Beidh mé le Nóirín arís go luath. Slán libh go léir",
    "ga-letter-best": "Tá litir don chlann ar an mbord agam. Is é seo an rud is fearr",
    "ga-hope-sorry": "Níl aon dóchas fágtha dom. Abair le Síle go bhfuil brón orm",
    "ga-proxy-cut": "ghortaigh mo mhac é féin aréir agus deir sé nach bhfuil sé ag iarraidh a bheith beo",
    # a proxy: the pier and not coming back, low since a death
    "proxy-pier": "the man next door told me he'll go down to the harbour tonight and never come back, he's very low since his wife died",
    "river-blaming": "I'm heading to the river now. Don't be blaming yourselves",
    "ga-waiting-long": "Tá Daid ag fanacht liom le fada. Ní bheidh sibh buartha fúm níos mó",
    "ga-tablets-table": "b'fhearr do gach duine gan mé, tá na piollaí ar an mbord",
    "calls-list": "no point keeping me on your list for the calls, I won't be here much longer, I've decided",
}

ORDINARY = {
    "grief-visit": "My wife died at Easter and I'd be glad of a visit from someone now and then",
    "daughter-weekend": "I'll be with my daughter at the weekend so no need to call Saturday, thanks",
    "son-collecting": "I'll be with my son soon, he's collecting me, I've been feeling low",
    "grave-lift": "I'm going to my husband's grave on Sunday, is there any lift going",
    "waiting-car": "my husband is waiting for me in the car, sorry for everything",
    "doctor-waiting": "going to see the doctor again tonight, she's been waiting for me to come back",
    "sorry-bother": "thanks a million, bye now, sorry for the bother",
    "burden-shopping": "sorry to be a burden but could someone get my shopping this week",
    "bother-delivery": "I won't be a bother to anyone, I'll wait for the next delivery, thanks for everything",
    "charity-clothes": "cleared out the spare room and gave away my late husband's clothes to the charity shop",
    "sofa-low": "I gave away the old sofa, I'm feeling very low these days, would someone call",
    "note-home-help": "I left a note for the home help on the table about the bins",
    "aged-call": "I'm 92 and I won't be around much longer, it would be lovely to get a friendly call now and again",
    "aged-visit": "I'm 88 and I won't be around much longer, would someone visit me now and again",
    "tablets-friday": "I've enough tablets till Friday, the repeat is with the chemist",
    "dinners-cooking": "I won't be needing the dinners anymore, my daughter is cooking for me now",
    "not-answering-work": "my son won't answer his phone, he's probably at work, I wanted him to bring my prescription",
    "with-you-again": "I'll be with you again next week, thanks for everything you did",
    "ga-bye-for-now": "Go raibh maith agat, slán go fóill, tá brón orm as an gcur isteach",
    "ga-taxi": "Tá tacsaí ag fanacht liom, slán libh",
    "ga-doctor": "Tá mé ag dul chuig an dochtúir anocht, tá sé ag fanacht liom",
    "ga-sister": "Beidh mé le mo dheirfiúr i gCaisleán an Bharraigh an tseachtain seo chugainn",
    "burden-cant-go-on-shopping": "I'm sorry to be a burden but I can't go on without my shopping",
    "bingo-again": "I'll be with Josie again for the bingo on Friday, thanks a million",
    "harbour-boat": "Dad is down at the harbour with the boat, he's not answering but he never does",
    "under-feet-carer": "I won't be under your feet much longer, the carer starts next week",
    "ga-son-saturday": "Beidh mé le mo mhac arís Dé Sathairn, slán go fóill",
    "letter-landlord": "I left a letter for the landlord about the damp, sorry for the trouble",
    "mind-home-help": "no one will have to mind me when the home help starts, thanks for all ye did",
    "cold-turf": "I can't carry on like this with no heat, the oil ran out on Friday",
    "ga-shaving": "ghearr sé é féin ag bearradh ar maidin, an bhfuil plástair ag an gcógaslann",
    "ga-cut-finger": "ghearr mé mo mhéar ag gearradh aráin, an féidir plástar a fháil",
    "ga-found-someone": "Ní bheidh mé ag cur isteach oraibh níos mó, fuair mé duine eile don siopadóireacht",
}


@pytest.mark.parametrize("text", SELF_HARM.values(), ids=list(SELF_HARM))
def test_selfharm7_new_categories_are_self_harm(text: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.intent == EMERGENCY
    assert result.emergency_kind == "self_harm"


@pytest.mark.parametrize("text", ORDINARY.values(), ids=list(ORDINARY))
def test_selfharm7_look_alike_is_not_an_emergency(text: str, classifier: Classifier) -> None:
    assert classifier.classify(text).intent != EMERGENCY
