"""Negation and contrast scoping: which words a "not", "don't want" or "forget" applies to.

"not shopping, I need a hot meal": the scope of "not" runs to the end of its clause, to a
scope break ("but", "just", "I need") or to a fixed number of words, whichever comes first.
"My son does my shopping so I only need meals": an only-cue sets aside what came before it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from intents.message import ReadMessage
from intents.phrase_index import Hit, PhraseIndex, phrase_keys


def _index(phrases: Iterable[str]) -> PhraseIndex[str]:
    return PhraseIndex((phrase_keys(p), p) for p in phrases)


@dataclass(frozen=True, slots=True)
class NegationRules:
    """Negation cues, cues that only count at the start of a clause, exceptions and breaks."""

    cues: PhraseIndex[str]
    clause_start_cues: PhraseIndex[str]
    exceptions: PhraseIndex[str]
    breaks: PhraseIndex[str]
    scope: int
    only: PhraseIndex[str]

    @classmethod
    def build(
        cls,
        cues: Iterable[str],
        clause_start_cues: Iterable[str],
        exceptions: Iterable[str],
        breaks: Iterable[str],
        scope: int,
        only: Iterable[str] = (),
    ) -> NegationRules:
        return cls(
            _index(cues),
            _index(clause_start_cues),
            _index(exceptions),
            _index(breaks),
            scope,
            _index(only),
        )

    def only_from(self, message: ReadMessage) -> int | None:
        """Where the last only-cue ("just need", "only need") ends, if there is one."""
        hits = self.only.find_all(message.keys)
        return max(hit.end for hit in hits) if hits else None

    def negated_positions(self, message: ReadMessage) -> frozenset[int]:
        """Key positions that fall inside the scope of a negation cue."""
        keys = message.keys
        excepted: set[int] = set()
        for hit in self.exceptions.find_all(keys):
            excepted.update(range(hit.start, hit.end))
        cues: list[Hit[str]] = [
            hit
            for hit in self.cues.find_all(keys)
            if not excepted.intersection(range(hit.start, hit.end))
        ]
        cues += [
            hit
            for hit in self.clause_start_cues.find_all(keys)
            if message.starts_clause(hit.start)
            and not excepted.intersection(range(hit.start, hit.end))
        ]
        # "shopping no, prescription yes": the same cue closing a clause turns back the words
        # before it in that clause (but "can ye do shopping or no" is only a question).
        closing = [
            hit
            for hit in self.clause_start_cues.find_all(keys)
            if not message.starts_clause(hit.start)
            and keys[hit.start - 1] != "or"
            and (hit.end == len(keys) or message.starts_clause(hit.end))
            and not excepted.intersection(range(hit.start, hit.end))
        ]
        if not cues and not closing:
            return frozenset()
        negated: set[int] = set()
        for cue in closing:
            clause = message.clauses[cue.start]
            position = cue.start - 1
            while (
                position >= 0
                and position >= cue.start - self.scope
                and message.clauses[position] == clause
            ):
                negated.add(position)
                position -= 1
        break_starts = {hit.start for hit in self.breaks.find_all(keys)}
        for cue in cues:
            clause = message.clauses[cue.start]
            position = cue.end
            while (
                position < len(keys)
                and position < cue.end + self.scope
                and message.clauses[position] == clause
                and position not in break_starts
            ):
                negated.add(position)
                position += 1
        return frozenset(negated)
