"""Issue 13 section 2: emergencies described indirectly, in English and Irish, and the ordinary
messages that only sound like them.

Every wording here is the safety engineer's own (none is copied from a labelled set), one or
more per kind of emergency the round-3 blind sets missed: not responding, breathing, choking,
stroke signs, chest pain, overdose and poisoning, anaphylaxis, gas, suicidal statements and
goodbyes, a missing vulnerable person, Irish falls, chest pain and bleeding. The false alarms
cover the past, figures of speech, "emergency" as an adjective or an unmet need, negated danger,
news, names, scams and "can't take any more time off". The rules behind them (negators, declared
emergencies, cue entries in not_emergency, one wording per part, Irish families) are tested
alone at the end with a small vocabulary, so each test can fail for one reason.
"""

from __future__ import annotations

from typing import Any

import pytest

from intents.classifier import Classifier
from intents.result import EMERGENCY
from intents.vocabulary import Vocabulary

DANGER = {
    # not responding, unconscious, a welfare concern
    "still-silent": "my wife went very still in the chair and won't answer me",
    "floor-silent": "she's lying on the kitchen floor and not talking to me",
    "bed-no-answer": "grandad is propped up in the bed and he isn't answering me at all",
    "confused-drowsy": "dad is not making any sense and I can barely wake him",
    "eyes-open": "her eyes are open but she's not responding to anything I say",
    "hard-to-wake": "my partner is very hard to wake and his breathing is odd",
    "curtains-door": "the woman across the road always opens her curtains and they've been shut since Monday, no answer at the door",
    "post-piling": "there's post piling up behind old Tom's door and he won't answer when we knock",
    "not-seen": "the man next door hasnt been out in 3 days and his curtains are still pulled, hes 85",
    # breathing
    "barely-type": "I can barely breathe, I can hardly type this",
    "no-breath": "his inhaler isn't working and he has no breath at all",
    "rattling-blue": "mam's breathing is slow and rattling and her fingertips are going blue",
    "shallow-confused": "grandad is breathing very fast and shallow and he's very confused",
    "no-air": "he can't get any air in, he's panicking",
    # choking
    "wrong-way": "a bit of apple went down the wrong way and she can't get any air",
    "throat-no-sound": "he's clutching at his throat and no sound is coming out",
    # stroke signs
    "smile-lopsided": "her smile has gone lopsided and her words are slurred",
    "smile-arm": "he can't smile properly and his right arm has gone weak",
    "arm-sudden": "my husband's arm went weak all of a sudden",
    "words-face": "mam's words are coming out all wrong and her face looks crooked",
    # chest pain now
    "chest-elephant": "it's like an elephant on my chest and I'm sweating",
    # overdose and poisoning: an emergency wins over prescriptions
    "empty-box": "found an empty box of sleeping tablets beside her and she's barely awake",
    "whole-packet": "he's after taking the whole packet of his painkillers",
    "baby-tablets": "the baby swallowed a few of nana's heart tablets",
    "bleach-sink": "my little girl drank some of the bleach from under the sink",
    "washing-pod": "the toddler chewed a washing pod and he's coughing",
    # anaphylaxis
    "wasp-lips": "he was stung by a wasp and his lips are swelling up",
    "peanut-throat": "she's allergic to peanuts, ate a biscuit and now her throat is closing",
    "epipen-hives": "gave him the epipen and it hasn't worked, he's covered in hives",
    "prawns-wheeze": "her face is puffing up after the prawns and she's wheezing",
    # gas and carbon monoxide
    "rings-left-on": "the gas rings were left on without a flame overnight and we all have pounding headaches",
    "fumes-family": "the boiler is giving off fumes and the whole family feels sick and dizzy",
    "hob-hissing": "smell of gas in the kitchen and the hob is hissing",
    # a missing vulnerable person
    "dementia-dark": "my father has dementia and went out for a walk at lunchtime, he's not back and it's dark now",
    "alzheimers-nightie": "nan has alzheimers and slipped out of the house in her nightie hours ago",
    # falls, bleeding, water
    "roof-blood": "he fell off the roof and there's blood coming from his head",
    "slurry": "a calf broke loose and my son fell into the slurry pit",
    # the figures of speech above must not hide these
    "gasping-then-dinner": "he's gasping, I was trying to give him his dinner",
    "ambulance-to-hospital": "please send an ambulance to take him to hospital",
    "smoke-then-gasping": "I'm gasping, the smoke is everywhere",
    # Irish
    "ga-stopped-breathing": "Stop sé ag análú go tobann",
    "ga-cant-breathe-blue": "Ní féidir léi análú, tá sí ag dul gorm",
    "ga-fall-lift": "Thit Daid sa chistin agus níl sé in ann é féin a ardú ón urlár",
    "ga-fall-long": "Thit Mamó amuigh sa gharraí tráthnóna agus tá sí fós ann, níl sí in ann í féin a thógáil",
    "ga-chest-sweat": "Tá pian mhór ina chliabhrach agus tá sé ag cur allais go trom",
    "ga-blood-floor": "Tá fuil ar fud an urláir agus ní stopfaidh sé",
    "ga-floor-silent": "Fuair mé Daideo sínte ar an urlár agus ní deir sé tada",
    "ga-stairs-wake": "Tá Daid ag bun an staighre agus ní dhúiseoidh sé",
    "ga-child-tablets": "Shlog an páiste cúpla piolla de mo chuid",
    "ga-dementia-dark": "Tá néaltrú ar Mham agus d'imigh sí amach ag siúl, tá sé ag éirí dorcha",
    "ga-neighbour": "Tá na cuirtíní dúnta le cúpla lá agus níl sé ag oscailt an dorais",
    "ga-not-seen": "Níl mo chomharsa feicthe le seachtain agus tá an post ag carnadh",
    "ga-not-home-dark": "Níor tháinig Daid abhaile, tá néaltrú air agus tá sé dorcha",
}
SELF_HARM = {
    "love-after-tonight": "please let my mother know I love her. I won't be around after tonight",
    "harbour": "heading to the harbour now, I'm not coming back",
    "letters-dog": "I've left letters for the children on the table, please make sure someone takes the dog",
    "last-message": "this is my last message to anyone. bye",
    "sorry-love-phone-off": "she sent a text saying sorry for everything, she loves us all, and her phone has been off since",
    "cliff": "I've made my decision, going off the cliff tonight",
    "not-around-anymore": "nobody will have to worry about me, I won't be around much longer",
    "storing-tablets": "I've been storing my tablets for a month and tonight's the night",
    "ga-cliff": "Táim ag siúl amach go dtí an aill agus ní thiocfaidh mé ar ais",
    "ga-last-message": "Seo an teachtaireacht dheireanach, slán libh go léir",
    "ga-cut-himself": "Tá sé tar éis é féin a ghearradh",
}
HIDDEN = {
    "lift-then-tablets": "can I get a lift to physio next week? also my son has just swallowed a load of my tablets",
    "groceries-then-face": "re the grocery order, my dad's face has just dropped on one side",
    "oil-then-baby": "quick q about the oil delivery, also the baby just swallowed some of my iron tablets",
    "ga-prescription-then-faint": "An féidir libh mo chógas a bhailiú? Thit Daid i laige anois",
}
ORDINARY = {
    # the past
    "heart-attack-summer": ("he had a heart attack in the summer and can't drive to the clinic now", "medical_transport"),
    "ga-month": ("Bhí taom croí air i mí Iúil agus teastaíonn síob uaidh chuig an gclinic", "medical_transport"),
    # figures of speech
    "heart-attack-bill": ("the gas bill nearly gave me a heart attack", None),
    "gasping-dinner": ("gasping for a decent dinner, any chance", "hot_meals"),
    # "emergency" as an adjective or an unmet need: the service, led with 112/999
    "bare-presses": ("the cupboards are bare, this is an emergency, nothing for the children", "groceries"),
    "no-oil": ("its an emergency, no heat and no oil", "fuel_delivery"),
    # negated danger
    "no-smell": ("no smell of gas or anything, the cooker just won't light, can I get a dinner", "hot_meals"),
    "drains-not-gas": ("it was the drains not gas", None),
    "no-fire": ("there's no fire, the heater is broken and we need coal", "fuel_delivery"),
    "ga-no-fire": ("Níl splanc tine agam ó inné, níl móin ar bith fágtha", "fuel_delivery"),
    # news, names, scams
    "news": ("was there a fire on the Main Street last night? just wondering", None),
    "scam": ("there was a text saying the council needs my bank details today, it's an emergency", None),
    # not self-harm
    "time-off": ("I can't take any more time off to bring dad to dialysis", "medical_transport"),
    "away-next-week": ("I won't be around next week so no dinners please", "hot_meals"),
    "gone-thursday": ("I'll be gone to my daughter's on Thursday, no need to ring", None),
    "dog-in-hospital": ("I've made my will and need someone to mind the dog while I'm in hospital", None),
    "not-responding-letters": ("she's not responding to letters from the council about the house", None),
    # routine requests with alarming words
    "allergy-meals": ("he's allergic to nuts so no nuts in the meals please", "hot_meals"),
    "child-ate-dinner": ("the baby ate all her dinner, I just need nappies and milk dropped out", "groceries"),
}


