"""Irish (Gaeilge) spelling, so that "chógas", "gcógas", "cogas" and "cógas" are read as one word.

Irish changes the start of a word after certain words (initial mutations):
- séimhiú (lenition) adds an h: cógas -> mo chógas, siopa -> an tsiopa is t + s ... -> shiopa;
- urú (eclipsis) puts a letter in front: cógas -> ár gcógas, béile -> i mbéile, fuil -> an bhfuil;
- prefixes before a vowel: an t-ospidéal, na h-oibre (or hoibre), ina n-aonar;
- after "an", a feminine noun in s takes t: an tsiopadóireacht;
- elision: m'athair, d'fhéach, b'fhéidir.

Fadas are already optional everywhere (normalise.fold drops them). This module does two things:

``demutate(word)`` strips the mutations that can only be mutations (an Irish word never starts
with bhf, gc, mb, nd, dt, ng, bp, ts, or a consonant then h), so it is applied to every word of the
Irish vocabulary and gives the same result for "chógas", "gcógas" and "cógas".

``readings(word)`` lists further forms for a message word the vocabulary does not know: the
prefixes that could also be the start of a plain word (t, h or n before a vowel: "tuisce",
"hospidéal") and a few plural endings (béilí -> béile). The lexicon accepts one of them only when it is
a word of the Irish vocabulary, so English words are never demutated ("the" is not "te", "hour"
is not "our").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

# "an t-uisce", "na h-oibre", "ina n-aonar": a t, h or n joined by a hyphen to a vowel. Removed
# from the text before it is split into words (the hyphen would otherwise leave a stray letter).
_FIRST_VOWEL = "aeiouAEIOU\u00e1\u00e9\u00ed\u00f3\u00fa\u00c1\u00c9\u00cd\u00d3\u00da"
_HYPHEN_PREFIX = re.compile(rf"(?<![^\W\d_])[tThHnN][-\u2010\u2011](?=[{_FIRST_VOWEL}])")
# "m'athair", "d'fhéach", "b'fhéidir": an elided m, d or b at the start of a word is dropped
# before the apostrophe is (else "m'athair" would become "mathair"). English "I'd", "can't" keep
# theirs: the letter there follows the apostrophe.
_ELISION = re.compile(rf"(?<![^\W\d_])[mdbMDB]['\u2019](?=[{_FIRST_VOWEL}]|[fF][hH])")
_LETTERS = re.compile(r"[^\W\d_]+")
_FAMILY_NAME = re.compile(r"(<\s*[a-z0-9_]+\s*>)")  # a word family named in a cue entry
_ECLIPSES = ("mb", "gc", "nd", "dt", "ng", "bp")
_LENITABLE = frozenset("bcdfgmpst")
_VOWELS = frozenset("aeiou\u00e1\u00e9\u00ed\u00f3\u00fa")
# Plural and other endings tried on words the vocabulary does not know, longest first, with what
# replaces them: "cuairteanna" -> "cuairt", "oibrithe" -> "oibri", "beili" -> "beile".
_ENDINGS = (
    ("eanna", ""),
    ("anna", ""),
    ("eacha", ""),
    ("acha", ""),
    ("nna", ""),
    ("the", ""),
    ("ai", "a"),
    ("ai", ""),
    ("i", "e"),
    ("i", ""),
)
_MIN_ENDING_STEM = 3  # an ending is only removed when this much of the word is left


def strip_prefixes(text: str) -> str:
    """Drop hyphenated prefixes and elisions: "an t-ospidéal" -> "an ospidéal", "m'athair" ->
    "athair", "d'fhéach" -> "fhéach" (run on messages and vocabulary alike, before folding).
    """
    if "-" in text or "\u2010" in text or "\u2011" in text:
        text = _HYPHEN_PREFIX.sub("", text)
    if "'" in text or "\u2019" in text:
        text = _ELISION.sub("", text)
    return text


def demutate(word: str) -> str:
    """``word`` (lower case) without a mutation that no plain Irish word could start with.

    "bhfuil" -> "fuil", "gcógas" -> "cógas", "mbéile" -> "béile", "chógas" -> "cógas",
    "tsiopadóireacht" -> "siopadóireacht", "dtí" -> "tí". Words that may be plain ("tine",
    "hata", "naoi") are left alone: see ``readings``.
    """
    if len(word) < 3:
        return word
    if word.startswith("bhf"):
        return "f" + word[3:]
    head = word[:2]
    if head in _ECLIPSES:
        return word[1:]
    if word[1] == "h" and word[0] in _LENITABLE:
        return word[0] + word[2:]
    if head == "ts" and (word[2] in _VOWELS or word[2] in "lnr"):  # an tsiopa, an tslí
        return word[1:]
    return word


def readings(word: str) -> list[str]:
    """Forms an unknown message word may stand for, most likely first (``word`` itself excluded).

    Only the caller knows which of them are real Irish words: it keeps the first that is.
    """
    bases: list[str] = []
    plain = demutate(word)
    if plain != word:
        bases.append(plain)
    if len(word) >= 3 and word[0] in "thn" and word[1] in _VOWELS:
        bases.append(word[1:])  # "tuisce" (an t-uisce), "hospideal" (go h-ospidéal), "naonar"
    found = list(bases)
    for base in [word, *bases]:
        for ending, replacement in _ENDINGS:
            if base.endswith(ending) and len(base) - len(ending) >= _MIN_ENDING_STEM:
                found.append(base[: -len(ending)] + replacement)
    return [form for form in dict.fromkeys(found) if form != word]


def demutate_phrase(text: str, keep: Collection[str] = ()) -> str:
    """A vocabulary entry with every word demutated; " + " and " | " and fadas are kept.

    "ní féidir leis éirí + ar an urlár" stays as it is; "mo chógas" becomes "mo cógas" and
    "m'fhear céile" becomes "fear céile". Words in ``keep`` (folded: the English vocabulary's)
    are borrowings and stay as written: "pian sa chest" keeps "chest".
    """
    text = strip_prefixes(text)
    if "<" in text:  # "<ga_thit> + ...": a family's name is kept as written
        return "".join(
            piece if _FAMILY_NAME.fullmatch(piece) else
            _LETTERS.sub(lambda m: _demutate_cased(m.group(0), keep), piece)
            for piece in _FAMILY_NAME.split(text)
        )
    return _LETTERS.sub(lambda m: _demutate_cased(m.group(0), keep), text)


def _demutate_cased(word: str, keep: Collection[str]) -> str:
    lower = word.lower()
    plain = demutate(lower)
    if plain == lower or (keep and _fold(lower) in keep):
        return word
    return plain


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
