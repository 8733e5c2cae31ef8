"""Emergency detection, run before anything else.

An entry is one or more parts joined by " + " (all must be present, in any order, within a
few words of each other), each part a set of alternatives joined by " | ". Ordinary phrases
that contain alarming words ("dying for a cup of tea", "fire brigade") and nearby mentions
of the past ("last year") keep ordinary messages out of the emergency reply. Self-harm is
never explained away by the past: it always gets the Samaritans reply.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any
from dataclasses import dataclass

from intents.message import ReadMessage
from intents.phrase_index import Hit, PhraseIndex, phrase_keys
from intents.vocabulary import EmergencyVocabulary

DANGER = "danger"
SELF_HARM = "self_harm"
_PAST_REACH = 4  # "last year" explains away an alarming phrase up to this many words away
# A spelling-corrected word only counts for an emergency when it is this long: short words sit
# too close to ordinary ones ("chopping" is one letter from "choking" once stemmed).
_MIN_CORRECTED_KEY = 6
_ALONE_EXTRA_WORDS = 2  # "stroke", "stroke help now": a danger_alone entry plus at most this many


@dataclass(frozen=True, slots=True)
class _Part:
    entry: int
    part: int


@dataclass(frozen=True, slots=True)
class EmergencyFinding:
    """Which kind of emergency, and the vocabulary entry that decided it."""

    kind: str
    entry: str


def _split_entry(entry: str) -> list[list[tuple[str, ...]]]:
    return [
        [keys for alt in part.split("|") if (keys := phrase_keys(alt))]
        for part in entry.split("+")
    ]


class EmergencyDetector:
    """Finds emergencies in a read message; built once from the vocabulary."""

    def __init__(self, vocabulary: EmergencyVocabulary, window: int) -> None:
        """``window``: the most words a multi-part entry may spread over."""
        self._window = window
        self._entries: list[tuple[str, str, int]] = []  # (kind, text, number of parts)
        parts: list[tuple[tuple[str, ...], _Part]] = []
        for kind, entries in ((SELF_HARM, vocabulary.self_harm), (DANGER, vocabulary.danger)):
            for text in entries:
                split = _split_entry(text)
                number = len(self._entries)
                self._entries.append((kind, text, len(split)))
                for part_number, alternatives in enumerate(split):
                    parts.extend((keys, _Part(number, part_number)) for keys in alternatives)
        self._parts = PhraseIndex(parts)
        self._alone = _index(vocabulary.danger_alone)
        self._ordinary = _index(vocabulary.not_emergency)
        self._past = _index(vocabulary.past_time)
        self._past_before = _index(vocabulary.past_time_before)

    def detect(self, message: ReadMessage) -> EmergencyFinding | None:
        context = _Context(message, self._ordinary, self._past, self._past_before)
        return self._detect_phrases(context) or self._detect_alone(context)

    def _detect_alone(self, context: _Context) -> EmergencyFinding | None:
        message = context.message
        if len(message.keys) > _ALONE_EXTRA_WORDS + 3:
            return None
        for hit in self._alone.find_all(message.keys):
            extra = len(message.keys) - (hit.end - hit.start)
            if extra <= _ALONE_EXTRA_WORDS and not context.explains(hit, DANGER):
                return EmergencyFinding(DANGER, hit.payloads[0])
        return None

    def _detect_phrases(self, context: _Context) -> EmergencyFinding | None:
        hits = self._parts.find_all(context.message.keys)
        if not hits:
            return None
        found: dict[int, dict[int, list[tuple[int, int]]]] = {}  # entry -> part -> spans
        for hit in hits:
            for part in hit.payloads:
                if context.explains(hit, self._entries[part.entry][0]):
                    continue
                spans = found.setdefault(part.entry, {}).setdefault(part.part, [])
                spans.append((hit.start, hit.end))
        complete = [
            entry
            for entry, parts in found.items()
            if len(parts) == self._entries[entry][2]
            and _close_together(list(parts.values()), self._window)
        ]
        if not complete:
            return None
        best = min(complete, key=lambda e: (self._entries[e][0] != SELF_HARM, e))
        return EmergencyFinding(self._entries[best][0], self._entries[best][1])


def _shaky(message: ReadMessage, hit: Hit[Any]) -> bool:
    return any(
        message.corrected[i] and len(message.keys[i]) < _MIN_CORRECTED_KEY
        for i in range(hit.start, hit.end)
    )


def _close_together(parts: list[list[tuple[int, int]]], window: int) -> bool:
    """Some choice of one span per part fits inside ``window`` words ("fell ... can't get up")."""
    if len(parts) == 1:
        return True
    for combo in itertools.product(*parts):
        if max(end for _, end in combo) - min(start for start, _ in combo) <= window:
            return True
    return False


class _Context:
    """What can explain an alarming phrase away in one message."""

    def __init__(
        self,
        message: ReadMessage,
        ordinary: PhraseIndex[str],
        past: PhraseIndex[str],
        past_before: PhraseIndex[str],
    ) -> None:
        self.message = message
        self._ordinary: set[int] = set()
        for hit in ordinary.find_all(message.keys):
            self._ordinary.update(range(hit.start, hit.end))
        self._corrected = any(message.corrected)
        self._past = past.find_all(message.keys)
        self._past_before = past_before.find_all(message.keys)

    def explains(self, hit: Hit[Any], kind: str) -> bool:
        """An ordinary phrase, a shaky spelling correction, or (for danger) the past."""
        # Each test is skipped when the message has nothing it could find (most messages).
        if self._ordinary and not self._ordinary.isdisjoint(range(hit.start, hit.end)):
            return True
        if self._corrected and _shaky(self.message, hit):
            return True
        return (
            kind == DANGER
            and bool(self._past or self._past_before)
            and _explained_by_past(self.message, hit, self._past, self._past_before)
        )


def _index(phrases: Iterable[str]) -> PhraseIndex[str]:
    return PhraseIndex((phrase_keys(p), p) for p in phrases)


def _explained_by_past(
    message: ReadMessage, hit: Hit[Any], past: list[Hit[str]], past_before: list[Hit[str]]
) -> bool:
    clause = message.clauses[hit.start]
    for cue in past:
        near = cue.start - hit.end < _PAST_REACH and hit.start - cue.end < _PAST_REACH
        if near and message.clauses[cue.start] == clause:
            return True
    for cue in past_before:
        if 0 <= hit.start - cue.end < _PAST_REACH and message.clauses[cue.start] == clause:
            return True
    return False
