"""Veiled self-harm and indirect danger as combinations of weak signals (selfharm5 branch,
issues 13 and 18), in English and Irish, in this file's own wordings (not the dev sets').

Each family alone is ordinary ("love to all", "everything in order", "on the pier", "on
insulin", "the alarm is beeping"); two or three together are unmistakable. Both ways: the
combination is caught with the right kind, and the look-alike that shares one of its signals
(or an idiom, a what-if, a coping habit) is not an emergency.
"""

from __future__ import annotations

import pytest

from intents.classifier import Classifier
from intents.result import EMERGENCY

SELF_HARM = {
    # an apology for being a burden + a last wish
    "burden-dog": "Sorry for being such a burden on everyone all these years. Mind the dog for me.",
    # affairs in order + someone's care
    "order-care": "I've put my things in order and tied up the loose ends. Please look after the cat.",
    # someone left in another's care + love to everyone
    "care-love": "Please take care of the kids for me. Love you all so much.",
    # don't worry about me any more + a goodbye; a will made + love to all
    "worry-bye": "You won't need to worry about me any more. Goodbye.",
    "will-love": "My will is made and the passwords are in the drawer. Love to you all.",
    # it will be over soon + a letter left
    "over-letter": "It'll all be over by morning. I've left a letter for my son on the kitchen table.",
    # won't be around by then + a decision
    "doubt-decided": "I doubt I'll be around by then, I've made my mind up",
    "not-here-morning": "honestly I don't think I'll be here by the morning",
    # despair said plainly + the means laid out
    "point-pills": "i cant see the point of anything anymore, i have the pills lined up beside me",
    # the means + no control over it
    "razor-urge": "the razor is in my hand again and I can't help myself",
    # a place of danger + nobody to ring / not going home
    "cliffs-ringing": "standing at the top of the cliffs in Achill, no point ringing me",
    "railway-home": "on the railway bridge, I'm not going home tonight",
    "sorry-looking": "sorry for all the trouble I caused. I'm heading for the harbour. Don't go looking",
    "trouble-love": "I'm sorry I've been nothing but trouble. Give my love to the girls.",
    "tell-dad-home": "Tell dad I'm sorry. I won't be coming home.",
    # Irish: don't worry about me any more; look after X, sorry, love; a letter and 'over by
    # morning'; the quay and not going home; the sea calling; a brother's intent; tablets
    # swallowed with no count
    "ga-worry-more": "Ná bígí buartha fúm a thuilleadh. Slán.",
    "ga-care-sorry-love": "Tugaigí aire do mo mhac. Tá brón orm. Grá mór daoibh.",
    "ga-letter-over": "D'fhág mé litir do Sheán. Beidh sé ar fad thart roimh maidin.",
    "ga-burden-care": "Tá brón orm as a bheith i mo ualach. Tabhair aire do na páistí dom.",
    "ga-sorted-note": "Tá an t-iomlán socraithe agam, tá nóta scríofa do mo bhean",
    "ga-quay-home": "Táim ar an gcé agus ní rachaidh mé abhaile anocht",
    "ga-sea-calling": "tá an fharraige ag glaoch orm",
    "ga-brother-life": "dúirt mo dheartháir go bhfuil sé chun deireadh a chur lena shaol",
    "ga-swallowed-count": "shlog mé na táibléid go léir, níl a fhios agam cé mhéad",
}

DANGER = {
    "hypo": "my son is on insulin and he's sweating and groggy and talking rubbish",
    "co-detector": "the little detector beside the boiler keeps beeping and the both of us are dizzy and nauseous",
    "co-gas-fire": "the gas fire is on since morning and I've a splitting headache, I'm groggy and I threw up",
    "co-heater": "we've the gas heater on all day, the two of us are lightheaded, throwing up and very sleepy",
    "autism-gone": "my brother has autism, his coat is gone and the back door was open",
    "no-light": "the old lady across from me isn't answering the door and there's no light on, she lives on her own",
    "welfare-two": "curtains still drawn and post piling up at Johnny's, dog whining inside",
    "row-thud": "the fella upstairs is roaring at her again and I heard a thud and screaming for help",
    "not-drinking": "Nana won't drink anything, she's very drowsy and hasn't got out of the bed since yesterday",
    "after-going-down": "dad is after going down at the table and he's gone very still",
    "words-hand": "her words are all mixed up and she can't feel her right hand",
    "ga-speech-arm": "tá a chuid cainte ina praiseach agus ní féidir leis a lámh dheas a ardú",
    "ga-speech-odd-arm": "tá Mam ag caint go haisteach agus níl sí in ann a lámh chlé a bhogadh",
    "ga-hypo": "Tá Daid ar insilín agus tá sé ag cur allais agus trína chéile",
    "ga-flood-walk": "tá an teach faoi uisce agus ní féidir léi siúl, tá sí ochtó bliain",
}

