"""Irish service wordings and emergencies widened on the irish3 branch: the conditional "a
ghlaofadh orm" and a phone friend for a friendly call, "mé a thiomáint" and the health centre for
transport; a child lost in a crowd, someone with dementia not in the house, nobody has seen
someone, a house burning ("ag dó"). Wording here is this file's own."""

from __future__ import annotations

import pytest

from intents.classifier import Classifier


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ar mhiste le duine a ghlaofadh orm ó am go ham?", "friendly_call"),
        ("ba bhreá le m'aintín cara gutháin", "friendly_call"),
        (
            "an mbeadh duine in ann mé a thiomáint go dtí an t-ionad sláinte Dé hAoine?",
            "medical_transport",
        ),
        ("chaill mé an leanbh san ollmhargadh, ní féidir liom í a fháil", "emergency"),
        ("tá Alzheimers ar mo sheanmháthair agus d'imigh sí, níl sí le fáil", "emergency"),
        ("ní fhaca éinne mo chomharsa ó aréir agus tá na cuirtíní dúnta", "emergency"),
        ("tá an díon ag dó, tar go tapa", "emergency"),
        # look-alikes
        ("chaill mé mo bhean chéile i mbliana agus ba mhaith liom comhrá", "friendly_call"),
        (
            "tá néaltrú ar mo mháthair agus níl sí sa teach lae inniu, an féidir béile te a chur chuici?",
            "hot_meals",
        ),
    ],
)
def test_irish_wordings(text: str, expected: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.intent == expected, (text, result.intent, result.intents)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "níl mé ag lorg X": Irish negation with "lorg" (looking for)
        ("nílim ag lorg dinnéir, ach ba bhreá liom glaoch ó dhuine", "friendly_call"),
        ("níl sé ag lorg earraí grósaera, tá a chuid piollaí le bailiú", "prescriptions"),
        # fallen and there for hours, gone walking and not back
        ("tá Daideo tite sa leithreas ó mhaidin", "emergency"),
        ("d'imigh sí amach ag siúl ar a deich agus níl sí tagtha ar ais fós", "emergency"),
        # pets, and dead from the cold, are figures of everyday speech
        (
            "tá an madra ar iarraidh arís, an féidir le duine siopadóireacht a dhéanamh dom?",
            "groceries",
        ),
        ("táim marbh leis an bhfuacht, teastaíonn mála guail", "fuel_delivery"),
    ],
)
def test_irish_negation_falls_and_figures_of_speech(
    text: str, expected: str, classifier: Classifier
) -> None:
    result = classifier.classify(text)
    assert result.intent == expected, (text, result.intent, result.intents)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ba mhaith le m'athair beagán comhluadair", "friendly_call"),
        ("ba bhreá liom cuairteoir rialta, níl éinne timpeall", "friendly_call"),
        ("tá scanadh agam i mBéal an Átha agus níl bealach agam dul ann", "medical_transport"),
        ("leag carr an páiste taobh amuigh den scoil", "emergency"),
        (
            "bhí timpiste bhóthair againn anuraidh, an bhfuil síob chuig an bhfisiteiripe?",
            "medical_transport",
        ),
    ],
)
def test_irish_company_transport_and_road_accidents(
    text: str, expected: str, classifier: Classifier
) -> None:
    result = classifier.classify(text)
    assert result.intent == expected, (text, result.intent, result.intents)
