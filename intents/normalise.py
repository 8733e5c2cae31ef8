"""Turn free text into plain lower-case word tokens, remembering clause boundaries.

Only the mechanics live here (case, accents, apostrophes, emoji, punctuation, stretched
letters). Everything about *which* words matter lives in the vocabulary.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from intents.irish import strip_prefixes

APOSTROPHES = "'\u2018\u2019\u02bc`\u00b4"
_APOSTROPHE_TABLE = str.maketrans("", "", APOSTROPHES)
# A word, or a run of punctuation that ends a clause ("not shopping, a hot meal").
_PIECE = re.compile(r"[a-z0-9]+|[,.;:!?\n\u2026]+|\s[-\u2013\u2014]+\s")
_STRETCHED = re.compile(r"([a-z])\1{2,}")
_TRIPLED = re.compile(r"([a-z])\1\1")  # the same test as _STRETCHED, twice as fast to search


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
        plain = text.casefold()
        if "'" in plain or "`" in plain:  # the only ASCII characters in APOSTROPHES
            plain = plain.translate(_APOSTROPHE_TABLE)
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        plain = plain.casefold().translate(_APOSTROPHE_TABLE)
    return _STRETCHED.sub(r"\1\1", plain) if _TRIPLED.search(plain) else plain


def tokenise(text: str) -> list[Token]:
    """Split folded text into word tokens; emoji and symbols separate words and vanish."""
    return [Token(word, clause) for word, clause in word_clauses(text)]


def word_clauses(text: str) -> list[tuple[str, int]]:
    """``tokenise`` as plain (text, clause) pairs: what the classifier reads, built faster."""
    return clauses_and_questions(text)[0]


def clauses_and_questions(text: str) -> tuple[list[tuple[str, int]], frozenset[int]]:
    """(text, clause) pairs, and the clauses that end in a question mark ("does the group do
    meals?" asks; it does not say the meals are seen to)."""
    pairs: list[tuple[str, int]] = []
    questions: set[int] = set()
    clause = 0
    for piece in _PIECE.findall(fold(strip_prefixes(text))):  # "an t-ospidéal", "m'athair"
        if piece[0].isalnum():
            pairs.append((piece, clause))
        elif pairs and pairs[-1][1] == clause:
            if "?" in piece:
                questions.add(clause)
            clause += 1
    return pairs, frozenset(questions)


def words(text: str) -> list[str]:
    """The normalised words of ``text`` without clause information (for vocabulary entries)."""
    return [word for word, _ in word_clauses(text)]


# Plural times of day say "as a habit" ("he won't wake up in the mornings"): they keep their
# plural, apart from the singular ("in the morning"), which may be today.
_HABITUAL_PLURALS = frozenset({"mornings", "evenings", "afternoons", "nights", "weekends"})


def stem(word: str) -> str:
    """A light, deterministic English stem so word families share one key.

    "groceries" -> "grocery", "meals" -> "meal", "collecting"/"collected" -> "collect",
    "shopping" -> "shop", "breathe"/"breathing" -> "breath". Vocabulary and messages go
    through the same function, so the stems only have to be consistent, not pretty.
    """
    if word.isdigit() or len(word) < 4 or word in _HABITUAL_PLURALS:
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
