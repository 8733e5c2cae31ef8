"""Irish: mutations and fadas set aside, Irish vocabulary matched with the English machinery,
Irish emergencies caught, Irish negation, and English left exactly as it was read before."""

from __future__ import annotations

import pytest

from intents.classifier import Classifier
from intents.frames import NegationFrames
from intents.irish import demutate, demutate_phrase, readings, strip_prefixes
from intents.message import ReadMessage
from intents.normalise import words
from intents.result import EMERGENCY
from intents.vocabulary import Vocabulary, VocabularyError


@pytest.mark.parametrize(
    ("word", "plain"),
    [
        pytest.param("bhfuil", "fuil", id="uru-bhf"),
        pytest.param("gcógas", "cógas", id="uru-gc"),
        pytest.param("mbéile", "béile", id="uru-mb"),
        pytest.param("dtí", "tí", id="uru-dt"),
        pytest.param("ngual", "gual", id="uru-ng"),
        pytest.param("bpoitigéir", "poitigéir", id="uru-bp"),
        pytest.param("ndinnéar", "dinnéar", id="uru-nd"),
        pytest.param("chógas", "cógas", id="seimhiu-ch"),
        pytest.param("shiopa", "siopa", id="seimhiu-sh"),
        pytest.param("fhear", "fear", id="seimhiu-fh"),
        pytest.param("tsiopadóireacht", "siopadóireacht", id="t-before-s"),
        pytest.param("tslí", "slí", id="t-before-sl"),
        pytest.param("tine", "tine", id="plain-t-vowel-kept"),
        pytest.param("naoi", "naoi", id="plain-n-vowel-kept"),
        pytest.param("ola", "ola", id="short-plain"),
    ],
)
def test_demutate(word: str, plain: str) -> None:
    assert demutate(word) == plain


@pytest.mark.parametrize(
    ("word", "form"),
    [
        pytest.param("tuisce", "uisce", id="t-prefix-without-hyphen"),
        pytest.param("hospideal", "ospideal", id="h-prefix-without-hyphen"),
        pytest.param("naonar", "aonar", id="n-prefix-without-hyphen"),
        pytest.param("beili", "beile", id="plural-i"),
        pytest.param("cuairteanna", "cuairt", id="plural-eanna"),
        pytest.param("oibrithe", "oibri", id="plural-the"),
    ],
)
def test_readings_offer_the_plain_form(word: str, form: str) -> None:
    assert form in readings(word)


def test_hyphen_prefixes_and_elision_are_removed_before_folding() -> None:
    assert strip_prefixes("an t-ospidéal, na h-oibre, ina n-aonar") == "an ospidéal, na oibre, ina aonar"
    assert strip_prefixes("m'athair, d'fhéach, b'fhéidir") == "athair, fhéach, fhéidir"
    assert words("I'd say it's a T-shirt, x-ray") == ["id", "say", "its", "a", "t", "shirt", "x", "ray"]


def test_vocabulary_entries_are_demutated_word_by_word_keeping_borrowings() -> None:
    assert demutate_phrase("mo chógas + ón bpoitigéir | ón gceimiceoir") == (
        "mo cógas + ón poitigéir | ón ceimiceoir"
    )
    assert demutate_phrase("m'fhear céile") == "fear céile"
    assert demutate_phrase("pian sa chest", keep={"chest"}) == "pian sa chest"


# Each group: the plain word and mutated, prefixed and fada-less forms must route the same.
FORMS = {
    "prescriptions": ["cógas", "mo chógas", "ár gcógas", "cogas", "mo chogas", "oideas", "an t-oideas",
                      "an toideas", "ón bpoitigéir", "ón phoitigéir", "on bpoitigeir"],
    "hot_meals": ["béile te", "beile te", "dinnéar", "mo dhinnéar", "ár ndinnéar", "béilí", "beili"],
    "groceries": ["siopadóireacht", "an tsiopadóireacht", "an tsiopadoireacht", "siopadoireacht",
                  "earraí grósaera", "earrai grosaera"],
    "fuel_delivery": ["gual", "mála guail", "ár ngual", "mo ghual", "móin", "an mhóin", "moin"],
    "friendly_call": ["uaigneas", "an t-uaigneas", "an tuaigneas", "uaigneach", "an-uaigneach"],
    "medical_transport": ["síob go dtí an t-ospidéal", "síob go dtí an tospidéal",
                          "siob go dti an t-ospideal", "síob", "shíob", "coinne san ospidéal",
                          "síob go hOspidéal Mhaigh Eo", "coinne i gclinic"],
    "volunteer_groups": ["obair dheonach", "obair deonach", "grúpa deonach", "ngrúpa deonach"],
}


