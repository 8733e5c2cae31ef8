"""Text normalisation shared by area matching and phrase checks: lower case, no fadas."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """'Béal an Átha!' -> 'beal an atha' (case, fadas, punctuation and dashes removed)."""
    folded = text.casefold()
    if folded.isascii():  # nothing to decompose: most messages
        return _NON_WORD.sub(" ", folded).strip()
    decomposed = unicodedata.normalize("NFKD", folded)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", stripped).strip()
