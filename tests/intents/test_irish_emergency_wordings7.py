"""More Irish emergency wordings (irish3 branch): knocked down and silent, no breath at all,
sudden loss of walking or speech, fire in an outbuilding, no trace of someone, leaving the house
in the night, a door being broken in; habits with "bím" stay ordinary. Own wording."""

from __future__ import annotations

import pytest

from intents.classifier import Classifier


@pytest.mark.parametrize(
    "text",
    [
        "tá mo sheanathair leagtha sa chlós agus ní thagann focal as",
        "tá an leanbh gan aon anáil",
        "go tobann níl sí in ann labhairt ná seasamh",
        "tá tine sa bhothán in aice leis an teach",
        "níl aon tásc uirthi ó mhaidin inné",
        "níl fhios agam cá bhfuil m'athair, d'imigh sé i lár na hoíche",
        "tá daoine ag iarraidh an fhuinneog a bhriseadh",
        "tá sé ag cur fuil go trom",
    ],
)
def test_more_irish_emergencies(text: str, classifier: Classifier) -> None:
    assert classifier.classify(text).intent == "emergency", text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "bím gan anáil ag dul suas an staighre, an féidir le duine mo shiopadóireacht a dhéanamh?",
            "groceries",
        ),
        ("níl tásc ar bith ar an ola a d'ordaigh mé", "fuel_delivery"),
    ],
)
def test_irish_habits_and_things_stay_ordinary(
    text: str, expected: str, classifier: Classifier
) -> None:
    result = classifier.classify(text)
    assert result.intent == expected, (text, result.intent, result.intents)


@pytest.mark.parametrize(
    "text",
    [
        "tá sé ar intinn aige é féin a chur as an saol",
        "tá críoch a chur liom féin beartaithe agam",
        "d'fhág mé nóta ar an mbord, maithigí dom",
    ],
)
def test_more_irish_self_harm(text: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.emergency_kind == "self_harm", (text, result.intent)


@pytest.mark.parametrize(
    "text",
    [
        "táim ag smaoineamh críoch a chur leis an bhfál, an bhfuil grúpa deonach ann?",
        "scríobh mé litir chuig an gcomhairle faoin mbóthar",
        "ní mhairfidh an bainne i bhfad sa teas",
    ],
)
def test_irish_look_alikes_are_not_emergencies(text: str, classifier: Classifier) -> None:
    assert classifier.classify(text).intent != "emergency", text


def test_turning_blue_said_with_casadh(classifier: Classifier) -> None:
    assert classifier.classify("tá a liopaí ag casadh gorm").intent == "emergency"


@pytest.mark.parametrize(
    "text",
    ["nil se ag breathing ceart, help", "tá mé done leis an saol seo"],
)
def test_irish_mixed_with_english(text: str, classifier: Classifier) -> None:
    assert classifier.classify(text).intent == "emergency", text
