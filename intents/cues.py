"""Compositional cue entries: "fell | <fall> + <cant_get_up>", matched in a read message.

An entry is one or more parts joined by " + " (all must be present, in any order, within
``window`` words of each other), each part a set of alternatives joined by " | ". An
alternative written ``<name>`` stands for every phrase of the word family ``name`` (a list in
the vocabulary: "<someone>" = he, she, mam, my husband ...), so one entry covers a whole family
of wordings. A part starting with "~" may be anywhere in the message ("~ <memory_loss> +
<gone_missing>": the dementia can be mentioned sentences before the wandering off). Angle
brackets, not braces, so staff need no quotes in YAML.

Inside a word family, filler words ("is", "the", "his", "her" ...) may come and go in a
phrase of two or more other words: "face crooked" also matches "face is crooked", and "cant
lift her arm" also matches "can't lift my arm". Every phrase is also matched as written.
Phrases written straight into an entry are matched only as written ("this is an emergency" is
not "is this an emergency").

A family may also sit inside a phrase: "cover <outside_place>" is "cover galway", "cover
sligo" ... (one family per phrase), matched only as written, like any phrase of an entry.

Parts joined by " ... " instead must come in that order ("<cant_do> ... <cooking_task>": "can't
lift a saucepan", not "I can cook, it's the shop I can't get to"); an entry uses one joiner.

With ``distinct`` (the emergency cues), one wording never stands for two parts of an entry:
"said my goodbyes" is in both <goodbye> and <ending>, and must not alone satisfy
"<goodbye> + <ending>". Each part needs words of its own, not inside another part's words.

Used for emergencies, weak danger cues, conversation acts, other matters and the needs a service
hears described indirectly. Everything is expanded and indexed once; matching costs a few
dictionary look-ups per message word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from intents.phrase_index import Hit, PhraseIndex, phrase_keys

T = TypeVar("T")
ANYWHERE = "~"
IN_ORDER = "..."  # joins parts that must come in the order written
_FAMILY = re.compile(r"^<\s*([a-z0-9_]+)\s*>$")
_INSIDE = re.compile(r"<\s*([a-z0-9_]+)\s*>")  # a family named inside a phrase
_JOINER = re.compile(r"\+|\.\.\.")


def entry_parts(entry: str) -> list[str]:
    """The parts of an entry, joined by " + " (any order) or " ... " (in order)."""
    return _JOINER.split(entry)


def is_ordered(entry: str) -> bool:
    return IN_ORDER in entry


def family_name(alternative: str) -> str | None:
    """``"<someone>"`` -> ``"someone"``; None for an ordinary phrase."""
    found = _FAMILY.match(alternative.strip())
    return found.group(1) if found else None


def family_references(entry: str) -> list[str]:
    """Every family name an entry refers to (for validation), inside phrases too."""
    names = []
    for part in entry_parts(entry):
        for alternative in part.strip().removeprefix(ANYWHERE).split("|"):
            names.extend(_INSIDE.findall(alternative))
    return names


def without_families(alternative: str) -> str:
    """An alternative's own words: "cover <outside_place>" -> "cover " (the name is no word)."""
    return _INSIDE.sub(" ", alternative)


def _phrases_of(alternative: str, families: Mapping[str, Sequence[str]]) -> list[str]:
    """The phrases an alternative with one family inside it stands for: "cover <place>" is
    "cover galway", "cover sligo" ... (only the first family named is expanded)."""
    found = _INSIDE.search(alternative)
    if found is None:
        return [alternative]
    before, after = alternative[: found.start()], alternative[found.end() :]
    return [f"{before} {phrase} {after}" for phrase in families.get(found.group(1), ())]


@dataclass(frozen=True, slots=True)
class _Part:
    entry: int
    part: int


@dataclass(frozen=True, slots=True)
class CueMatch(Generic[T]):
    """One complete entry found: its payload, its text and the words its parts cover."""

    payload: T
    text: str
    start: int
    end: int
    covered: frozenset[int] = frozenset()  # every word any of its parts matched
    # where the need is named: the last part of an in-order entry ("could someone ... ring
    # her" is asked where "ring her" is), else the start
    anchor: int = -1


