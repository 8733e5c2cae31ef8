"""Turn free text into plain lower-case word tokens, remembering clause boundaries.

Only the mechanics live here (case, accents, apostrophes, emoji, punctuation, stretched
letters). Everything about *which* words matter lives in the vocabulary.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

APOSTROPHES = "'\u2018\u2019\u02bc`\u00b4"
_APOSTROPHE_TABLE = str.maketrans("", "", APOSTROPHES)
# A word, or a run of punctuation that ends a clause ("not shopping, a hot meal").
_PIECE = re.compile(r"[a-z0-9]+|[,.;:!?\n\u2026]+|\s[-\u2013\u2014]+\s")
_STRETCHED = re.compile(r"([a-z])\1{2,}")


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a message: ``text`` is normalised, ``clause`` counts punctuation breaks."""

    text: str
    clause: int


def fold(text: str) -> str:
    """Lower-case, strip accents (fadas), drop apostrophes and squash stretched letters.

    "Béilí", "CAN'T" and "pleeeease" become "beili", "cant" and "pleease".
    """
    if text.isascii():  # nothing to decompose: most messages
        plain = text
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.casefold().translate(_APOSTROPHE_TABLE)
    return _STRETCHED.sub(r"\1\1", plain)


def tokenise(text: str) -> list[Token]:
    """Split folded text into word tokens; emoji and symbols separate words and vanish."""
    tokens: list[Token] = []
    clause = 0
    for piece in _PIECE.finditer(fold(text)):
        word = piece.group()
        if word[0].isalnum():
            tokens.append(Token(word, clause))
        elif tokens and tokens[-1].clause == clause:
            clause += 1
    return tokens


def words(text: str) -> list[str]:
    """The normalised words of ``text`` without clause information (for vocabulary entries)."""
    return [token.text for token in tokenise(text)]


def stem(word: str) -> str:
    """A light, deterministic English stem so word families share one key.

    "groceries" -> "grocery", "meals" -> "meal", "collecting"/"collected" -> "collect",
    "shopping" -> "shop", "breathe"/"breathing" -> "breath". Vocabulary and messages go
    through the same function, so the stems only have to be consistent, not pretty.
    """
    if word.isdigit() or len(word) < 4:
        return word
    if len(word) >= 5 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            if word[-1] == word[-2] and word[-1] in "bdgmnprt":
                word = word[:-1]
            break
    if len(word) >= 5 and word.endswith("e") and not word.endswith("ee"):
        word = word[:-1]
    return word


_SOUNDS = (
    ("ph", "f"), ("ck", "k"), ("tion", "shn"), ("sion", "shn"), ("shun", "shn"), ("qu", "kw"),
    ("wh", "w"), ("x", "ks"), ("ce", "se"), ("ci", "si"), ("cy", "sy"), ("c", "k"), ("z", "s"),
)


def skeleton(word: str) -> str:
    """The consonant outline of how a word sounds: "perscripshun" and "prescription" share one.

    Used as a last resort for spellings too far from the word for edit distance.
    """
    for written, sound in _SOUNDS:
        word = word.replace(written, sound)
    out: list[str] = []
    for ch in word:
        if ch in "aeiouy" or (out and out[-1] == ch):
            continue
        out.append(ch)
    return "".join(out)
