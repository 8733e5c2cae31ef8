"""Irish phone numbers: recognise them, and make the ``tel:`` link for a call button."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SHORT = {"112", "999"}
_ALLOWED_CHARS = re.compile(r"^[+\d(][\d ()\-]*$")


@dataclass(frozen=True, slots=True)
class Phone:
    display: str  # as staff wrote it: "094 906 4660"
    uri: str  # "tel:+353949064660", "tel:112"


def parse_phone(text: str) -> Phone | None:
    """The phone number ``text`` as an Irish number, or None when it is not one.

    Accepted: 112 and 999; 116 xxx helplines; Freephone 1800 and 0818 numbers; mobile (08x)
    and landline (0 + area code) numbers, also written with +353 instead of the first 0.
    """
    raw = text.strip()
    if not raw or not _ALLOWED_CHARS.match(raw):
        return None
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+"):
        if not digits.startswith("353"):
            return None
        digits = "0" + digits[3:]
    elif digits.startswith("00353"):
        digits = "0" + digits[5:]
    if digits in _SHORT:
        return Phone(raw, f"tel:{digits}")
    if re.fullmatch(r"116\d{3}", digits):
        return Phone(raw, f"tel:{digits}")
    if re.fullmatch(r"1800\d{6}", digits):
        return Phone(raw, f"tel:+353{digits}")
    if re.fullmatch(r"0818\d{6}", digits):
        return Phone(raw, f"tel:+353{digits[1:]}")
    if re.fullmatch(r"08[35679]\d{7}", digits):
        return Phone(raw, f"tel:+353{digits[1:]}")
    if re.fullmatch(r"0[1-9]\d{6,8}", digits) and not digits.startswith(("08", "0818")):
        return Phone(raw, f"tel:+353{digits[1:]}")
    return None


def phone_problem(text: str) -> str:
    """The message for a number that ``parse_phone`` rejected."""
    return f'"{text}" is not a valid Irish phone number — write it like 094 906 4660'