@dataclass(frozen=True, slots=True)
class _Entry(Generic[T]):
    payload: T
    text: str
    parts: int
    anywhere: frozenset[int]  # parts that may be anywhere in the message
    ordered: bool = False  # parts must come in the order written (" ... ")


def split_entry(
    entry: str, families: Mapping[str, Sequence[str]]
) -> list[tuple[bool, list[tuple[tuple[str, ...], bool]]]]:
    """(anywhere?, [(alternative keys, from a family?)]) for each part, families expanded."""
    parts = []
    for raw in entry_parts(entry):
        part = raw.strip()
        anywhere = part.startswith(ANYWHERE)
        alternatives: list[tuple[tuple[str, ...], bool]] = []
        for alternative in part.removeprefix(ANYWHERE).split("|"):
            name = family_name(alternative)
            if name is not None:
                phrases: Sequence[str] = families.get(name, ())
            else:  # a phrase, perhaps with a family inside: "lives in <outside_place>"
                phrases = _phrases_of(alternative, families)
            alternatives.extend(
                (keys, name is not None) for p in phrases if (keys := phrase_keys(p))
            )
        parts.append((anywhere, alternatives))
    return parts


class CueSet(Generic[T]):
    """Entries (text, payload) indexed for matching; built once from the vocabulary."""

    def __init__(
        self,
        entries: Iterable[tuple[str, T]],
        families: Mapping[str, Sequence[str]],
        window: int,
        fillers: frozenset[str] = frozenset(),
        distinct: bool = False,
    ) -> None:
        self._window = window
        self._fillers = fillers
        self._distinct = distinct
        self._entries: list[_Entry[T]] = []
        parts: list[tuple[tuple[str, ...], _Part]] = []
        lean: list[tuple[tuple[str, ...], _Part]] = []  # the phrases without their fillers
        for text, payload in entries:
            split = split_entry(text, families)
            number = len(self._entries)
            anywhere = frozenset(i for i, (far, _) in enumerate(split) if far)
            ordered = is_ordered(text)
            self._entries.append(_Entry(payload, text, len(split), anywhere, ordered))
            for part_number, (_, alternatives) in enumerate(split):
                parts.extend((keys, _Part(number, part_number)) for keys, _ in alternatives)
                for keys, in_family in alternatives:
                    if not in_family:
                        continue
                    kept = tuple(k for k in keys if k not in fillers)
                    if len(kept) >= 2 and kept != keys:
                        lean.append((kept, _Part(number, part_number)))
                    elif len(kept) >= 2:  # already lean: it must match lean messages too
                        lean.append((keys, _Part(number, part_number)))
        self._parts = PhraseIndex(parts)
        self._lean = PhraseIndex(lean)
        self.size = len(self._entries)

    def find(
        self,
        keys: tuple[str, ...],
        skip: Callable[[Hit[Any], T], bool] | None = None,
    ) -> list[CueMatch[T]]:
        """Every complete entry, in the order of the entries; ``skip`` drops a part's hit."""
        hits = self._parts.find_all(keys)
        if self._lean.size:
            hits += self._lean_hits(keys)
        if not hits:
            return []
        found: dict[int, dict[int, list[tuple[int, int]]]] = {}  # entry -> part -> spans
        # A wording inside a longer one that was set aside is set aside too: "attack" in "how
        # would I know if he is having a heart attack" goes with the explained "heart attack".
        dropped: set[tuple[int, int, int]] = set()  # (start, end, entry) set aside
        if skip is not None:
            outer: list[tuple[int, int, Any]] = []
            for hit in sorted(hits, key=lambda h: h.start - h.end):  # longest first
                for part in hit.payloads:
                    payload = self._entries[part.entry].payload
                    inside = any(
                        s <= hit.start and hit.end <= e and e - s > hit.end - hit.start and p == payload
                        for s, e, p in outer
                    )
                    if inside or skip(hit, payload):
                        outer.append((hit.start, hit.end, payload))
                        dropped.add((hit.start, hit.end, part.entry))
        for hit in hits:
            for part in hit.payloads:
                if (hit.start, hit.end, part.entry) in dropped:
                    continue
                spans = found.setdefault(part.entry, {}).setdefault(part.part, [])
                spans.append((hit.start, hit.end))
        matches = []
        for number in sorted(found):
            parts = found[number]
            entry = self._entries[number]
            if len(parts) != entry.parts:
                continue
            if self._distinct and entry.parts > 1 and not _separate(list(parts.values())):
                continue  # one wording standing for two parts
            if entry.ordered:
                chosen = _in_order([parts[p] for p in range(entry.parts)], self._window)
                if chosen is None:
                    continue
                covered = frozenset(i for s in chosen for i in range(s[0], s[1]))
                matches.append(
                    CueMatch(
                        entry.payload, entry.text, chosen[0][0], chosen[-1][1], covered,
                        chosen[-1][0],
                    )
                )
                continue
            near = [spans for p, spans in parts.items() if p not in entry.anywhere]
            span = _close_together(near, self._window)
            if span is None:
                continue
            if not near:  # every part may be anywhere: the first occurrence of each
                firsts = [spans[0] for spans in parts.values()]
                span = (min(s for s, _ in firsts), max(e for _, e in firsts))
            covered = frozenset(
                i for spans in parts.values() for start, end in spans for i in range(start, end)
            )
            matches.append(CueMatch(entry.payload, entry.text, span[0], span[1], covered, span[0]))
        return matches


    def _lean_hits(self, keys: tuple[str, ...]) -> list[Hit[_Part]]:
        """Hits in the message with its filler words left out, at their original positions."""
        positions = [i for i, key in enumerate(keys) if key not in self._fillers]
        if len(positions) == len(keys):
            return []  # no fillers: the hits as written are all there is
        lean = tuple(keys[i] for i in positions)
        return [
            Hit(positions[hit.start], positions[hit.end - 1] + 1, hit.payloads)
            for hit in self._lean.find_all(lean)
            if hit.end - hit.start >= 2
        ]


