"""The phrase index finds exactly what a plain scan of every phrase would find, in that order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from intents.phrase_index import Hit, PhraseIndex

_KEYS = st.sampled_from(["my", "can", "not", "fall", "fell", "help", "in", "the"])
_PHRASES = st.lists(
    st.tuples(st.lists(_KEYS, max_size=4).map(tuple), st.integers(0, 5)), max_size=25
)
_MESSAGE = st.lists(_KEYS, max_size=14).map(tuple)


def _scan_at(
    entries: list[tuple[tuple[str, ...], int]], keys: tuple[str, ...], start: int
) -> list[Hit[int]]:
    """Every phrase starting at ``start``, longest first, payloads in the order given."""
    grouped: dict[tuple[str, ...], list[int]] = {}
    for phrase, payload in entries:
        if phrase:
            grouped.setdefault(phrase, []).append(payload)
    return [
        Hit(start, start + len(phrase), tuple(payloads))
        for phrase, payloads in sorted(grouped.items(), key=lambda item: -len(item[0]))
        if keys[start : start + len(phrase)] == phrase
    ]


@given(_PHRASES, _MESSAGE)
def test_find_all_is_a_scan_of_every_phrase(
    entries: list[tuple[tuple[str, ...], int]], keys: tuple[str, ...]
) -> None:
    expected = [hit for start in range(len(keys)) for hit in _scan_at(entries, keys, start)]
    assert PhraseIndex(entries).find_all(keys) == expected


@given(_PHRASES, _MESSAGE)
def test_longest_at_and_find_greedy_take_the_longest_phrase(
    entries: list[tuple[tuple[str, ...], int]], keys: tuple[str, ...]
) -> None:
    index = PhraseIndex(entries)
    longest = {
        start: next(iter(_scan_at(entries, keys, start)), None) for start in range(len(keys))
    }
    assert [index.longest_at(keys, start) for start in longest] == list(longest.values())
    expected: list[Hit[int]] = []
    start = 0
    while start < len(keys):
        hit = longest[start]
        if hit:
            expected.append(hit)
        start = hit.end if hit else start + 1
    assert index.find_greedy(keys) == expected
