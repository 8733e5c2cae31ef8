"""Negation that wraps what it cancels: Irish "níl [an tsiopadóireacht] ag teastáil".

English puts the negation before what it cancels ("not the shopping"), which negation.py
handles. Irish often opens with the negative verb and closes with the wanting: "níl X ag
teastáil", "níl X uaim", "ní bheidh X de dhíth". A frame entry is "opening + closing", each a
set of alternatives: "níl | ní + ag teastáil | uaim". The words between the two parts (and the
closing part) are cancelled, when both are in one clause, close together, with no scope break
("ach", "tá") in between: "níl carr agam, tá cógas uaim" cancels nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from intents.message import ReadMessage
from intents.phrase_index import Hit, PhraseIndex, phrase_keys


class NegationFrames:
    """Two-part negation cues, with the exceptions and scope breaks of ordinary negation."""

    def __init__(
        self,
        frames: Iterable[str],
        exceptions: Iterable[str],
        breaks: Iterable[str],
        scope: int,
    ) -> None:
        """``scope``: the negation scope; a frame may hold twice as many words."""
        entries: list[tuple[tuple[str, ...], tuple[int, int]]] = []
        for number, frame in enumerate(frames):
            for part, alternatives in enumerate(frame.split("+")[:2]):
                entries += [(phrase_keys(alt), (number, part)) for alt in alternatives.split("|")]
        self._parts: PhraseIndex[tuple[int, int]] = PhraseIndex(entries)
        self._exceptions = PhraseIndex((phrase_keys(p), p) for p in exceptions)
        self._breaks = PhraseIndex((phrase_keys(p), p) for p in breaks)
        self._reach = 2 * scope

    def negated_positions(self, message: ReadMessage) -> frozenset[int]:
        """Key positions inside a frame: "níl [an tsiopadóireacht] ag teastáil"."""
        if not self._parts.size:
            return frozenset()
        keys = message.keys
        hits = self._parts.find_all(keys)
        if len(hits) < 2:
            return frozenset()
        excepted: set[int] = set()
        for exception in self._exceptions.find_all(keys):
            excepted.update(range(exception.start, exception.end))
        breaks = {cue.start for cue in self._breaks.find_all(keys)}
        closers: dict[int, list[Hit[tuple[int, int]]]] = {}
        for hit in hits:
            for frame, part in hit.payloads:
                if part == 1:
                    closers.setdefault(frame, []).append(hit)
        negated: set[int] = set()
        for opener in hits:
            if excepted.intersection(range(opener.start, opener.end)):
                continue
            clause = message.clauses[opener.start]
            for frame, part in opener.payloads:
                if part != 0:
                    continue
                for closer in closers.get(frame, ()):
                    between = range(opener.end, closer.start)
                    if (
                        closer.start >= opener.end
                        and len(between) <= self._reach
                        and message.clauses[closer.start] == clause
                        and breaks.isdisjoint(between)
                    ):
                        negated.update(range(opener.end, closer.end))
                        break
        return frozenset(negated)
