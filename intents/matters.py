"""Conversation acts ("thanks", "is anyone there", "talk to a person") and other matters
(council business, COVID, scams, living outside Mayo): what a message is when it asks for no
service.

Both are named lists of cue entries in the vocabulary (``language.acts``, ``language.topics``),
listed in priority order: the first name with a match wins ("hi, is anyone there" is
anyone_there, not greeting), except that a match inside a longer one does not count ("good" in
"good morning"). An act must be most of the message ("thanks" or "thanks a million", not a long
story that happens to start with "thank you"); a topic may be anywhere, and a topic beats an
act ("hi, when are the bins collected" is about bins).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from intents.cues import CueSet
from intents.message import ReadMessage

_ACT_EXTRA_WORDS = 3  # an act may leave this many words unexplained, or as many as it covers
GREETING = "greeting"
ANYONE_THERE = "anyone_there"
_CALLING_OUT = 2  # "hello??", "hi there?": a greeting this short, asked, is "is anyone there?"


@dataclass(frozen=True, slots=True)
class MatterFinding:
    """A conversation act or topic, and the vocabulary entry that decided it."""

    name: str
    entry: str


class Matters:
    """Acts and topics, built once from the vocabulary."""

    def __init__(
        self,
        acts: Sequence[tuple[str, Sequence[str]]],
        topics: Sequence[tuple[str, Sequence[str]]],
        families: Mapping[str, Sequence[str]],
        window: int,
        fillers: frozenset[str] = frozenset(),
        first: Sequence[tuple[str, Sequence[str]]] = (),
    ) -> None:
        self._act_order = {name: n for n, (name, _) in enumerate(acts)}
        self._topic_order = {name: n for n, (name, _) in enumerate(topics)}
        self._acts = CueSet(
            [(entry, name) for name, entries in acts for entry in entries],
            families,
            window,
            fillers,
        )
        self._topics = CueSet(
            [(entry, name) for name, entries in topics for entry in entries],
            families,
            window,
            fillers,
        )
        self._first = CueSet(
            [(entry, name) for name, entries in first for entry in entries],
            families,
            window,
            fillers,
        )

    def act(self, message: ReadMessage, asks: bool = False) -> MatterFinding | None:
        """The conversation act the whole message is, if any; ``asks``: it has a "?"."""
        keys = message.keys
        if not keys or not self._acts.size:
            return None
        found = self._acts.find(keys)
        if not found:
            return None
        covered: set[int] = set()
        for match in found:
            covered.update(match.covered)
        if len(keys) - len(covered) > max(_ACT_EXTRA_WORDS, len(covered)):
            return None
        # "good" inside "good morning", "real person" inside "am I talking to a real person":
        # a match inside a longer one does not count; then the first-listed act wins.
        found = [
            m
            for m in found
            if not any(
                o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start)
                for o in found
            )
        ]
        best = min(found, key=lambda m: self._act_order[m.payload])
        if (
            best.payload == GREETING
            and asks
            and len(keys) <= _CALLING_OUT
            and ANYONE_THERE in self._act_order
        ):
            return MatterFinding(ANYONE_THERE, best.text + " ?")
        return MatterFinding(best.payload, best.text)

    def first_cue(self, message: ReadMessage) -> MatterFinding | None:
        """A topic's ``first_cues`` entry found: it wins over any service."""
        if not self._first.size:
            return None
        found = self._first.find(message.keys)
        if not found:
            return None
        best = min(found, key=lambda m: self._topic_order.get(m.payload, 0))
        return MatterFinding(best.payload, best.text)

    def topic(self, message: ReadMessage, only: frozenset[str] | None = None) -> MatterFinding | None:
        """The first-listed topic the message mentions (among ``only``, when given)."""
        if not self._topics.size:
            return None
        found = [
            m for m in self._topics.find(message.keys) if only is None or m.payload in only
        ]
        if not found:
            return None
        best = min(found, key=lambda m: self._topic_order[m.payload])
        return MatterFinding(best.payload, best.text)