@pytest.mark.parametrize(
    ("text", "service"),
    [pytest.param(t, s, id=f"{s}:{t}") for s, forms in FORMS.items() for t in forms],
)
def test_mutated_unmutated_and_fada_less_forms_route_the_same(
    text: str, service: str, classifier: Classifier
) -> None:
    result = classifier.classify(text)
    assert result.intent == service, (result.scores, result.evidence)


@pytest.mark.parametrize(
    ("word", "key"),
    [
        pytest.param("the", "the", id="the-is-not-te"),
        pytest.param("hour", "hour", id="hour-is-not-our"),
        pytest.param("shopping", "shop", id="shopping-is-not-sopping"),
        pytest.param("phone", "phon", id="phone-is-not-pone"),
        pytest.param("chemist", "chemist", id="chemist-is-not-cemist"),
    ],
)
def test_english_words_are_never_demutated(word: str, key: str, classifier: Classifier) -> None:
    assert ReadMessage.read(word, classifier._lexicon).keys == (key,)


def test_english_slips_are_not_corrected_into_irish_words(classifier: Classifier) -> None:
    # "parcel" is two letters from the Irish "páirceáil" (parking): English slips aim at English.
    assert classifier.classify("food parcel").intent == "groceries"


# Emergencies in Irish, in wording that is in no labelled set (both ways).
IRISH_DANGER = [
    "Tá tine sa teach",
    "níl sé ag freagairt",
    "ta tine sa chistin agus ta deatach i ngach ait",
    "thit m'athair sa gharraí agus ní féidir leis éirí",
    "tá Mamó ina luí ar an urlár agus níl sí ag bogadh",
    "níl sé ag análú i gceart agus tá a liopaí ag dul gorm",
    "tá an leanbh ag tachtadh ar rud éigin",
    "pian an-mhór ina ucht, tá sé ag cur allais",
    "tá béal Dhaid ag titim ar thaobh amháin",
    "boladh gáis láidir sa halla",
    "tá duine ag briseadh isteach an doras cúil",
    "tá sé ag bagairt orm le scian",
    "tá m'uncail ar iarraidh ó aréir, tá néaltrú air",
    "shlog sí paicéad iomlán piollaí",
    "tá sé ag cur fola go dona óna cheann",
    "otharcharr láithreach le do thoil",
    "stróc",
    "ta tuile sa teach agus ta Daid gafa thuas staighre",
]
IRISH_SELF_HARM = [
    "Ba mhaith liom bás a fháil",
    "níl mé ag iarraidh a bheith beo níos mó",
    "ba mhaith liom deireadh a chur le mo shaol",
    "tá mé chun lámh a chur i mo bhás féin",
    "bheadh gach duine níos fearr as gan mé",
    "níl aon chúis agam le maireachtáil",
    "slán go deo libh go léir",
    "tá mé tuirseach den saol seo",
]
IRISH_ORDINARY = {
    "fire-for-the-hearth": ("níl tada le cur ar an tine, an bhfuil móin agaibh?", "fuel_delivery"),
    "fire-is-out": ("tá an tine as agus níl gual fágtha", "fuel_delivery"),
    "past-heart-attack": ("bhí taom croí aige anuraidh, teastaíonn síob chuig an gclinic", "medical_transport"),
    "past-stroke": ("ó bhí an stróc aici ní féidir léi cócaráil", "hot_meals"),
    "past-fall": ("thit mé an geimhreadh seo caite agus bhris mé mo chromán, teastaíonn siopadóireacht", "groceries"),
    "dead-tired": ("tá mé marbh tuirseach, an ndéanfadh duine an tsiopadóireacht?", "groceries"),
    "killing-me": ("tá mo chosa do mo mharú, an bhfuil síob ar fáil go dtí an clinic?", "medical_transport"),
    "blood-pressure": ("piollaí brú fola ón gceimiceoir", "prescriptions"),
    "fell-asleep": ("thit mé i mo chodladh agus níor ith mé aon bhéile", "hot_meals"),
    "emergency-food": ("an bhfuil soláthar bia éigeandála ann?", "groceries"),
    "smoke-alarm": ("aláram deataigh nua don teach", None),
    "collected-all-the-pills": ("thóg mé na piollaí go léir ón bpoitigéir inné", "prescriptions"),
    "snow-fell": ("thit an sneachta go trom, an ndéanfadh duine an tsiopadóireacht?", "groceries"),
    "a-cat-astray": ("tá an cat imithe ar strae, an bhfuil bia cait agaibh?", "groceries"),
    "lit-fire": ("tá an tine ar lasadh ach tá an mhóin ag éirí gann", "fuel_delivery"),
    "thanks-and-bye": ("go raibh maith agaibh as gach rud, slán", None),
}


