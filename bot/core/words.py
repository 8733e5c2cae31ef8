"""Small helpers for matching what a citizen typed against the routing file's word lists."""

from __future__ import annotations

import functools
import re
import unicodedata

_PUNCT = re.compile(r"[^\w\s']")


def fold(text: str) -> str:
    """Lower case, fadas and punctuation dropped, spaces squeezed: ``"Go on, so!"`` ->
    ``"go on so"``; ``"Tá"`` -> ``"ta"``."""
    lowered = text.lower().replace("’", "'")
    if not lowered.isascii():
        lowered = "".join(
            c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c)
        )
    return " ".join(_PUNCT.sub(" ", lowered).replace("'", "").split())


@functools.lru_cache(maxsize=256)
def folded_set(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(f for f in (fold(w) for w in words) if f)


def matches(text: str, words: tuple[str, ...]) -> bool:
    """The whole message is one of ``words`` (ignoring case, fadas and punctuation)."""
    folded = fold(text)
    return bool(folded) and folded in folded_set(words)


def starts_with(text: str, words: tuple[str, ...]) -> bool:
    """The message is one of ``words`` or begins with one ("cancel that", "yes please")."""
    folded = fold(text)
    if not folded:
        return False
    for phrase in folded_set(words):
        if folded == phrase or folded.startswith(phrase + " "):
            return True
    return False


def yes_or_no(text: str, yes: tuple[str, ...], no: tuple[str, ...]) -> bool | None:
    """True for a yes ("yes please", "grand", "go on so"), False for a no ("no thanks",
    "don't"), None when it is neither. A no wins over a yes ("yes, no, don't")."""
    folded = fold(text)
    if not folded:
        return None
    if starts_with(folded, no):
        return False
    if starts_with(folded, yes):
        return True
    return None
