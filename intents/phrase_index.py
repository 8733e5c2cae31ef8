"""Find vocabulary phrases in a message's key sequence, fast.

Phrases are stored as tuples of keys (stems) in a dictionary, with the lengths of the phrases
that start with each key, longest first, so a lookup costs a few dictionary accesses per
message word whatever the vocabulary size.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from intents.normalise import stem, words

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Hit(Generic[T]):
    """One phrase found at key positions ``start`` .. ``end - 1``."""

    start: int
    end: int
    payloads: tuple[T, ...]


def phrase_keys(phrase: str) -> tuple[str, ...]:
    """The key sequence a vocabulary phrase is matched by."""
    return tuple(stem(w) for w in words(phrase))


class PhraseIndex(Generic[T]):
    """Phrases (as key tuples) each carrying one or more payloads (what the phrase means)."""

    def __init__(self, entries: Iterable[tuple[tuple[str, ...], T]]) -> None:
        grouped: dict[tuple[str, ...], list[T]] = {}
        for keys, payload in entries:
            if keys:
                grouped.setdefault(keys, []).append(payload)
        self._phrases = {keys: tuple(payloads) for keys, payloads in grouped.items()}
        # First key -> the distinct lengths of the phrases starting with it, longest first.
        # One phrase at most can match at a position for each length.
        lengths: dict[str, set[int]] = {}
        for keys in grouped:
            lengths.setdefault(keys[0], set()).add(len(keys))
        self._lengths = {key: tuple(sorted(sizes, reverse=True)) for key, sizes in lengths.items()}
        self._first_keys = frozenset(self._lengths)
        self.size = len(grouped)

    def longest_at(self, keys: tuple[str, ...], start: int) -> Hit[T] | None:
        """The longest phrase that starts at ``start``, if any."""
        for length in self._lengths.get(keys[start], ()):
            end = start + length
            if end <= len(keys):
                payloads = self._phrases.get(keys[start:end])
                if payloads is not None:
                    return Hit(start, end, payloads)
        return None

    def find_all(self, keys: tuple[str, ...]) -> list[Hit[T]]:
        """Every phrase occurrence, overlapping and nested ones included."""
        hits: list[Hit[T]] = []
        if self._first_keys.isdisjoint(keys):  # most indexes, most messages
            return hits
        for start, key in enumerate(keys):
            for length in self._lengths.get(key, ()):
                end = start + length
                if end <= len(keys):
                    payloads = self._phrases.get(keys[start:end])
                    if payloads is not None:
                        hits.append(Hit(start, end, payloads))
        return hits

    def find_greedy(self, keys: tuple[str, ...]) -> list[Hit[T]]:
        """Non-overlapping occurrences, left to right, the longest phrase winning at each word."""
        hits: list[Hit[T]] = []
        i = 0
        while i < len(keys):
            hit = self.longest_at(keys, i)
            if hit:
                hits.append(hit)
                i = hit.end
            else:
                i += 1
        return hits