def _separate(parts: list[list[tuple[int, int]]]) -> bool:
    """One span per part with none inside another (or the same): each part has words of its
    own. Parts and spans are few, so a small search is enough."""

    def inside(a: tuple[int, int], b: tuple[int, int]) -> bool:
        return b[0] <= a[0] and a[1] <= b[1]

    def search(index: int, chosen: list[tuple[int, int]]) -> bool:
        if index == len(parts):
            return True
        return any(
            search(index + 1, [*chosen, span])
            for span in parts[index]
            if not any(inside(span, c) or inside(c, span) for c in chosen)
        )

    return search(0, [])


def _in_order(parts: list[list[tuple[int, int]]], window: int) -> list[tuple[int, int]] | None:
    """One span per part, each starting after the previous one ends, all inside ``window``
    words: the spans chosen, or None."""
    for first in parts[0]:
        chosen = [first]
        for spans in parts[1:]:
            after = [s for s in spans if s[0] >= chosen[-1][1] and s[1] <= first[0] + window]
            if not after:
                break
            chosen.append(min(after))
        else:
            return chosen
    return None


def _close_together(parts: list[list[tuple[int, int]]], window: int) -> tuple[int, int] | None:
    """One span per part, all inside ``window`` words: the words they cover, or None.

    Tries each span start as the left edge of the window (linear in spans, not combinatorial:
    "{someone}" may match a dozen times in a long story).
    """
    if not parts:
        return (0, 0)
    if len(parts) == 1:
        return parts[0][0]
    for left in sorted({start for spans in parts for start, _ in spans}):
        right = left + window
        ends = []
        for spans in parts:
            fitting = [end for start, end in spans if start >= left and end <= right]
            if not fitting:
                break
            ends.append(min(fitting))
        else:
            return (left, max(ends))
    return None
