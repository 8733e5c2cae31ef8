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
        "tá an leanbh gan anáil",
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
        ("bím gan anáil ag dul suas an staighre, an féidir le duine mo shiopadóireacht a dhéanamh?",
         "groceries"),
        ("níl tásc ar bith ar an ola a d'ordaigh mé", "fuel_delivery"),
    ],
)
def test_irish_habits_and_things_stay_ordinary(
    text: str, expected: str, classifier: Classifier
) -> None:
    result = classifier.classify(text)
    assert result.intent == expected, (text, result.intent, result.intents)
