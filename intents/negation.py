"""Negation and contrast scoping: which words a "not", "don't want" or "forget" applies to.

"not shopping, I need a hot meal": the scope of "not" runs to the end of its clause, to a
scope break ("but", "just", "I need") or to a fixed number of words, whichever comes first.
"My son does my shopping so I only need meals": an only-cue sets aside what came before it.
"The shopping is sorted, it's the chemist run": a satisfied cue marks its whole clause as
already taken care of (the classifier drops a service named only there, when another service
is asked for elsewhere).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from intents.message import ReadMessage
from intents.normalise import words
from intents.phrase_index import Hit, PhraseIndex, phrase_keys


_ASKING = frozenset({"doe", "do", "is", "are"})  # "does the group do meals" asks (stem of "does")
# "he can't cook for himself", "the dinners are not sorted": a satisfied cue just after these
# describes a need.
_UNABLE = frozenset(
    {"cant", "cannot", "couldnt", "unable", "not", "never", "wont", "dont", "doesnt", "didnt", "havent", "hasnt"}
)
_UNABLE_REACH = 3


def _not_as_written(message: ReadMessage, hit: Hit[str]) -> bool:
    """A cue written with a verb in "-s" ("gets my", "brings her") found without it: "to get
    the teeth out", "it's getting her to the clinic", "bring her to the neighbour" say someone
    is still to do it, not that someone does."""
    if not message.words:
        return False
    written = [w for cue in hit.payloads[:1] for w in words(cue)]
    found = message.words[hit.start : hit.end]
    return any(
        len(cue) > 3 and cue.endswith("s") and not cue.endswith("ss") and not seen.endswith("s")
        for seen, cue in zip(found, written)
    )


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
    satisfied: PhraseIndex[str] = PhraseIndex(())

    @classmethod
    def build(
        cls,
        cues: Iterable[str],
        clause_start_cues: Iterable[str],
        exceptions: Iterable[str],
        breaks: Iterable[str],
        scope: int,
        only: Iterable[str] = (),
        satisfied: Iterable[str] = (),
    ) -> NegationRules:
        return cls(
            _index(cues),
            _index(clause_start_cues),
            _index(exceptions),
            _index(breaks),
            scope,
            _index(only),
            _index(satisfied),
        )

    def parts(self, message: ReadMessage) -> tuple[int, ...]:
        """Each word's part of the message: clauses, cut again where a scope break starts ("I
        can cook fine | but I can't get to the shops"), so what a part says is met is only
        that part's."""
        starts = {hit.start for hit in self.breaks.find_all(message.keys)}
        numbers: list[int] = []
        part = 0
        for position in range(len(message.keys)):
            if position and (message.starts_clause(position) or position in starts):
                part += 1
            numbers.append(part)
        return tuple(numbers)

    def satisfied_clauses(
        self,
        message: ReadMessage,
        asking: Iterable[tuple[int, int]] = (),
        parts: tuple[int, ...] | None = None,
    ) -> frozenset[int]:
        """The clauses (or ``parts``, see ``parts()``) that say a need is already met ("the
        dinners are sorted"), or that it is not wanted. Not a question ("does the group do
        meals?"), not a cue after a request in its part ("could someone collect my repeat":
        ``asking`` holds the (start, end) of each request cue), and not a cue just after
        "can't" or "not able to" ("she's not able to cook for herself" is a need)."""
        hits = self.satisfied.find_all(message.keys)
        if not hits:
            return frozenset()
        keys, clauses = message.keys, message.clauses
        where = parts if parts is not None else clauses
        asked: dict[int, int] = {}  # part -> where its first request cue ends
        for start, end in asking:
            asked[where[start]] = min(end, asked.get(where[start], end))
        unable: set[int] = set()
        for hit in self.exceptions.find_all(keys):
            unable.update(range(hit.start, hit.end))
        found = set()
        for hit in hits:
            part = where[hit.start]
            if clauses[hit.start] in message.questions or _not_as_written(message, hit):
                continue
            if message.starts_clause(hit.start) and keys[hit.start] in _ASKING:
                continue
            if part in asked and asked[part] <= hit.start:
                continue
            before = range(max(0, hit.start - _UNABLE_REACH), hit.start)
            if any(where[p] == part and (keys[p] in _UNABLE or p in unable) for p in before):
                continue
            found.add(part)
        return frozenset(found)

    def only_from(self, message: ReadMessage) -> int | None:
        """Where the last only-cue ("just need", "only need") ends, if there is one."""
        hits = self.only.find_all(message.keys)
        return max(hit.end for hit in hits) if hits else None

    def cue_words(self, message: ReadMessage) -> frozenset[int]:
        """The words of the negation cues of two words or more: "don't call me" asks for no
        call, so its "call" is no evidence of one."""
        return frozenset(
            i
            for hit in self.cues.find_all(message.keys)
            if hit.end - hit.start > 1
            for i in range(hit.start, hit.end)
        )

    def negated_positions(self, message: ReadMessage, reach: bool = False) -> frozenset[int]:
        """Key positions that fall inside the scope of a negation cue.

        ``reach``: the whole rest of each negated clause (up to a scope break), however long:
        "no I wouldn't be wanting meals on wheels at all" turns the meals down even where the
        words are too far from "no" to be cancelled.
        """
        limit = len(message.keys) if reach else self.scope
        keys = message.keys
        excepted: set[int] = set()
        for hit in self.exceptions.find_all(keys):
            if not _not_as_written(message, hit):  # "she forgets the cooker on", not "forget the"
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
                and position >= cue.start - limit
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
                and position < cue.end + limit
                and message.clauses[position] == clause
                and position not in break_starts
            ):
                negated.add(position)
                position += 1
        return frozenset(negated)


def declined_clauses(
    satisfied: frozenset[int],
    named: Mapping[int, frozenset[str]],
    refused: Mapping[int, frozenset[str]],
    asking: frozenset[int],
) -> frozenset[int]:
    """The clauses that turn a service down or say it is seen to, with the ones that only go on
    about it: "I'm fine for groceries, the Centra lad drops them up" (the second clause names
    nothing new and asks for nothing), and "he's got meals on wheels, that's not the issue" (a
    satisfied clause naming no service speaks of the one before it).

    ``satisfied``: clauses with a satisfied cue; ``named``: clause -> services with evidence
    there; ``refused``: clause -> services negated there; ``asking``: clauses that ask for
    something (a request cue or a question), which are never taken as going on about a need.
    """
    declined = set(satisfied)
    for clause in sorted(satisfied):
        if named.get(clause):
            continue
        before = clause - 1  # back over parts that name nothing ("that side of | it is sorted")
        while before > 0 and not named.get(before) and before not in asking:
            before -= 1
        if named.get(before) and before not in asking:
            declined.update(range(before, clause))
    last = max((*named, *refused), default=-1)
    for clause in range(1, last + 1):
        previous = clause - 1
        if previous not in declined and not refused.get(previous):
            continue
        spoken_of = named.get(previous, frozenset()) | refused.get(previous, frozenset())
        here = named.get(clause)
        # only when it is clear which need was met ("the shopping isn't the problem, the cooking
        # is" names two)
        if here and len(spoken_of) == 1 and here <= spoken_of and clause not in asking:
            declined.add(clause)
    return frozenset(declined)
