"""Compositional cue entries: word families, parts anywhere, filler words, and their checks."""

from __future__ import annotations

import pytest

from intents.cues import CueSet
from intents.normalise import stem, words
from intents.vocabulary import Vocabulary, VocabularyError

FAMILIES = {
    "down": ["fell", "collapsed", "on the floor"],
    "unresponsive": ["not answering", "wont wake"],
    "memory": ["dementia"],
    "gone": ["wandered off"],
    "face": ["face crooked", "cant lift her arm"],
}


def _keys(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in words(text))


def _cues(*entries: str, window: int = 6) -> CueSet[str]:
    return CueSet([(e, e) for e in entries], FAMILIES, window, frozenset({"is", "his", "her", "my", "the"}))


def test_a_family_stands_for_each_of_its_phrases() -> None:
    cues = _cues("<down> + <unresponsive>")
    assert cues.find(_keys("dad collapsed and is not answering"))
    assert cues.find(_keys("she's on the floor and won't wake"))
    assert not cues.find(_keys("she fell last year"))


def test_parts_must_be_within_the_window_unless_marked_anywhere() -> None:
    far = "my mother has dementia. " + "the weather was fine and we had tea. " * 3 + "she wandered off"
    assert not _cues("<memory> + <gone>").find(_keys(far))
    assert _cues("~ <memory> + <gone>").find(_keys(far))


def test_fillers_come_and_go_inside_family_phrases_only() -> None:
    assert _cues("<face>").find(_keys("his face is crooked"))
    assert _cues("<face>").find(_keys("I can't lift my arm"))
    # a phrase written into the entry itself is matched as written
    assert not _cues("this is an emergency").find(_keys("is this an emergency"))


def test_matches_say_which_words_they_cover() -> None:
    (match,) = _cues("<down> + <unresponsive>").find(_keys("he fell and is not answering"))
    assert (match.start, match.end) == (1, 6)
    assert {1, 4, 5} <= match.covered


def _vocab(language: dict[str, object]) -> Vocabulary:
    return Vocabulary.from_mapping([{"id": "groceries", "phrases": ["shopping"]}], language)


@pytest.mark.parametrize(
    "language,message",
    [
        ({"emergency": {"danger": ["<nobody> + fell"]}}, "'<nobody>' is not a word family"),
        ({"families": {"a": ["x + y"]}}, "a family lists plain phrases"),
        ({"acts": {"greeting": ["<missing>"]}}, "'<missing>' is not a word family"),
        ({"topics": {"council": ["bins"]}, "topics_first": ["scam"]}, "'scam' is not a topic"),
        ({"emoji": {"ok": "ok"}}, "must be an emoji"),
        ({"topics": {"council": ["bins"]}, "first_cues": {"scam": ["bank"]}}, "'scam' is not a topic"),
        ({"topics": {"council": ["bins"]}, "first_cues": {"council": ["the <nope> bins"]}},
         "'<nope>' is not a word family"),
    ],
    ids=["unknown-family", "family-with-plus", "act-unknown-family", "topics-first", "emoji",
         "first-cues-topic", "family-inside-a-phrase"],
)
def test_vocabulary_mistakes_are_reported(language: dict[str, object], message: str) -> None:
    with pytest.raises(VocabularyError) as error:
        _vocab(language)
    assert message in str(error.value)


def test_families_acts_topics_and_emoji_are_read() -> None:
    language = _vocab(
        {
            "families": {"someone": ["he", "she"]},
            "acts": {"greeting": ["hi", "<someone> + there"]},
            "topics": {"scam": ["bank details"]},
            "topics_first": ["scam"],
            "emoji": {"👍": "ok"},
            "emergency": {"danger": ["<someone> + collapsed"], "weak": ["dizzy"]},
        }
    ).language
    assert language.families == (("someone", ("he", "she")),)
    assert language.emergency.families == language.families
    assert language.acts[0] == ("greeting", ("hi", "<someone> + there"))
    assert language.topics_first == ("scam",)
    assert language.emoji == (("👍", "ok"),)
    assert language.emergency.weak == ("dizzy",)
