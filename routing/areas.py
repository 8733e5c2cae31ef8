"""Find which Mayo area a citizen is in from what they typed (town, Irish name, Eircode)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from routing.localized import Localized
from routing.text import fold

_EIRCODE = re.compile(r"\b([ACDEFHKNPRTVWXY]\d{2}|D6W)(?:\s?[0-9ACDEFHKNPRTVWXY]{4})?\b", re.I)
_EIRCODE_KEY = re.compile(r"^([ACDEFHKNPRTVWXY]\d{2}|D6W)$", re.I)
_FUZZY_MIN_LEN = 5  # shorter names must be typed exactly: "Cong", "Balla"
_FUZZY_CUTOFF = 85.0
_FUZZY_MEMO_MAX = 20_000  # word groups whose fuzzy best match is remembered (about 3 MB)


@dataclass(frozen=True, slots=True)
class Area:
    id: str
    name: Localized  # on the area buttons: "Castlebar" / "Caisleán an Bharraigh"
    places: tuple[str, ...]
    eircodes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AreaMatch:
    area_id: str
    matched: str  # the place name or Eircode that matched
    score: float


def eircode_key(text: str) -> str | None:
    """ "f31" -> "F31" when ``text`` is an Eircode routing key, else None."""
    stripped = text.strip()
    return stripped.upper() if _EIRCODE_KEY.match(stripped) else None


def place_key(place: str) -> str:
    """How a town ("ballinrobe") or an Eircode routing key ("F31") is matched."""
    return eircode_key(place) or fold(place)


class AreaMatcher:
    """Matches place names (exact first, then fuzzy for typos) and Eircode routing keys."""

    def __init__(self, areas: tuple[Area, ...]) -> None:
        self._names: dict[str, str] = {}  # folded place name -> area id
        for area in areas:
            names = (area.name.en, area.name.ga or "")
            for place in (*names, area.id.replace("_", " "), *area.places):
                key = fold(place)
                if key:
                    self._names.setdefault(key, area.id)
        self._eircodes = {code.upper(): a.id for a in areas for code in a.eircodes}
        self._max_words = max((len(n.split()) for n in self._names), default=1)
        self._choices = _fuzzy_choices(self._names)
        # Word groups recur from message to message ("my mother", "the chemist"): the
        # fuzzy best match of each is remembered, since comparing it with every place name
        # of a similar length was a twentieth of a turn's time. Bounded: cleared when full.
        self._memo: dict[str, tuple[str, float] | None] = {}

    def find(self, text: str) -> AreaMatch | None:
        """The area named in ``text``, or None when there is none or it is ambiguous."""
        for m in _EIRCODE.finditer(text):
            key = m.group(1).upper()
            if key in self._eircodes:
                return AreaMatch(self._eircodes[key], key, 100.0)
        words = fold(text).split()
        grams = [
            " ".join(words[i : i + n])
            for n in range(self._max_words, 0, -1)
            for i in range(len(words) - n + 1)
        ]
        for gram in grams:  # longest first: "bangor erris" before "erris"
            if gram in self._names:
                return AreaMatch(self._names[gram], gram, 100.0)
        best: AreaMatch | None = None
        ambiguous = False
        for gram in grams:
            hit = self._fuzzy(gram)
            if hit is None:
                continue
            name, score = hit
            area_id = self._names[name]
            if best is None or score > best.score:
                ambiguous = False
                best = AreaMatch(area_id, name, score)
            elif score == best.score and area_id != best.area_id:
                ambiguous = True
        return None if ambiguous else best

    def _fuzzy(self, gram: str) -> tuple[str, float] | None:
        """The place name most like ``gram`` (first of equals) and its score, or None."""
        try:
            return self._memo[gram]
        except KeyError:
            pass
        choices = self._choices.get(len(gram))
        hit = None
        if choices is not None:
            found = process.extractOne(gram, choices, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
            if found is not None:
                hit = (found[0], found[1])
        if len(self._memo) >= _FUZZY_MEMO_MAX:
            self._memo.clear()
        self._memo[gram] = hit
        return hit


def _fuzzy_choices(names: Iterable[str]) -> dict[int, list[str]]:
    """The names worth comparing with a word group of each length (lengths with none left out).

    fuzz.ratio >= cutoff needs similar lengths (2 * shorter / (sum of lengths) >= cutoff), so
    each word group is compared with the few names it could match instead of all of them.
    Word groups shorter than _FUZZY_MIN_LEN are never compared.
    """
    by_length: dict[int, list[str]] = {}
    for name in names:
        if len(name) >= _FUZZY_MIN_LEN:
            by_length.setdefault(len(name), []).append(name)
    limit = _FUZZY_CUTOFF / 100.0
    # Longer word groups fit no name: 2 * longest / (longest + length) < limit.
    longest = max(by_length, default=0)
    choices: dict[int, list[str]] = {}
    for length in range(_FUZZY_MIN_LEN, int(longest * (2 / limit - 1)) + 2):
        fitting = [
            name
            for size, sized in by_length.items()
            if 2 * min(size, length) / (size + length) >= limit
            for name in sized
        ]
        if fitting:
            choices[length] = fitting
    return choices
