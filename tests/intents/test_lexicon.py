"""Reading words the way the vocabulary spells them: typos, run-together words, spellings."""

from __future__ import annotations

import pytest

from intents.lexicon import Lexicon


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    content = ["prescription", "meals", "wheels", "hot", "food", "shopping", "volunteer", "grocery"]
    return Lexicon(
        known=[*content, "on", "the", "feel"],
        content=content,
        spellings={"farmacy": "pharmacy"},
        common_words=["means", "would"],
        fuzzy_min_length=5,
    )


@pytest.mark.parametrize(
    ("word", "keys"),
    [
        pytest.param("perscription", ("prescription",), id="transposed-letters"),
        pytest.param("presription", ("prescription",), id="missing-letter"),
        pytest.param("meels", ("meal",), id="keeps-first-letter-on-ties"),
        pytest.param("weels", ("wheel",), id="missing-h"),
        pytest.param("volenteer", ("volunteer",), id="wrong-vowel"),
        pytest.param("grocerys", ("grocery",), id="plural-typo"),
    ],
)
def test_typos_are_corrected(lexicon: Lexicon, word: str, keys: tuple[str, ...]) -> None:
    reading = lexicon.read(word)
    assert reading.keys == keys


@pytest.mark.parametrize(
    ("word", "keys"),
    [
        pytest.param("hotmeals", ("hot", "meal"), id="two-words"),
        pytest.param("foodshopping", ("food", "shop"), id="two-words-stemmed"),
        pytest.param("mealsonwheels", ("meal", "on", "wheel"), id="three-words-with-glue"),
    ],
)
def test_run_together_words_are_split(lexicon: Lexicon, word: str, keys: tuple[str, ...]) -> None:
    assert lexicon.read(word).keys == keys


def test_listed_spellings_are_used(lexicon: Lexicon) -> None:
    assert lexicon.read("farmacy").keys == ("pharmacy",)


def test_a_vocabulary_word_is_not_read_as_a_spelling_that_shares_its_stem() -> None:
    # "range" and "rang" share the stem "rang"; only "rang" is the listed past tense of "ring".
    lexicon = Lexicon(
        known=["range", "ring", "stove"],
        content=["range", "ring", "stove"],
        spellings={"rang": "ring"},
        common_words=[],
        fuzzy_min_length=5,
    )
    assert lexicon.read("rang").keys == ("ring",)
    assert lexicon.read("range").keys == ("rang",)


@pytest.mark.parametrize("word", ["means", "would"])
def test_common_words_are_never_corrected(lexicon: Lexicon, word: str) -> None:
    assert not lexicon.read(word).corrected


@pytest.mark.parametrize("word", ["meal", "shop", "xylophone", "qwerty"])
def test_short_or_far_words_are_left_alone(lexicon: Lexicon, word: str) -> None:
    assert not lexicon.read(word).corrected


def test_very_long_words_are_not_split() -> None:
    lexicon = Lexicon(["ab", "abc"], ["abc"], {}, [], 5)
    assert lexicon.read("abc" * 1000).keys == ("abc" * 1000,)


def test_short_words_only_trust_swapped_letters() -> None:
    lexicon = Lexicon(["pain", "meal"], ["pain", "meal"], {}, [], 5)
    assert lexicon.read("pian").keys == ("pain",)
    assert lexicon.read("meat").keys == ("meat",)  # one letter off, but too short to trust
