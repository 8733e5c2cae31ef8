"""Irish wordings added late on the irish3 branch: a fall with an hour on the ground, speech
that cannot be understood, a boy or old man missing, not back from the sea, ready to be done with
life, leaving life, a goodbye from a bridge; and their everyday look-alikes. Own wording."""

from __future__ import annotations

import pytest

from intents.classifier import Classifier


@pytest.mark.parametrize(
    "text",
    [
        "thit sí sa chlós uair an chloig ó shin agus tá sí fós ann",
        "ní thuigim a cuid cainte, tá sé doiléir ar fad",
        "tá seanfhear ar iarraidh ón teach altranais",
        "níor fhill m'fhear ón iascaireacht agus tá an stoirm ag éirí",
        "tá mé réidh le mo shaol",
        "ba mhaith liom imeacht ón saol",
        "tá mé ar an aill, slán",
    ],
)
def test_late_irish_emergencies(text: str, classifier: Classifier) -> None:
    assert classifier.classify(text).intent == "emergency", text


@pytest.mark.parametrize(
    "text",
    [
        "ba bhreá liom an saol a bhaint as arís, an bhfuil grúpa deonach ann?",
        "níl sé ar ais ón siopa fós, ba mhaith liom béile te dó",
        "thit mé uair an chloig ó shin ach tá mé ceart go leor anois",
    ],
)
def test_late_irish_look_alikes(text: str, classifier: Classifier) -> None:
    assert classifier.classify(text).intent != "emergency", text


@pytest.mark.parametrize(
    "text",
    [
        "bhí mé gan anáil tar éis an chnoic",
        "tá súil agam nach ndúiseoidh mé róluath amárach",
        "ní féidir liom leanúint ar aghaidh ag obair sa ghairdín, an bhfuil grúpa deonach ann?",
        "ghearr sí í féin ag bearradh a cos",
    ],
)
def test_everyday_breath_sleep_work_and_shaving(text: str, classifier: Classifier) -> None:
    assert classifier.classify(text).intent != "emergency", text


@pytest.mark.parametrize(
    "text",
    [
        "bhíomar i dtaom gáire ag an dinnéar",
        "tá sí i dtaom buile leis an gcomhairle",
        "cloisim na páistí sa teach béal dorais gach oíche",
        "tá an bille leictreachais ag tabhairt taom croí dom",
    ],
)
def test_fits_of_laughter_neighbours_and_bills(text: str, classifier: Classifier) -> None:
    assert classifier.classify(text).intent != "emergency", text
