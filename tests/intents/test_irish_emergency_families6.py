"""Irish emergency wordings widened on the irish3 branch (word families, not messages): silence
("níl sí ag rá faic", "ní dhúisíonn sé"), breath ("ag tarraingt a anála"), stroke on a named
person ("tá stróc ar Mhamó"), a seizure ("i dtaom"), blood everywhere, a fall into water, a
stranger heard indoors, someone not home and not answering; and the ordinary look-alikes that
must stay ordinary. Wording here is this file's own, not a labelled set's.
"""

from __future__ import annotations

import pytest

from intents.classifier import Classifier

EMERGENCY = "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "thit Daideo sa halla agus níl sé ag rá focal",
        "fuair mé í sa chathaoir agus ní dhúisíonn sí",
        "nil se ag tarraingt a anala ar chor ar bith",
        "níl aon anáil aici, tar go tapa",
        "tá stróc ar mo dheirfiúr, tá a béal cam",
        "creidim go bhfuil stróc ag m'fhear",
        "tá m'iníon i dtaom arís agus níl sé ag stopadh",
        "tá sé ag crith ar an urlár agus ní thuigim é",
        "tá fuil ar fud na háite sa chistin",
        "ghearr sí í féin go domhain leis an scian aráin",
        "sciorr m'uncail isteach san abhainn ag an droichead",
        "thit an madra agus mo mhac isteach sa loch",
        "chuala mé coiscéimeanna thíos staighre agus tá mé i m'aonar",
        "níor tháinig m'iníon abhaile agus ní fhreagraíonn sí a fón póca",
        "níor fhill sé ón bpub, níl a fhios againn cá bhfuil sé",
    ],
)
def test_irish_emergency_wordings(text: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.intent == EMERGENCY, (text, result.intent, result.intents)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a habit, the past, a figure of speech: never the emergency reply
        (
            "thit sí isteach sa loch anuraidh agus ó shin teastaíonn síob uaithi chuig an dochtúir",
            "medical_transport",
        ),
        (
            "bhí stróc ar m'athair i bhfad ó shin, an féidir libh béile te a thabhairt dó?",
            "hot_meals",
        ),
        ("bhí sé i dtaom feirge inné", None),
        ("bíonn sé i dtaom casachta gach maidin, an féidir a chógas a bhailiú?", "prescriptions"),
        (
            "cloisim an teilifís thíos staighre gach oíche, ba bhreá liom comhrá le duine",
            "friendly_call",
        ),
    ],
)
def test_irish_look_alikes_stay_ordinary(
    text: str, expected: str | None, classifier: Classifier
) -> None:
    result = classifier.classify(text)
    assert result.intent != EMERGENCY, (text, result.intents)
    assert result.intent == expected, (text, result.intent, result.intents)


@pytest.mark.parametrize(
    "text",
    [
        "thit mo spéaclaí isteach sa loch inniu",
        "tá mé ag crith ar an urlár fuar, teastaíonn mála guail",
        "ghearr sé go domhain isteach san fhéar fada",
    ],
)
def test_things_in_water_shivering_and_cutting_grass_are_not_emergencies(
    text: str, classifier: Classifier
) -> None:
    assert classifier.classify(text).intent != EMERGENCY, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thit an scáthán sa seomra folctha, an bhfuil grúpa deonach a dheiseodh é?", False),
        ("tá mo sheanmháthair tite sa seomra folctha", True),
    ],
)
def test_a_fall_in_the_bathroom_needs_a_person(
    text: str, expected: bool, classifier: Classifier
) -> None:
    assert (classifier.classify(text).intent == EMERGENCY) is expected, text


def test_things_fallen_since_morning_are_not_emergencies(classifier: Classifier) -> None:
    assert (
        classifier.classify("thit an crann mór ó mhaidin, tá an bóthar dúnta").intent != EMERGENCY
    )
    assert classifier.classify("thit mo sheanathair ó mhaidin").intent == EMERGENCY
