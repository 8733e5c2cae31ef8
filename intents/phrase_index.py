"""Find vocabulary phrases in a message's key sequence, fast.

Phrases are stored as tuples of keys (stems) indexed by their first key, longest first, so a
lookup costs a dictionary access per message word whatever the vocabulary size.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
        by_first: dict[str, list[tuple[tuple[str, ...], tuple[T, ...]]]] = {}
        for keys, payloads in grouped.items():
            by_first.setdefault(keys[0], []).append((keys, tuple(payloads)))
        for bucket in by_first.values():
            bucket.sort(key=lambda item: -len(item[0]))
        self._by_first = by_first
        self.size = len(grouped)

    def longest_at(self, keys: Sequence[str], start: int) -> Hit[T] | None:
        """The longest phrase that starts at ``start``, if any."""
        bucket = self._by_first.get(keys[start])
        if not bucket:
            return None
        for phrase, payloads in bucket:
            end = start + len(phrase)
            if end <= len(keys) and (len(phrase) == 1 or tuple(keys[start:end]) == phrase):
                return Hit(start, end, payloads)
        return None

    def find_all(self, keys: Sequence[str]) -> list[Hit[T]]:
        """Every phrase occurrence, overlapping and nested ones included."""
        hits: list[Hit[T]] = []
        for start, key in enumerate(keys):
            for phrase, payloads in self._by_first.get(key, ()):
                end = start + len(phrase)
                if end <= len(keys) and (len(phrase) == 1 or tuple(keys[start:end]) == phrase):
                    hits.append(Hit(start, end, payloads))
        return hits

    def find_greedy(self, keys: Sequence[str]) -> list[Hit[T]]:
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
