"""Reference codes such as ``MAY-7K3Q``: short, easy to read out over the phone.

The alphabet leaves out characters people confuse when reading or hearing them
(0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B). Uniqueness is enforced by the database (primary key).
"""

from __future__ import annotations

import re
import secrets

PREFIX = "MAY-"
ALPHABET = "ACDEFHJKMNPQRTUVWXY3479"
LENGTH = 4
# Recognise a reference in what a citizen types: "MAY-7K3Q", "may7k3q", or "may 7k3q" (with a
# space only when the code has a digit, so "I may need help" is not a reference).
_CODE = rf"[{ALPHABET}]{{{LENGTH}}}"
_IN_TEXT = re.compile(rf"\bmay-?({_CODE})\b|\bmay\s+(?=\S*\d)({_CODE})\b", re.IGNORECASE)


def new_reference() -> str:
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def find_reference(text: str) -> str | None:
    """The reference mentioned in ``text``, normalised (``MAY-7K3Q``), or None."""
    match = _IN_TEXT.search(text or "")
    if match is None:
        return None
    return PREFIX + (match.group(1) or match.group(2)).upper()


def is_reference(text: str) -> bool:
    return bool(re.fullmatch(rf"{PREFIX}[{ALPHABET}]{{{LENGTH}}}", text))
