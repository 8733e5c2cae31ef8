"""Telling Irish from English (intents/language.py), alone and through the classifier.

Figures measured with bench/language_compare.py when this was written (classifier's detector):
- language_messages.yaml (169 labelled, used to develop the scorer): 97.6%; 1-3 words: 97.5%;
- every English labelled set (2,328 messages, not used): 96.8% English, 2 called Irish, rest None;
- the Irish sets' messages not tagged mixed (414): 100% Irish.
lingua-language-detector 2.1 on the same: 82.2% / 72.8% on short ones, 31 English messages
called Irish (4 above a 0.7 confidence), and four English sentences naming a place in Irish
called Irish; so it is not used (intents/README.md).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml

from intents.__main__ import main
from intents.classifier import Classifier
from intents.language import LanguageDetector, detect
from tests.intents.conftest import DATA

ENGLISH_SETS = ["heldout", "probe", "blind", "blind2", "blind3", "realistic",
                "round2_everyday", "round2_hard", "round2_safety"]
IRISH_SETS = ["round2_irish", "irish_dev", "irish_check"]


def _cases(name: str) -> list[dict[str, object]]:
    cases: list[dict[str, object]] = yaml.safe_load(
        (DATA / f"{name}_messages.yaml").read_text(encoding="utf-8")
    )["cases"]
    return cases


def _tags(case: dict[str, object]) -> list[object]:
    tags = case.get("tags") or []
    assert isinstance(tags, list)
    return tags


def test_labelled_set_has_150_short_and_long_messages_in_both_languages() -> None:
    cases = _cases("language")
    assert len(cases) >= 150
    langs = [c["lang"] for c in cases]
    assert langs.count("ga") >= 60 and langs.count("en") >= 50 and langs.count(None) >= 10
    assert sum(len(str(c["text"]).split()) <= 2 for c in cases) >= 40


def test_labelled_set_accuracy(classifier: Classifier) -> None:
    cases = _cases("language")
    wrong = [
        (c["text"], c["lang"], got)
        for c in cases
        if (got := classifier.detect_language(str(c["text"]))) != c["lang"]
    ]
    assert 1 - len(wrong) / len(cases) >= 0.95, wrong


def test_english_messages_are_not_taken_for_irish(classifier: Classifier) -> None:
    texts = [str(c["text"]) for n in ENGLISH_SETS for c in _cases(n) if "irish" not in _tags(c)]
    got = [classifier.detect_language(t) for t in texts]
    assert got.count("en") / len(texts) >= 0.95
    assert got.count("ga") <= 3, [t for t, g in zip(texts, got) if g == "ga"]


def test_irish_messages_are_irish(classifier: Classifier) -> None:
    texts = [
        str(c["text"])
        for n in IRISH_SETS
        for c in _cases(n)
        if "irish" in _tags(c) and "mixed" not in _tags(c)
    ]
    got = [classifier.detect_language(t) for t in texts]
    assert got.count("ga") / len(texts) >= 0.98, [t for t, g in zip(texts, got) if g != "ga"]
    assert "en" not in got


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        pytest.param("oideas", "ga", id="one-irish-word"),
        pytest.param("béile te", "ga", id="two-irish-words"),
        pytest.param("gual", "ga", id="coal"),
        pytest.param("siopadoireacht", "ga", id="no-fadas"),
        pytest.param("an bhfuil", "ga", id="mutation"),
        pytest.param("shopping", "en", id="one-english-word"),
        pytest.param("I live in Béal an Átha and need a hot meal", "en", id="place-in-english"),
        pytest.param("coal to Tuar Mhic Éadaigh please", "en", id="gaeltacht-place-in-english"),
        pytest.param("shopping in cathair na mart", "en", id="lower-case-place-in-english"),
        pytest.param("tá mé i gCathair na Mart", "ga", id="place-in-irish"),
        pytest.param("I need a síob to the hospital", "en", id="an-irish-word-in-english"),
        pytest.param("níl sé ag freagairt, he's on the floor", "ga", id="mixed-mostly-irish"),
        pytest.param("ok", None, id="ok"),
        pytest.param("087 123 4567", None, id="phone-number"),
        pytest.param("Seán Ó Máille", None, id="a-name"),
        pytest.param("Béal an Mhuirthead", None, id="a-place-alone"),
        pytest.param("", None, id="empty"),
    ],
)
def test_detect(text: str, lang: str | None, classifier: Classifier) -> None:
    assert classifier.detect_language(text) == lang


def test_detect_without_vocabulary_uses_function_words_and_spelling() -> None:
    assert detect("Tá mé ag iarraidh cúnaimh") == "ga"
    assert detect("an bhfuil sibh oscailte inniu") == "ga"
    assert detect("I need someone to collect my tablets") == "en"
    assert detect("ok") is None


def test_place_names_passed_in_never_count() -> None:
    detector = LanguageDetector(place_names=["Baile an Tobair"])
    assert detector.detect("Baile an Tobair") is None
    assert detector.detect("meals on wheels to baile an tobair") == "en"


def test_classification_carries_the_language(classifier: Classifier) -> None:
    assert classifier.classify("Tá tine sa teach").language == "ga"
    assert classifier.classify("There's a fire in the kitchen").language == "en"
    assert classifier.classify("oideas").language == "ga"
    assert classifier.classify("ok").language is None


def test_cli_json_has_the_language(tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(["classify", "--json", "béile te", "hot meals"], out=out) == 0
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(r["intent"], r["language"]) for r in rows] == [("hot_meals", "ga"), ("hot_meals", "en")]
