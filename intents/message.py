"""A message as the matchers see it: a sequence of vocabulary keys with clause numbers."""

from __future__ import annotations

from dataclasses import dataclass

from intents.lexicon import Lexicon
from intents.normalise import clauses_and_questions


@dataclass(frozen=True, slots=True)
class ReadMessage:
    """Parallel sequences: ``keys[i]`` came from a word in clause ``clauses[i]``."""

    keys: tuple[str, ...]
    clauses: tuple[int, ...]
    corrected: tuple[bool, ...]  # the word needed a fuzzy spelling correction
    questions: frozenset[int] = frozenset()  # clauses that end with "?"
    words: tuple[str, ...] = ()  # the word each key was read from ("getting" for "get")

    @classmethod
    def read(cls, text: str, lexicon: Lexicon, irish: bool = False) -> ReadMessage:
        """``irish``: the message is in Irish (typing slips may be Irish words too)."""
        keys: list[str] = []
        clauses: list[int] = []
        corrected: list[bool] = []
        read_from: list[str] = []
        pairs, questions = clauses_and_questions(text)
        for word, clause in pairs:
            reading = lexicon.read(word, irish)
            for key in reading.keys:
                keys.append(key)
                clauses.append(clause)
                corrected.append(reading.corrected)
                read_from.append(word)
        return cls(tuple(keys), tuple(clauses), tuple(corrected), questions, tuple(read_from))

    def starts_clause(self, position: int) -> bool:
        return position == 0 or self.clauses[position] != self.clauses[position - 1]

    def any_corrected(self, start: int, end: int) -> bool:
        return any(self.corrected[start:end])
