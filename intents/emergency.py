"""Emergency detection, run before anything else.

Entries are compositional cues (see ``cues.py``): "<fall> + <cant_get_up>" is any fall word
and any "can't get up" wording within a few words of each other, so a family of wordings
is one entry. Ordinary phrases that contain alarming words ("dying for a cup of tea", "fire
brigade") and nearby mentions of the past ("last year", unless a present-time cue such as
"now" comes between) keep ordinary messages out of the emergency reply. Self-harm is never
explained away by the past: it always gets the Samaritans reply.

``weak`` entries are danger cues too uncertain for the emergency reply ("someone at the door
at night"): they only raise ``possible_emergency``, so the bot leads with 112/999 and still
gives the best service.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from intents.cues import CueSet
from intents.message import ReadMessage
from intents.phrase_index import Hit, PhraseIndex, phrase_keys
from intents.vocabulary import EmergencyVocabulary

DANGER = "danger"
SELF_HARM = "self_harm"
WEAK = "weak"
_PAST_REACH = 6  # "last year" explains away an alarming phrase up to this many words away
# A spelling-corrected word only counts for an emergency when it is this long: short words sit
# too close to ordinary ones ("chopping" is one letter from "choking" once stemmed).
_MIN_CORRECTED_KEY = 6
_ALONE_EXTRA_WORDS = 2  # "stroke", "stroke help now": a danger_alone entry plus at most this many


@dataclass(frozen=True, slots=True)
class EmergencyFinding:
    """Which kind of emergency, and the vocabulary entry that decided it."""

    kind: str
    entry: str


class EmergencyDetector:
    """Finds emergencies in a read message; built once from the vocabulary."""

    def __init__(
        self,
        vocabulary: EmergencyVocabulary,
        window: int,
        fillers: frozenset[str] = frozenset(),
        service_keys: frozenset[str] = frozenset(),
    ) -> None:
        """``window``: the most words a multi-part entry may spread over; ``fillers``: keys
        that may come and go inside a cue phrase; ``service_keys``: strong service words (with
        one of them, "emergency" is an adjective: "emergency prescription")."""
        families = dict(vocabulary.families)
        entries = [(text, SELF_HARM) for text in vocabulary.self_harm]
        entries += [(text, DANGER) for text in vocabulary.danger]
        self._cues = CueSet(entries, families, window, fillers)
        self._weak = CueSet([(text, WEAK) for text in vocabulary.weak], families, window, fillers)
        self._service_keys = service_keys
        self._alone = _index(vocabulary.danger_alone)
        self._ordinary = _index(vocabulary.not_emergency)
        self._past = _index([*vocabulary.past_time, *vocabulary.resolved])
        self._resolved = _index(vocabulary.resolved)
        self._past_before = _index(vocabulary.past_time_before)
        self._present = _index(vocabulary.present_time)
        self._last: _Context | None = None

    def _context(self, message: ReadMessage) -> _Context:
        """What can explain a cue away in ``message``: worked out once per message (``detect``
        and then ``weak`` ask for the same one)."""
        last = self._last
        if last is not None and last.message is message:
            return last
        context = _Context(message, self._ordinary, self._past, self._past_before, self._present)
        self._last = context
        return context

    def detect(self, message: ReadMessage) -> EmergencyFinding | None:
        context = self._context(message)
        return self._detect_phrases(context) or self._detect_alone(context)

    def weak(self, message: ReadMessage) -> str | None:
        """The weak danger cue in the message, if any (only asked when no emergency was found)."""
        if not self._weak.size or self._resolved.find_all(message.keys):
            return None
        context = self._context(message)
        found = self._weak.find(message.keys, lambda hit, _: context.explains(hit, DANGER))
        return found[0].text if found else None

    def _detect_alone(self, context: _Context) -> EmergencyFinding | None:
        message = context.message
        if len(message.keys) > _ALONE_EXTRA_WORDS + 3:
            return None
        for hit in self._alone.find_all(message.keys):
            extra = len(message.keys) - (hit.end - hit.start)
            others = (*message.keys[: hit.start], *message.keys[hit.end :])
            if any(key in self._service_keys for key in others):
                continue  # "emergency prescription", "fire turf": a request, not an alarm
            if extra <= _ALONE_EXTRA_WORDS and not context.explains(hit, DANGER):
                return EmergencyFinding(DANGER, hit.payloads[0])
        return None

    def _detect_phrases(self, context: _Context) -> EmergencyFinding | None:
        found = self._cues.find(context.message.keys, context.explains)
        if not found:
            return None
        best = min(found, key=lambda m: m.payload != SELF_HARM)  # self-harm first, then order
        return EmergencyFinding(best.payload, best.text)


def _shaky(message: ReadMessage, hit: Hit[Any]) -> bool:
    return any(
        message.corrected[i] and len(message.keys[i]) < _MIN_CORRECTED_KEY
        for i in range(hit.start, hit.end)
    )


class _Context:
    """What can explain an alarming phrase away in one message."""

    def __init__(
        self,
        message: ReadMessage,
        ordinary: PhraseIndex[str],
        past: PhraseIndex[str],
        past_before: PhraseIndex[str],
        present: PhraseIndex[str],
    ) -> None:
        self.message = message
        self._ordinary: set[int] = set()
        for hit in ordinary.find_all(message.keys):
            self._ordinary.update(range(hit.start, hit.end))
        self._corrected = any(message.corrected)
        self._past = past.find_all(message.keys)
        self._past_before = past_before.find_all(message.keys)
        self._present: list[int] = []
        if self._past:
            self._present = [hit.start for hit in present.find_all(message.keys)]

    def explains(self, hit: Hit[Any], kind: str) -> bool:
        """An ordinary phrase, a shaky spelling correction, or (for danger) the past."""
        # Each test is skipped when the message has nothing it could find (most messages).
        if self._ordinary and not self._ordinary.isdisjoint(range(hit.start, hit.end)):
            return True
        if self._corrected and _shaky(self.message, hit):
            return True
        return (
            kind != SELF_HARM
            and bool(self._past or self._past_before)
            and self._explained_by_past(hit)
        )

    def _explained_by_past(self, hit: Hit[Any]) -> bool:
        message = self.message
        clause = message.clauses[hit.start]
        for cue in self._past:
            near = cue.start - hit.end < _PAST_REACH and hit.start - cue.end < _PAST_REACH
            if not near or message.clauses[cue.start] != clause:
                continue
            # "had a heart attack last year and now the chest pain is back": "now" between
            # the past and the alarming words puts them in the present.
            if cue.end <= hit.start:
                low, high = cue.end, hit.start
            else:
                low, high = hit.end, cue.start
            if not any(low <= p < high for p in self._present):
                return True
        for cue in self._past_before:
            if 0 <= hit.start - cue.end < _PAST_REACH and message.clauses[cue.start] == clause:
                return True
        return False


def _index(phrases: Iterable[str]) -> PhraseIndex[str]:
    return PhraseIndex((phrase_keys(p), p) for p in phrases)
