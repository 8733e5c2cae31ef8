"""Reference codes such as ``MAY-7K3Q-XN9``: easy to read out over the phone, hard to guess.

Seven characters from an alphabet without the ones people confuse when reading or hearing
them (0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B): 23^7, about 3.4 billion codes, so guessing another
citizen's reference is hopeless (and a reference only ever answers in its own
conversation). Shown in two groups of four and three. Uniqueness is enforced by the
database. References from before (``MAY-7K3Q``, four characters) are still recognised.
"""

from __future__ import annotations

import re
import secrets

PREFIX = "MAY-"
ALPHABET = "ACDEFHJKMNPQRTUVWXY3479"
LENGTH = 7
_GROUP = 4  # MAY-XXXX-XXX
_OLD_LENGTH = 4
_C = f"[{ALPHABET}]"
# In what a citizen types: "MAY-7K3Q-XN9", "may 7k3q xn9", "MAY7K3QXN9", or an old "MAY-7K3Q";
# "may" followed by a space only when the code has a digit, so "I may need help" is not one.
_IN_TEXT = re.compile(
    rf"\bmay[-\s]?({_C}{{4}})[-\s]?({_C}{{3}})\b|\bmay-?({_C}{{4}})\b|\bmay\s+(?=\S*\d)({_C}{{4}})\b",
    re.IGNORECASE,
)


def new_reference() -> str:
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{PREFIX}{code[:_GROUP]}-{code[_GROUP:]}"


def find_reference(text: str) -> str | None:
    """The reference mentioned in ``text``, normalised (``MAY-7K3Q-XN9``), or None."""
    match = _IN_TEXT.search(text or "")
    if match is None:
        return None
    if match.group(1):
        return f"{PREFIX}{match.group(1).upper()}-{match.group(2).upper()}"
    return PREFIX + (match.group(3) or match.group(4)).upper()


def is_reference(text: str) -> bool:
    return bool(
        re.fullmatch(rf"{PREFIX}{_C}{{{_GROUP}}}-{_C}{{{LENGTH - _GROUP}}}", text)
        or re.fullmatch(rf"{PREFIX}{_C}{{{_OLD_LENGTH}}}", text)
    )