ORDINARY = {
    # one signal of a combination, with a reason or a request
    "nuisance-hospital": "Sorry for being a nuisance, could someone mind the dog for me while I'm in hospital next week",
    "order-office": "I've got everything in order for the oil delivery, love to all at the office",
    "care-work": "Could someone look after mam for me on Tuesday while I'm at work? love you all, ye are great",
    "home-help": "dont worry about me anymore, I've got the home help now, thanks for everything over the years",
    "nuisance-order": "sorry for being a nuisance, I've put everything in order for the volunteer, the key is under the mat",
    "pier-fishing": "Im at the pier every morning fishing, no point ringing before 10",
    "telly-crash": "he was roaring at the telly and I heard a crash, the remote went through the screen haha",
    "asleep-chair": "the old lad is after falling asleep in the chair and he won't answer the phone, can a volunteer ring later",
    "ga-practical": "Tá gach rud socraithe agam don dinnéar Dé Domhnaigh, tá litir fágtha agam don fhear poist",
    "bother-tell": "Sorry for all the bother, tell my son the dinners are grand now, love to all",
    "christmas-home": "Tell dad I'm sorry, I won't be coming home for Christmas this year",
    "signoff": "Thanks a million for all ye did over the years, mind yourselves, love to all",
    "away-thursday": "I probably won't be around Thursday, I'm at the hospital, could you ring Friday instead",
    "away-till": "I won't be around by then, I'm staying with my daughter till Monday",
    "blister-point": "I don't see the point of the new blister packs, I have the tablets counted out myself every week",
    "rain-enough": "I've had enough of this rain, can someone bring turf",
    "mower-blade": "the blade on the lawnmower is broken, can a volunteer help",
    "pier-bus": "I'm on the pier in Belmullet, not going home till the last bus, can anyone give me a lift",
    "bridge-fixed": "dont bother ringing about the bridge, the council fixed it",
    "insulin-collect": "my son is on insulin, can someone collect it from the chemist",
    "smoke-alarm-battery": "the smoke alarm by the cooker keeps beeping, it's giving me a headache, can someone change the battery",
    "respite": "Dad has dementia and he's gone into respite for the week, can we get meals for mam",
    "curtains-eyes": "the curtains are closed all day because of her eyes, can someone do her shopping",
    "neighbours-noise": "my neighbours are always roaring at each other, can the council do anything about the noise",
    "water-nurse": "Mam isn't drinking enough water the nurse says, can someone bring her bottled water",
    # idioms, coping, hearsay and advice
    "killing-warm": "I'm killing myself trying to keep the house warm, need coal",
    "sorrows": "the lads drowned their sorrows after the match, then drowned my sorrows too haha",
    "burning-papers": "she's burning old papers in the range to keep warm, can we get turf",
    "facebook": "I saw on facebook that a woman collapsed in Tesco, does anyone know her",
    "gp-if": "my GP told me if I get dizzy again I should ring 999, just so you know",
    "hit-ditch": "since I hit the ditch last winter I don't drive, I need a lift to the eye clinic",
    "nurse-note": "the public health nurse left a note to get dressings from the chemist, can someone go",
    "gas-man": "smelt gas earlier but the gas man came out and said all is fine, thanks",
    # Irish look-alikes: reassurance, a sign-off, a trip, a caller, a question, a joke, a dose,
    # walking to the shop
    "ga-reassure": "Ná bíodh imní ort, tá an siopadóireacht déanta agam, slán",
    "ga-signoff": "Tabhair aire duit féin, go raibh maith agat as gach rud, slán",
    "ga-trip": "Tá gach rud socraithe agam don turas, beidh sé thart ar a trí",
    "ga-caller": "Tá duine ó Loch Measca ag glaoch orm gach seachtain",
    "ga-question": "An bhfuil aon duine ag deisiú an bhóthair, poill i ngach áit",
    "ga-joke": "bhí taom croí beag agam nuair a chonaic mé an praghas lol",
    "ga-dose": "ghlac mé mo phiollaí go léir ar maidin mar is gnách",
    "ga-burden-shop": "Ní maith liom a bheith i m'ualach ar aon duine, ach tá siopadóireacht ag teastáil uaim, slán",
    "ga-burden-thanks": "Níl uaim a bheith i m'ualach oraibh, grá mór daoibh, go raibh maith agaibh",
    "ga-insulin-bills": "Tá Daid ar insilín agus tá sé trína chéile faoi na billí, an bhféadfadh duine cabhrú",
    "ga-walk-shop": "tá tuile ar an mbóthar agus níl sí in ann siúl go dtí an siopa",
}


@pytest.mark.parametrize("text", SELF_HARM.values(), ids=list(SELF_HARM))
def test_selfharm5_veiled_self_harm_is_caught(text: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.intent == EMERGENCY
    assert result.emergency_kind == "self_harm"


@pytest.mark.parametrize("text", DANGER.values(), ids=list(DANGER))
def test_selfharm5_indirect_danger_is_caught(text: str, classifier: Classifier) -> None:
    assert classifier.classify(text).intent == EMERGENCY


@pytest.mark.parametrize("text", ORDINARY.values(), ids=list(ORDINARY))
def test_selfharm5_look_alike_is_not_an_emergency(text: str, classifier: Classifier) -> None:
    assert classifier.classify(text).intent != EMERGENCY
