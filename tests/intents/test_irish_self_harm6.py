"""Self-harm said indirectly in Irish (irish3 branch): a wish for death or not to wake, no point
in living, unable to go on, tired of life, a plan to end it, "they'd be better off"; and the
ordinary sentences that share their words. Wording here is this file's own.
"""

from __future__ import annotations

import pytest

from intents.classifier import Classifier


@pytest.mark.parametrize(
    "text",
    [
        "is cuma liom má fhaighim bás anocht",
        "níor mhiste liom a bheith marbh",
        "guím nach ndúiseoidh mé",
        "ba bhreá liom dul a chodladh agus gan dúiseacht choíche",
        "cén mhaith dom a bheith beo",
        "nil aon chiall le mo shaol",
        "níl fáth ar bith le maireachtáil níos mó",
        "nílim in ann leanúint ar aghaidh",
        "tá mé bréan de bheith beo",
        "beidh mé marbh roimh maidin",
        "b'fhearr do chách gan mé",
        "tá sé socraithe agam deireadh a chur liom féin",
        "ba mhian liom bás",
    ],
)
def test_indirect_irish_self_harm(text: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.intent == "emergency" and result.emergency_kind == "self_harm", (
        text,
        result.intent,
        result.emergency_kind,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "fuair mo dheartháir bás anuraidh agus ba mhaith liom duine le labhairt leis",
            "friendly_call",
        ),
        (
            "níl aon chiall leis an mbus sin, an bhfuil síob chuig an ospidéal ann?",
            "medical_transport",
        ),
        (
            "ní féidir liom leanúint ar aghaidh leis an móin a iompar, an féidir í a sheachadadh?",
            "fuel_delivery",
        ),
        (
            "ba mhaith liom imeacht ar cuairt chuig mo dheirfiúr agus gan teacht ar ais go Luan",
            None,
        ),
        ("tá súil agam nach ndúiseoidh mé an leanbh", None),
        ("ba mhaith le m'athair bás a fháil sa bhaile seachas san ospidéal", None),
        ("bhí m'uncail ar iarraidh sa chogadh", None),
    ],
)
def test_irish_look_alikes_are_not_self_harm(
    text: str, expected: str | None, classifier: Classifier
) -> None:
    result = classifier.classify(text)
    assert result.intent != "emergency", (text, result.emergency_kind)
    assert result.intent == expected, (text, result.intent, result.intents)


@pytest.mark.parametrize(
    "text",
    [
        "is mian liom imeacht as an saol",
        "ba bhreá liom éirí as an saol ar fad",
        "nílim ag iarraidh leanúint, tá gach rud dubh",
        "tá m'iníon á gearradh féin arís",
        "bíonn sé ag gortú é féin nuair a bhíonn sé ina aonar",
    ],
)
def test_leaving_life_and_hurting_oneself(text: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.emergency_kind == "self_harm", (text, result.intent, result.intents)


def test_going_on_with_a_task_is_not_self_harm(classifier: Classifier) -> None:
    text = "nílim ag iarraidh leanúint leis an gcócaráil, ba mhaith liom béilí te a fháil"
    result = classifier.classify(text)
    assert result.intent == "hot_meals", (result.intent, result.emergency_kind)


@pytest.mark.parametrize(
    "text",
    [
        "ba bhreá liom codladh go maidin gan dúiseacht, an bhfuil duine a labhródh liom?",
        "b'fhearr liom gan dúiseacht ag a cúig gach lá",
    ],
)
def test_sleeping_through_the_night_is_not_self_harm(text: str, classifier: Classifier) -> None:
    assert classifier.classify(text).intent != "emergency", text
