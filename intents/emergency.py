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

``not_emergency`` entries may be cue entries too ("heart stopped | heart attack + <shock_object>":
"my heart stopped when I saw the bill"). A ``negators`` word just before an alarming phrase,
with only filler words or ``negator_links`` between, denies it ("no smell of gas", "the smell
was the bins not gas", "it wasn't a stroke"), unless the negator is one of the entry's own words
("not breathing", "níl sé ag análú"). ``declared`` entries ("it's an emergency") say nothing of
what is wrong: the finding is marked ``declared`` and the classifier gives the emergency reply
only when the message asks for nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from intents.cues import IN_ORDER, CueSet
from intents.message import ReadMessage
from intents.lexicon import Respeller
from intents.phrase_index import Hit, PhraseIndex, phrase_keys
from intents.vocabulary import EmergencyVocabulary

DANGER = "danger"
SELF_HARM = "self_harm"
WEAK = "weak"
DECLARED = "declared"  # "this is an emergency": danger, when nothing else is asked for
ORDINARY = "ordinary"
_DENIAL_REACH = 4  # at most this many filler or link words between a negator and the alarm
_PAST_REACH = 6  # "last year" explains away an alarming phrase up to this many words away
# "nothing happened thank God", "but I'm grand now": an all_clear cue explains the alarms up to
# this many words before it, in any clause ("I was choking on a bit of bread earlier, but I'm
# grand now"); the alarms after it stand ("she's fine now, but he's not breathing").
_CLEAR_REACH = 12
# A spelling-corrected word only counts for an emergency when it is this long: short words sit
# too close to ordinary ones ("chopping" is one letter from "choking" once stemmed).
_MIN_CORRECTED_KEY = 6
_ALONE_EXTRA_WORDS = 2  # "stroke", "stroke help now": a danger_alone entry plus at most this many
RECOVERED_SELF_HARM = "self-harm in the past, recovered"  # the weak cue then reported
# "the poor old dog had a stroke": at most this many filler or link words between an animal
# and the alarming words beside it
_ANIMAL_REACH = 3


@dataclass(frozen=True, slots=True)
class EmergencyFinding:
    """Which kind of emergency, and the vocabulary entry that decided it. ``declared``: only a
    ``declared`` entry was found ("it's an emergency"), which the classifier weighs against
    the rest of the message."""

    kind: str
    entry: str
    declared: bool = False


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
        entries += [(text, DECLARED) for text in vocabulary.declared]
        self._cues = CueSet(entries, families, window, fillers, distinct=True)
        self._weak = CueSet(
            [(text, WEAK) for text in vocabulary.weak], families, window, fillers, distinct=True
        )
        self._service_keys = service_keys
        self._alone = _index(vocabulary.danger_alone)
        plain = [p for p in vocabulary.not_emergency if not _is_cue(p)]
        self._ordinary = _index(plain)
        self._ordinary_cues = CueSet(
            [(p, ORDINARY) for p in vocabulary.not_emergency if _is_cue(p)],
            families, window, fillers, distinct=True,
        )
        self._past = _index(vocabulary.past_time)
        self._resolved = _index([*vocabulary.resolved, *vocabulary.all_clear])
        self._all_clear = _index(vocabulary.all_clear)
        self._resolved_only = _index(vocabulary.resolved)
        self._past_before = _index(vocabulary.past_time_before)
        self._present = _index(vocabulary.present_time)
        self._negators = _index(vocabulary.negators)
        self._links = _index(vocabulary.negator_links)
        self._contrast = _index(vocabulary.contrast)
        self._recovered = _index(vocabulary.recovered)
        self._animals = _index(vocabulary.animals)
        self._animal_links = _index(vocabulary.animal_links)
        self._animal_joiners = _index(vocabulary.animal_joiners)
        self._fillers = fillers

    def ordinary_positions(self, message: ReadMessage) -> set[int]:
        """The words of the message's ordinary phrases ("dying for", "fire brigade")."""
        ordinary: set[int] = set()
        for hit in self._ordinary.find_all(message.keys):
            ordinary.update(range(hit.start, hit.end))
        if self._ordinary_cues.size:
            for match in self._ordinary_cues.find(message.keys):
                ordinary.update(match.covered)
        return ordinary

    def examine(self, message: ReadMessage) -> tuple[EmergencyFinding | None, str | None]:
        """The emergency found, else None and the weak danger cue, if any."""
        context = _Context(message, self)
        finding = self._detect_phrases(context) or self._detect_alone(context)
        if finding is not None:
            return finding, None
        if context.recovered_self_harm:
            # a self-harm wording told as history beside a recovery ("I used to self harm, I'm
            # in a good place now"): lead with 112/999 and give the service, if read without
            # the recovery it is a whole self-harm entry (not one part of one)
            strict = _Context(message, self, soften=False)
            if any(m.payload == SELF_HARM for m in self._cues.find(message.keys, strict.explains)):
                return None, RECOVERED_SELF_HARM
        return None, self._weak_cue(context)

    def detect(self, message: ReadMessage) -> EmergencyFinding | None:
        return self.examine(message)[0]

    def weak(self, message: ReadMessage) -> str | None:
        """The weak danger cue in the message, if any (only asked when no emergency was found)."""
        return self._weak_cue(_Context(message, self))

    def _weak_cue(self, context: _Context) -> str | None:
        message = context.message
        if not self._weak.size or self.over(message):
            return None
        found = self._weak.find(message.keys, lambda hit, _: context.explains(hit, DANGER))
        alarm = frozenset(i for m in found for i in m.covered)
        found = [m for m in found if not self._denied(message, m.covered, alarm)]
        return found[0].text if found else None

    def over(self, message: ReadMessage) -> bool:
        """A resolved or all_clear cue anywhere that no negator denies ("he's ok now", not
        "he's not ok now"): then no weak cue counts."""
        return bool(_affirmed(self._resolved.find_all(message.keys), self, message.keys))

    def _denied(
        self, message: ReadMessage, covered: frozenset[int], alarm: frozenset[int] = frozenset()
    ) -> bool:
        """A negator just before one of the match's words, and not one of them: "no smell or
        leak", "the bins not gas", "it wasn't a stroke". The words of other alarming phrases
        found in the message are crossed too: "not a heart attack" denies "attack(ed)"."""
        if not self._negators.size:
            return False
        negators = {hit.end: hit.start for hit in self._negators.find_all(message.keys)}
        if not negators:
            return False
        links = {hit.end: hit.start for hit in self._links.find_all(message.keys)}
        for start in sorted(covered):
            if start - 1 in covered:
                continue  # not the first word of a run of the match's words
            position, steps = start, 0
            while position > 0 and steps <= _DENIAL_REACH:
                if message.clauses[position - 1] != message.clauses[start]:
                    break
                opener = negators.get(position)
                if opener is not None:
                    if covered.isdisjoint(range(opener, position)):
                        return True
                    break
                link = links.get(position)
                if link is not None:
                    position = link
                elif message.keys[position - 1] in self._fillers or (
                    position - 1 in alarm and position - 1 not in covered
                ):
                    position -= 1
                else:
                    break
                steps += 1
        return False

    def _detect_alone(self, context: _Context) -> EmergencyFinding | None:
        message = context.message
        if len(message.keys) > _ALONE_EXTRA_WORDS + 3:
            return None
        for hit in self._alone.find_all(message.keys):
            extra = len(message.keys) - (hit.end - hit.start)
            others = (*message.keys[: hit.start], *message.keys[hit.end :])
            if any(key in self._service_keys for key in others):
                continue  # "emergency prescription", "fire turf": a request, not an alarm
            if extra > _ALONE_EXTRA_WORDS or context.explains(hit, DANGER):
                continue
            if not self._denied(message, frozenset(range(hit.start, hit.end))):  # "no fire"
                return EmergencyFinding(DANGER, hit.payloads[0])
        return None

    def _detect_phrases(self, context: _Context) -> EmergencyFinding | None:
        message = context.message
        found = self._cues.find(message.keys, context.explains)
        alarm = frozenset(i for m in found for i in m.covered)
        found = [
            m
            for m in found
            if m.payload == SELF_HARM or not self._denied(message, m.covered, alarm)  # self-harm: always
        ]
        if not found:
            return None
        # self-harm first, then danger, then a declared emergency; in the order of the entries
        best = min(found, key=lambda m: (m.payload != SELF_HARM, m.payload == DECLARED))
        if best.payload == DECLARED:
            return EmergencyFinding(DANGER, best.text, declared=True)
        return EmergencyFinding(best.payload, best.text)


def _shaky(message: ReadMessage, hit: Hit[Any]) -> bool:
    return any(
        message.corrected[i] and len(message.keys[i]) < _MIN_CORRECTED_KEY
        for i in range(hit.start, hit.end)
    )


class _Context:
    """What can explain an alarming phrase away in one message."""

    def __init__(
        self, message: ReadMessage, detector: EmergencyDetector, soften: bool = True
    ) -> None:
        """``soften``: self-harm told as history beside a recovery is explained (and noted)."""
        self.message = message
        self._soften = soften
        self._detector = detector
        self._loaded = False  # looked up when the first alarming words are found (few messages)
        self._corrected = any(message.corrected)
        self._ordinary: set[int] = set()
        self._past: list[Hit[str]] = []
        self._past_before: list[Hit[str]] = []
        self._present: list[int] = []
        self._clear: list[int] = []  # where each all_clear cue starts
        self._contrast: list[int] = []  # where each contrast cue starts ("but this time")
        self._recovered: list[Hit[str]] = []  # "I'm in a good place now"
        self.recovered_self_harm = False  # a self-harm wording was explained as history
        self._animal_starts: set[int] = set()  # where each animal word starts / ends
        self._animal_ends: set[int] = set()
        self._skippable: set[int] = set()  # filler and animal_links words

    def _load(self) -> None:
        detector, keys = self._detector, self.message.keys
        self._ordinary = detector.ordinary_positions(self.message)
        # "ok now" near the alarm (resolved) is like the past; "he's not awake now" is not
        resolved = _affirmed(detector._resolved_only.find_all(keys), detector, keys)
        self._past = sorted([*detector._past.find_all(keys), *resolved], key=lambda h: h.start)
        self._past_before = detector._past_before.find_all(keys)
        # all is well: explains the alarms before it, in any clause ("he's not ok now" is no
        # all-clear, and "she's fine now but he's collapsed" leaves the collapse standing)
        self._clear = [hit.start for hit in _affirmed(detector._all_clear.find_all(keys), detector, keys)]
        if self._past or self._past_before:
            self._present = [hit.start for hit in detector._present.find_all(keys)]
            self._contrast = [hit.start for hit in detector._contrast.find_all(keys)]
            self._recovered = _affirmed(detector._recovered.find_all(keys), detector, keys)
        animals = detector._animals.find_all(keys) if detector._animals.size else []
        if animals:
            self._skippable = {i for i, key in enumerate(keys) if key in detector._fillers}
            for hit in detector._animal_links.find_all(keys):
                self._skippable.update(range(hit.start, hit.end))
            # "the dog and my son fell in", "mo mhac agus an madra": a person shares the alarm
            joiners = detector._animal_joiners.find_all(keys)
            joiner_starts = {hit.start for hit in joiners}
            joiner_ends = {hit.end for hit in joiners}
            for hit in animals:
                after = hit.end
                while after in self._skippable:
                    after += 1
                before = hit.start
                while before - 1 in self._skippable:
                    before -= 1
                if after in joiner_starts or before in joiner_ends:
                    continue
                self._animal_starts.add(hit.start)
                self._animal_ends.add(hit.end)
        self._loaded = True

    def explains(self, hit: Hit[Any], kind: str) -> bool:
        """An ordinary phrase, a shaky spelling correction, or (for danger) the past."""
        if not self._loaded:
            self._load()
        # Each test is skipped when the message has nothing it could find (most messages).
        # An ordinary phrase explains the alarming words it ends ("gasping" in "gasping for a
        # proper dinner", "someone in my house" in "someone in my house who"), not those that
        # go on past it ("gasping for air").
        if self._ordinary and hit.end - 1 in self._ordinary:
            return True
        if self._corrected and _shaky(self.message, hit):
            return True
        if kind == SELF_HARM:
            # never denied nor put in the past, unless told as history beside a recovery ("I
            # used to self harm, I'm in a good place now"): then only possible_emergency
            if self._soften and self._recovered and self._self_harm_history(hit):
                self.recovered_self_harm = True
                return True
            return False
        if self._clear and any(0 <= c - hit.end < _CLEAR_REACH for c in self._clear):
            return True
        if self._animal_starts and self._about_an_animal(hit):
            return True
        return bool(self._past or self._past_before) and self._explained_by_past(hit)

    def _self_harm_history(self, hit: Hit[Any]) -> bool:
        """A past cue beside the self-harm wording and no present cue in its clause (but those
        inside the recovery: "in a good place now")."""
        clause = self.message.clauses[hit.start]
        inside = {i for cue in self._recovered for i in range(cue.start, cue.end)}
        if any(self.message.clauses[p] == clause and p not in inside for p in self._present):
            return False
        return self._explained_by_past(hit)

    def _contrasted(self, low: int, high: int) -> bool:
        """A contrast cue ("but this time") between a past cue and the alarm after it."""
        return any(low <= c < high for c in self._contrast)

    def _about_an_animal(self, hit: Hit[Any]) -> bool:
        """An animal right after or right before the alarming words, with only filler words or
        animal_links between, in the same clause: "tá stróc ag an madra", "the cow fell"."""
        clauses = self.message.clauses
        clause = clauses[hit.start]
        position, steps = hit.end, 0
        while position < len(clauses) and clauses[position] == clause and steps <= _ANIMAL_REACH:
            if position in self._animal_starts:
                return True
            if position not in self._skippable:
                break
            position, steps = position + 1, steps + 1
        position, steps = hit.start, 0
        while position > 0 and clauses[position - 1] == clause and steps <= _ANIMAL_REACH:
            if position in self._animal_ends:
                return True
            if position - 1 not in self._skippable:
                break
            position, steps = position - 1, steps + 1
        return False

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
                if self._contrasted(low, high):
                    continue  # "often dizzy, but this time he can't lift his arm"
            else:
                low, high = hit.end, cue.start
            if not any(low <= p < high for p in self._present):
                return True
        for cue in self._past_before:
            # it may share a word with the alarm: "was there a" + "there's a fire"
            before = cue.start < hit.start and hit.start - cue.end < _PAST_REACH
            if before and message.clauses[cue.start] == clause and not self._contrasted(cue.end, hit.start):
                return True
        return False


def with_spellings(
    vocabulary: EmergencyVocabulary, spellings: Mapping[str, str]
) -> EmergencyVocabulary:
    """The emergency lists and word families written as messages are read: a message's "I'm"
    is read "i am" and "rang" "ring" (``language.spellings``), so an entry's "im not coming
    back" must be too, or it never matches."""
    respell = Respeller(spellings)
    if not respell:
        return vocabulary
    lists = {
        f.name: tuple(respell(e) for e in getattr(vocabulary, f.name))
        for f in fields(vocabulary)
        if f.name != "families"
    }
    families = tuple(
        (name, tuple(respell(p) for p in phrases)) for name, phrases in vocabulary.families
    )
    return replace(vocabulary, **lists, families=families)


def _affirmed(hits: list[Hit[str]], detector: EmergencyDetector, keys: Any) -> list[Hit[str]]:
    """The hits no negator stands just before ("not ok now", "isnt breathing now")."""
    if not hits:
        return hits
    denied = {hit.end for hit in detector._negators.find_all(keys)}
    return [hit for hit in hits if hit.start not in denied]


def _index(phrases: Iterable[str]) -> PhraseIndex[str]:
    return PhraseIndex((phrase_keys(p), p) for p in phrases)


def _is_cue(entry: str) -> bool:
    """A cue entry ("a | b + c", "<family>"), not a plain phrase."""
    return any(mark in entry for mark in ("+", "|", "<", "~", IN_ORDER))
