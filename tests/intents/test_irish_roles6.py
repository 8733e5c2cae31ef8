"""Irish questions about what is offered to people ask for it; offering it stays an offer
(irish3 branch). Wording here is this file's own."""

from __future__ import annotations

import pytest

from intents.classifier import Classifier


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("an bhfuil dinnéir te ar fáil do dhaoine atá ina n-aonar?", "hot_meals"),
        ("an mbíonn siopadóireacht ann do sheandaoine i gCill Alaidh?", "groceries"),
        ("an bhfuil síob ar fáil do dhaoine gan charr chuig an ospidéal?", "medical_transport"),
        # offers, with the same words
        (
            "ba bhreá liom cuidiú, d'fhéadfainn dinnéir a chur ar fáil do sheandaoine",
            "volunteer_groups",
        ),
        ("táim sásta síob a chur ar fáil do dhaoine sa cheantar", "volunteer_groups"),
        # a request that uses the offer's wording is still a request
        ("an féidir libh dinnéar a chur ar fáil do mo mháthair?", "hot_meals"),
    ],
)
def test_irish_request_or_offer(text: str, expected: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.intent == expected, (text, result.intent, result.intents)
