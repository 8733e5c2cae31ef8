"""Irish emergency families widened on the irish4 branch (issue 18): an animal beside an alarm,
a lit or liked hearth fire, the perfect "tá sé tar éis ... a ghlacadh", "ní bheidh mé anseo"
with a time (and the practical absence that is not a farewell), tablets all laid out, "don't
come looking for me", "ní thugann sí freagra", something stuck "i scornach", someone forcing a
window at night, a person with dementia who left the house, grey and sweating, trapped by
flood water, numbers ("sé" = six) and a practical "leanúint ar aghaidh". Every wording here is
this file's own, not a labelled set's.
"""

from __future__ import annotations

import pytest

from intents.classifier import Classifier

EMERGENCY = "emergency"


@pytest.mark.parametrize(
    "text",
    [
        # a person shares the alarm with the animal
        "thit an gadhar agus m'iníon isteach san abhainn",
        "my nephew and the pony fell into the drain and he can't get up",
        "thit Daideo thar an gcat agus níl sé in ann éirí",
        # the perfect is now, not "after the"
        "tá m'aintín tar éis an iomarca táibléad codlata a ghlacadh",
        "tá Mam tar éis an iomarca dá cógas a thógáil, níl sí ceart",
        # a fire out of control stays an emergency even when it was lit on purpose
        "las mé an tine agus anois tá an tine as smacht",
        # no reply, choking, intruder, dementia, colour, flood
        "tá Daid sa leaba agus ní thugann sé freagra ar bith",
        "tá cnaipe greamaithe i scornach an pháiste",
        "tá duine ag brú an doras cúil a oscailt agus tá sé i lár na hoíche",
        "tá néaltrú ar m'athair, d'fhág sé an teach i rith na hoíche",
        "tá sí mílítheach agus ag cur allais go trom",
        "tá an tuile ag ardú sa teach agus níl siad in ann teacht amach",
    ],
)
def test_irish_danger_families(text: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.intent == EMERGENCY, (text, result.intent, result.intents)
    assert result.emergency_kind == "danger", (text, result.emergency_kind)


@pytest.mark.parametrize(
    "text",
    [
        # leaving for good, said with a time (Connacht and standard, with and without fadas)
        "ni bheidh me thart nios mo, slan",
        "ní bheidh mise anseo faoi mhaidin",
        # the means laid out
        "tá na piollaí ar fad leagtha amach ar an mbord agam",
        # don't come looking for me, beside water or a goodbye
        "ná bígí do mo chuardach, tá mé thíos ag an gcéibh",
        "slán a chlann, ná lorgaígí mé",
    ],
)
def test_irish_self_harm_families(text: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.intent == EMERGENCY, (text, result.intent, result.intents)
    assert result.emergency_kind == "self_harm", (text, result.emergency_kind)


@pytest.mark.parametrize(
    "text, expect",
    [
        # animals: the alarm is the animal's
        ("tá stróc ag an láir, cé a ghlaofadh ar an tréidlia?", None),
        ("thit an bhó bhocht sa pháirc agus ní féidir léi éirí", None),
        ("tá an coileán ag cur fola óna chluas", None),
        ("the poor old collie had a stroke last night", None),
        # a hearth fire, lit or liked
        ("is breá léi an tine sa seomra suí, an bhfuil gual ar fáil di?", "fuel_delivery"),
        ("tá an tine lasta sa chistin agus tá an tae déanta", None),
        # away for a practical reason
        ("ní bheidh mé anseo amárach, tá coinne agam, an féidir an dinnéar a fhágáil Déardaoin?", None),
        # "sé" the number six
        ("níl sé ach sé bliana agus tá a mháthair san ospidéal, an féidir dinnéir a chur chucu?", "hot_meals"),
        ("tá sé a sé a chlog agus níor tháinig an ola fós", "fuel_delivery"),
        # "leanúint ar aghaidh" with something practical after it
        ("ní féidir liom leanúint ar aghaidh ag dul go dtí an siopa dó, an bhfuil duine a dhéanfadh é?", "groceries"),
    ],
)
def test_irish_look_alikes_stay_ordinary(
    text: str, expect: str | None, classifier: Classifier
) -> None:
    result = classifier.classify(text)
    assert result.intent != EMERGENCY, (text, result.emergency_kind, result.evidence)
    if expect is not None:
        assert result.intent == expect, (text, result.intent, result.intents)