# Not emergencies, whatever else they are (the service is not what these test).
NOT_EMERGENCY = {
    "heart-stopped-bill": "my heart stopped when I saw the oil bill",
    "band": "my nephew is in a band called Heart Attack, could they volunteer at the day centre",
    "ambulance-transfer": "the hospital is sending an ambulance to bring him home on Friday",
    "ga-news": "An raibh tine i mBéal an Átha aréir? Chuala mé faoi ar an raidió",
    "ga-hearsay-stroke": "Bhí stróc air i mí Feabhra agus tá sé ag siúl arís anois",
    "hospital-with-stroke": "he was in hospital with a stroke, he's home now and needs meals",
    "not-a-heart-attack": "it's not a heart attack, the doctor says it's indigestion",
}


@pytest.mark.parametrize("text", DANGER.values(), ids=list(DANGER))
def test_indirect_danger_is_an_emergency(classifier: Classifier, text: str) -> None:
    result = classifier.classify(text)
    assert (result.intent, result.emergency_kind) == (EMERGENCY, "danger"), result.evidence


@pytest.mark.parametrize("text", SELF_HARM.values(), ids=list(SELF_HARM))
def test_goodbyes_and_last_wishes_get_the_self_harm_reply(classifier: Classifier, text: str) -> None:
    result = classifier.classify(text)
    assert (result.intent, result.emergency_kind) == (EMERGENCY, "self_harm"), result.evidence


