"""The normaliser: case, fadas, apostrophes, emoji, punctuation, stretched letters, stems."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intents import normalise
from intents.normalise import clauses_and_questions, fold, stem, tokenise, words
from routing import text as routing_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Béilí TE", "beili te", id="fadas-and-capitals"),
        pytest.param("can\u2019t won't", "cant wont", id="curly-and-straight-apostrophes"),
        pytest.param("pleeeease", "pleease", id="stretched-letters"),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_emoji_and_symbols_separate_words_and_vanish() -> None:
    assert words("hot🍲dinner 👍 #help") == ["hot", "dinner", "help"]


def test_only_emoji_or_punctuation_has_no_words() -> None:
    assert words("😀😀😀") == []
    assert words("?!...") == []


def test_punctuation_starts_a_new_clause() -> None:
    tokens = tokenise("not shopping, I need a hot meal. thanks")
    assert [t.clause for t in tokens] == [0, 0, 1, 1, 1, 1, 1, 2]


def test_leading_punctuation_does_not_open_an_empty_clause() -> None:
    assert tokenise("...hello")[0].clause == 0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("groceries", "grocery"),
        ("meals", "meal"),
        ("collecting", "collected"),
        ("shopping", "shop"),
        ("breathe", "breathing"),
        ("collapse", "collapsed"),
        ("volunteering", "volunteer"),
    ],
)
def test_word_families_share_a_stem(a: str, b: str) -> None:
    assert stem(a) == stem(b)


@pytest.mark.parametrize(("a", "b"), [("cooker", "cook"), ("caring", "car"), ("diner", "dinner")])
def test_different_words_keep_different_stems(a: str, b: str) -> None:
    assert stem(a) != stem(b)


# ---- the ASCII shortcut folds exactly as the full Unicode path ------------------------


def _full_intents_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.casefold().translate(normalise._APOSTROPHE_TABLE)
    return normalise._STRETCHED.sub(r"\1\1", plain)


def _full_routing_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return routing_text._NON_WORD.sub(" ", stripped).strip()


_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="abcKLM'’` éÉáÁíóúß\u212a\u0301!,.", max_size=40),
)


@given(_TEXT)
def test_intents_fold_matches_the_full_unicode_path(text: str) -> None:
    assert normalise.fold(text) == _full_intents_fold(text)


@given(_TEXT)
def test_routing_fold_matches_the_full_unicode_path(text: str) -> None:
    assert routing_text.fold(text) == _full_routing_fold(text)


def test_clauses_ending_in_a_question_mark_are_known() -> None:
    pairs, questions = clauses_and_questions("I'd like to help. Does the group do meals? My uncle would")
    assert [clause for _, clause in pairs][-1] == 2
    assert questions == frozenset({1})
