"""Map a message's words onto the vocabulary's words: stems, spellings, run-together words, typos.

Built once per classifier from every word the vocabulary uses. ``read(word)`` answers with
one or more vocabulary keys (stems) and whether a spelling correction was needed. In order:
listed spellings, known words, doubled letters, run-together words ("hotmeals"), small typing
slips (edit distance), and last the sound of the word ("perscripshun").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from intents.irish import demutate, readings
from intents.normalise import fold, skeleton, stem, words

_CACHE_LIMIT = 20_000
_MIN_PART = 3  # shortest first/last piece when splitting a run-together word ("hotmeals")
_MAX_SPLIT = 24  # longer "words" are not split (pasted links, keyboard mashing)
_MIN_TRANSPOSED = 4  # below fuzzy_min_length, only swapped letters are corrected ("pian")
_MIN_SKELETON = 4  # sound outlines shorter than this match too many words ("mls": meals, miles)
_ANY_FIRST_LETTER = 8  # shorter words are only corrected to words with the same first letter


@dataclass(frozen=True, slots=True)
class Reading:
    """How one message word was read: the vocabulary keys it stands for."""

    keys: tuple[str, ...]
    corrected: bool = False  # a fuzzy spelling correction was needed


class Lexicon:
    """Everything needed to read a word the way the vocabulary spells it."""

    def __init__(
        self,
        known: Iterable[str],
        content: Iterable[str],
        spellings: Mapping[str, str],
        common_words: Iterable[str],
        fuzzy_min_length: int,
        irish: Iterable[str] = (),
        irish_content: Iterable[str] = (),
    ) -> None:
        """``known``: every vocabulary word; ``content``: the words worth correcting towards;
        ``irish``: the (demutated) words of the Irish vocabulary, which a mutated message word
        may be read as ("chógas" -> "cógas"); a subset of ``known`` and ``common_words``;
        ``irish_content``: Irish words worth correcting towards, only in messages in Irish (so
        an English "parcel" is never corrected into the Irish "páirceáil").
        """
        self._known_keys = frozenset(stem(w) for w in known)
        self._irish_keys = frozenset(stem(w) for w in irish)
        self._common = frozenset(stem(w) for w in common_words)
        self._content_keys = frozenset(stem(w) for w in content)
        self._spellings = {
            stem(wrong): tuple(stem(w) for w in words(right)) for wrong, right in spellings.items()
        }
        # A vocabulary word whose stem happens to be a listed misspelling keeps its own meaning:
        # "range" (a stove) shares the stem "rang" with "rang: ring" but is not a phone call.
        self._spelled_words = frozenset(w for wrong in spellings for w in words(wrong))
        self._known_words = frozenset(w for phrase in known for w in words(phrase))
        self._min_fuzzy = fuzzy_min_length
        # Typos are compared with the stems and with the whole words they come from, because
        # a slip can hide the ending the stemmer needs ("shoppng" is one slip from "shopping"
        # but three from its stem "shop"). Each candidate answers with its stem.
        content_words = {w for w in content if w.isalpha() and stem(w) not in self._common}
        self._stem_of = {key: key for key in self._content_keys}
        for word in sorted(content_words):
            self._stem_of.setdefault(word, stem(word))
        self._by_length = _by_length(self._stem_of)
        self._irish_stem_of = {stem(w): stem(w) for w in irish_content if w.isalpha()}
        self._irish_stem_of.update({w: stem(w) for w in irish_content if w.isalpha()})
        self._irish_by_length = _by_length(self._irish_stem_of)
        self._by_skeleton: dict[str, list[str]] = {}
        for key in sorted(self._content_keys):
            outline = skeleton(key)
            if len(outline) >= _MIN_SKELETON:
                self._by_skeleton.setdefault(outline, []).append(key)
        self._cache: dict[str, Reading] = {}
        self._irish_cache: dict[str, Reading] = {}

    def read(self, word: str, irish: bool = False) -> Reading:
        """The vocabulary keys ``word`` stands for (its own stem when nothing fits better).

        ``irish``: the message is in Irish, so a typing slip may also be corrected towards an
        Irish word.
        """
        cache = self._irish_cache if irish else self._cache
        cached = cache.get(word)
        if cached is None:
            cached = self._read(word)
            if irish and (cached.corrected or cached.keys == (stem(word),)):
                cached = self._irish_slip(word) or cached
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            cache[word] = cached
        return cached

    def _irish_slip(self, word: str) -> Reading | None:
        """An Irish vocabulary word one or two slips away (from the demutated form too)."""
        key = stem(word)
        if len(word) < self._min_fuzzy or key in self._known_keys or key in self._common:
            return None
        for form in dict.fromkeys((word, demutate(word))):
            corrected = self._correct(
                stem(form), len(form), self._irish_by_length, self._irish_stem_of
            )
            if corrected:
                return Reading((corrected,), corrected=True)
        return None

    def _read(self, word: str) -> Reading:
        key = stem(word)
        if key in self._spellings and (
            word in self._spelled_words or word not in self._known_words
        ):
            return Reading(self._spellings[key])
        if key in self._known_keys or key in self._common or not word.isalpha():
            return Reading((key,))
        if self._irish_keys:
            irish = self._irish_reading(word)
            if irish:
                return irish
        squashed = stem(_squash_doubles(word))
        if squashed in self._known_keys:
            return Reading((squashed,))
        parts = self._split(word, depth=0)
        if parts:
            return Reading(parts)
        if len(word) < self._min_fuzzy:
            # Short words: only two swapped letters are trusted ("pian" is "pain").
            swapped = self._transposed(key) if len(word) >= _MIN_TRANSPOSED else None
            return Reading((swapped or key,))
        corrected = self._correct(
            key, len(word), self._by_length, self._stem_of
        ) or self._sounds_like(key, len(word))
        if corrected:
            return Reading((corrected,), corrected=True)
        return Reading((key,))

    def _irish_reading(self, word: str) -> Reading | None:
        """An Irish vocabulary word that ``word`` is a mutated or inflected form of."""
        for form in readings(word):
            key = stem(form)
            if key in self._irish_keys:
                return Reading(self._spellings.get(key, (key,)))
        return None

    def _split(self, word: str, depth: int) -> tuple[str, ...] | None:
        """Split a run-together word ("hotmeals", "mealsonwheels") into known words.

        The outer pieces need three letters or more, inner ones two ("on"); at least one
        piece must be a meaningful vocabulary word.
        """
        if depth == 0 and not _MIN_PART * 2 <= len(word) <= _MAX_SPLIT:
            return None
        if depth > 0 and len(word) >= _MIN_PART and stem(word) in self._known_keys:
            return (stem(word),)
        if depth >= 3:
            return None
        shortest = _MIN_PART if depth == 0 else 2
        for cut in range(len(word) - _MIN_PART, shortest - 1, -1):
            head = stem(word[:cut])
            if head not in self._known_keys:
                continue
            rest = self._split(word[cut:], depth + 1)
            if rest and (depth > 0 or any(p in self._content_keys for p in (head, *rest))):
                return (head, *rest)
        return None

    def _correct(
        self, key: str, length: int, by_length: dict[int, list[str]], stem_of: dict[str, str]
    ) -> str | None:
        """The closest meaningful vocabulary key within a small number of typing slips.

        Ties go to the candidate that keeps the first letter, then to the most shared letters
        at the start and end: people rarely mistype the first letter ("meels" is "meals", not
        "feels").
        """
        slips = 1 if length < 8 else 2
        # A short word one letter from a service word with a different first letter is usually
        # another real word ("sinner" is not "dinner", "bills" is not "pills", "beating" is not
        # "heating"): people rarely mistype the first letter, so short words must keep it.
        keep_first = length < _ANY_FIRST_LETTER
        found: list[tuple[int, int, int, str]] = []
        for size in range(len(key) - slips, len(key) + slips + 1):
            bucket = by_length.get(size)
            if not bucket:
                continue
            for candidate, distance, _ in process.extract(
                key, bucket, scorer=OSA.distance, score_cutoff=slips, limit=None
            ):
                if keep_first and candidate[0] != key[0]:
                    continue
                found.append(
                    (
                        int(distance),
                        candidate[0] != key[0],
                        -_shared_start(key, candidate) - _shared_start(key[::-1], candidate[::-1]),
                        candidate,
                    )
                )
        return stem_of[min(found)[3]] if found else None

    def _transposed(self, key: str) -> str | None:
        """A short word with two neighbouring letters swapped ("pian" -> "pain")."""
        for i in range(len(key) - 1):
            swapped = key[:i] + key[i + 1] + key[i] + key[i + 2 :]
            if swapped != key and swapped in self._content_keys:
                return swapped
        return None

    def _sounds_like(self, key: str, length: int) -> str | None:
        """A vocabulary key with the same sound outline ("perscripshun" -> "prescription")."""
        if length <= self._min_fuzzy:
            return None
        candidates = self._by_skeleton.get(skeleton(key))
        if not candidates:
            return None
        return min(candidates, key=lambda c: (OSA.distance(key, c), c))


def _by_length(stem_of: Mapping[str, str]) -> dict[int, list[str]]:
    """Candidates grouped by length, so a typo is only compared with similar lengths."""
    grouped: dict[int, list[str]] = {}
    for key in sorted(stem_of):
        grouped.setdefault(len(key), []).append(key)
    return grouped


def _shared_start(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _squash_doubles(word: str) -> str:
    """Drop every doubled letter: "shoppping" and "meealls" are then compared undoubled."""
    out: list[str] = []
    for ch in word:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


class Respeller:
    """Vocabulary text written the way messages are read: ``language.spellings`` turns a
    message's "im" into "i am" and "rang" into "ring", so an entry written "im not coming back"
    or "a man rang" must be turned the same way, or it can never match. Family names
    (``<name>``) and the cue marks are left alone."""

    def __init__(self, spellings: Mapping[str, str]) -> None:
        self._by_key = {stem(wrong): right for wrong, right in spellings.items()}

    def __bool__(self) -> bool:
        return bool(self._by_key)

    def __call__(self, entry: str) -> str:
        if not self._by_key:
            return entry
        return "".join(
            piece if piece.startswith("<") else _WORD.sub(self._word, piece)
            for piece in _FAMILY_NAME.split(entry)
        )

    def _word(self, found: re.Match[str]) -> str:
        text = found.group(0)
        return self._by_key.get(stem(fold(text)), text)


_WORD = re.compile(r"[^\W\d_]+")
_FAMILY_NAME = re.compile(r"(<\s*[a-z0-9_]+\s*>)")