@pytest.mark.parametrize("text", HIDDEN.values(), ids=list(HIDDEN))
def test_an_emergency_inside_a_routine_request_wins(classifier: Classifier, text: str) -> None:
    result = classifier.classify(text)
    assert result.intent == EMERGENCY and result.intents == ()


@pytest.mark.parametrize(("text", "expect"), ORDINARY.values(), ids=list(ORDINARY))
def test_sounds_alarming_but_is_not_an_emergency(
    classifier: Classifier, text: str, expect: str | None
) -> None:
    result = classifier.classify(text)
    assert result.intent == expect, result.evidence


@pytest.mark.parametrize("text", NOT_EMERGENCY.values(), ids=list(NOT_EMERGENCY))
def test_not_an_emergency(classifier: Classifier, text: str) -> None:
    result = classifier.classify(text)
    assert not result.is_emergency, result.evidence


def test_a_declared_emergency_beside_a_request_still_leads_with_112(classifier: Classifier) -> None:
    result = classifier.classify("the cupboards are bare, this is an emergency, nothing for the children")
    assert result.possible_emergency
    assert result.evidence["possible_emergency"] == ("this is an emergency",)


def test_a_declared_emergency_alone_is_the_emergency_reply(classifier: Classifier) -> None:
    for text in ("this is an emergency", "its an emergency please help", "Is éigeandáil é"):
        assert classifier.classify(text).intent == EMERGENCY, text


def test_a_scam_that_says_emergency_is_the_scam_topic(classifier: Classifier) -> None:
    result = classifier.classify("there was a text saying the council needs my bank details today, it's an emergency")
    assert (result.intent, result.topic) == (None, "scam")


# -- the rules alone, with a small vocabulary ------------------------------------------------