@pytest.mark.parametrize("text", IRISH_DANGER)
def test_irish_danger_is_caught(text: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.intent == EMERGENCY and result.emergency_kind == "danger", result.evidence


@pytest.mark.parametrize("text", IRISH_SELF_HARM)
def test_irish_self_harm_is_caught(text: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.intent == EMERGENCY and result.emergency_kind == "self_harm", result.evidence


@pytest.mark.parametrize("text,expect", IRISH_ORDINARY.values(), ids=list(IRISH_ORDINARY))
def test_irish_figures_of_speech_and_past_events_are_not_emergencies(
    text: str, expect: str | None, classifier: Classifier
) -> None:
    result = classifier.classify(text)
    assert result.intent == expect, (result.intent, result.evidence)


IRISH_NEGATION = {
    "nil-X-uaim": ("níl siopadóireacht uaim, cógas atá uaim", "prescriptions"),
    "nil-X-ag-teastail": ("níl an gual ag teastáil, ach ba bhreá liom béile te", "hot_meals"),
    "ni-theastaionn": ("ní theastaíonn an dinnéar uaidh, glaoch cairdiúil atá uaidh", "friendly_call"),
    "nil-ga-le": ("níl aon ghá le siopadóireacht, teastaíonn síob chuig an dochtúir", "medical_transport"),
    "ni-he": ("ní hé an bia atá uaim ach móin", "fuel_delivery"),
    "na-bac": ("ná bac leis an gcógas, béilí atá uainn", "hot_meals"),
    "seachas": ("seachas an tsiopadóireacht, an bhfuil síob ar fáil?", "medical_transport"),
    "only": ("níl uaim ach oideas a bhailiú", "prescriptions"),
    "sorted": ("tá an tsiopadóireacht socraithe ag m'iníon, ach tá uaigneas orm", "friendly_call"),
    "need-not-negation": ("níl mé in ann cócaráil níos mó", "hot_meals"),
    "no-food-is-a-need": ("níl aon bhia sa teach", "groceries"),
    "a-break-ends-the-frame": ("níl carr agam agus tá cógas uaim", "prescriptions"),
}


@pytest.mark.parametrize("text,expect", IRISH_NEGATION.values(), ids=list(IRISH_NEGATION))
def test_irish_negation(text: str, expect: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.intents == (expect,), (result.scores, result.evidence)


def test_an_irish_offer_of_help_goes_to_volunteer_groups(classifier: Classifier) -> None:
    # "mé" is a pronoun here, not the English possessive "me" ("me tablets").
    text = "tá mé sásta cógais a thabhairt chuig daoine sa cheantar"
    assert classifier.classify(text).intent == "volunteer_groups"
    assert classifier.classify("An féidir le hoibrí deonach mo chógas a bhailiú?").intent == (
        "prescriptions"
    )


def test_a_message_in_irish_has_its_slips_corrected_towards_irish_words(
    classifier: Classifier,
) -> None:
    assert classifier.classify("an bhfuil siopadoreacht ar fail").intent == "groceries"


def test_negation_frames_cancel_what_they_wrap(classifier: Classifier) -> None:
    frames = NegationFrames(["nil | ni + ag teastail | uaim"], ["nil me in ann"], ["ach"], 4)
    read = ReadMessage.read("nil an tsiopadoireacht ag teastail", classifier._lexicon)
    assert frames.negated_positions(read) == frozenset({1, 2, 3, 4})
    read = ReadMessage.read("nil me in ann siopadoireacht uaim", classifier._lexicon)
    assert frames.negated_positions(read) == frozenset()
    read = ReadMessage.read("nil carr ach cogas uaim", classifier._lexicon)
    assert frames.negated_positions(read) == frozenset()


def test_irish_blocks_are_validated_with_their_key_paths() -> None:
    services = [{"id": "a", "phrases": ["x"], "irish": {"phrases": ["mo chógas"], "focail": []}}]
    language = {"irish": {"negation_frames": ["níl"], "liosta": [], "stop_words": "agus"}}
    with pytest.raises(VocabularyError) as caught:
        Vocabulary.from_mapping(services, language)
    paths = {".".join(str(p) for p in path) for path, _ in caught.value.problems}
    assert paths == {
        "services.0.irish.focail",
        "language.irish.liosta",
        "language.irish.negation_frames.0",
        "language.irish.stop_words",
    }


def test_irish_vocabulary_is_read_into_its_own_fields(config: dict[str, object]) -> None:
    services = config["services"]
    language = config["language"]
    assert isinstance(services, list) and isinstance(language, dict)
    vocabulary = Vocabulary.from_mapping(services, language)
    assert all(service.irish.keywords for service in vocabulary.services)
    irish = vocabulary.language.irish
    assert irish.emergency.danger and irish.emergency.self_harm and irish.negation_frames
    assert "Béal an Átha" in irish.place_names


# ---- small talk in Irish (issue 18: the bot answers it in Irish) -------------------------------
@pytest.mark.parametrize(
    ("text", "act"),
    [
        ("Dia duit", "greeting"),
        ("Dia dhuit", "greeting"),
        ("go raibh míle maith agat", "thanks"),
        ("slán go fóill", "goodbye"),
        ("An róbat thú?", "robot"),
        ("An bhfuil aon duine ann?", "anyone_there"),
        ("An bhfuil sibh ar oscailt anois?", "open_now"),
        ("cén uimhir", "number"),
        ("Ba mhaith liom labhairt le duine", "talk_to_person"),
        ("ceart go leor", "acknowledgement"),
    ],
)
def test_irish_small_talk_is_the_same_act(classifier: Classifier, text: str, act: str) -> None:
    found = classifier.classify(text)
    assert (found.act, found.language, found.intent) == (act, "ga", None)


@pytest.mark.parametrize(
    "text",
    ["Ba mhaith liom bás a fháil", "Dia duit, tá béile te uaim", "Go raibh maith agat, ba mhaith liom béile te"],
)
def test_irish_acts_never_hide_a_request_or_an_emergency(classifier: Classifier, text: str) -> None:
    """Irish act words are Irish words: they do not join the English lexicon, where "mhaith"
    would stop being read as "maith" and "ba mhaith liom bás a fháil" would slip through."""
    found = classifier.classify(text)
    assert found.act is None and (found.is_emergency or found.intents), found


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Cathain a bhailítear an bruscar?", "council"),
        ("An bhfaighidh mé vacsaín covid?", "covid"),
        ("Fuair mé glao amhrasach ón gcomhairle ag lorg sonraí bainc", "scam"),
        ("Tá mé i mo chónaí lasmuigh de Mhaigh Eo", "outside_mayo"),
    ],
)
def test_irish_other_matters_are_the_same_topic(classifier: Classifier, text: str, topic: str) -> None:
    found = classifier.classify(text)
    assert (found.topic, found.language, found.intent) == (topic, "ga", None)


def test_an_irish_act_must_be_an_english_act() -> None:
    services = [{"id": "a", "phrases": ["x"]}]
    language = {"acts": {"greeting": ["hello"]}, "irish": {"acts": {"beannacht": ["dia duit"]}}}
    with pytest.raises(VocabularyError) as caught:
        Vocabulary.from_mapping(services, language)
    [(path, message)] = caught.value.problems
    assert path == ("language", "irish", "acts", "beannacht") and "greeting" in message