SERVICES: list[dict[str, Any]] = [
    {"id": "groceries", "phrases": ["need shopping"], "keywords": {"shopping": 1.0}},
    {"id": "fuel_delivery", "phrases": ["need coal"], "keywords": {"coal": 1.0}},
]


def _small(emergency: dict[str, Any], **language: Any) -> Classifier:
    emergency = {"danger": ["collapsed"], **emergency}
    return Classifier(Vocabulary.from_mapping(SERVICES, {"emergency": emergency, **language}))


def test_a_negator_just_before_an_alarm_denies_it() -> None:
    c = _small({"danger": ["gas + smell | leak"], "negators": ["no", "not"], "negator_links": ["or"]},
               filler_words=["a", "the", "any"])
    assert c.classify("I smell gas").is_emergency
    assert not c.classify("gas bottle is empty, no smell or leak").is_emergency
    assert not c.classify("the smell was the bins not gas").is_emergency
    assert c.classify("not sure what to do, I smell gas").is_emergency  # "not" before "sure"


def test_an_entrys_own_negation_is_not_a_denial() -> None:
    c = _small({"danger": ["not | no + breathing"], "negators": ["not"]})
    assert c.classify("he is not breathing").is_emergency


def test_self_harm_is_never_denied() -> None:
    c = _small({"self_harm": ["want to die"], "negators": ["not", "dont"]})
    result = c.classify("I dont want to die alone")  # still the Samaritans reply: ask, never assume
    assert result.emergency_kind == "self_harm"


def test_declared_entries_give_way_to_a_service_and_lead_with_112() -> None:
    c = _small({"declared": ["its an emergency"]})
    assert c.classify("its an emergency").is_emergency
    result = c.classify("its an emergency, I need shopping")
    assert (result.intent, result.possible_emergency) == ("groceries", True)


def test_not_emergency_may_be_a_cue_entry_and_explains_only_the_words_it_ends() -> None:
    c = _small(
        {"danger": ["gasping", "gasping for air"], "not_emergency": ["gasping ... <treat>"]},
        families={"treat": ["dinner", "tea"]},
    )
    assert not c.classify("gasping for a dinner").is_emergency
    assert c.classify("gasping for air, I gave him tea").is_emergency


def test_one_wording_never_stands_for_two_parts() -> None:
    c = _small(
        {"self_harm": ["~ <goodbye> + ~ <ending>"]},
        families={"goodbye": ["said my goodbyes", "goodbye"], "ending": ["said my goodbyes", "tonight"]},
    )
    assert not c.classify("I said my goodbyes to the old house when we moved").is_emergency
    assert c.classify("I said my goodbyes, tonight is the night").is_emergency


def test_irish_families_are_read_like_irish_entries() -> None:
    irish = {
        "families": {"ga_thit": ["thit sé"], "ga_ciuin": ["ní deir sé faic"]},
        "emergency": {"danger": ["<ga_thit> + <ga_ciuin>"]},
    }
    c = _small({}, irish=irish)
    # "thit sé" is stored as "tit sé" and met by the message's "Thit", demutated the same way
    assert c.classify("Thit sé agus ní deir sé faic").is_emergency
    assert not c.classify("Thit sé ach tá sé ag caint anois").is_emergency


def test_an_irish_family_may_not_reuse_an_english_name() -> None:
    from intents.vocabulary import VocabularyError

    with pytest.raises(VocabularyError, match="already a family"):
        _small(
            {},
            families={"down": ["fell"]},
            irish={"families": {"down": ["thit"]}, "emergency": {"danger": ["<down>"]}},
        )


def test_hearsay_before_an_alarm_that_shares_a_word_with_it() -> None:
    c = _small({"danger": ["theres a fire"], "past_time_before": ["was there a"]})
    assert c.classify("theres a fire").is_emergency
    assert not c.classify("was there a fire on Main Street last night").is_emergency


def test_a_negator_reaches_across_the_words_of_another_alarm() -> None:
    # "attack" alone is an alarm (an assault) and also the end of "heart attack"
    c = _small({"danger": ["heart attack", "attacked"], "negators": ["not"]}, filler_words=["a"])
    assert c.classify("I think he was attacked").is_emergency
    assert not c.classify("it's not a heart attack, the doctor says indigestion").is_emergency
