"""Irish phone numbers: recognise them as councils write them, show them in one format, and
make the ``tel:`` link for a call button.

Accepted: ``094 906 4660``, ``(094) 906-4660``, ``+353 94 906 4660``, ``+353 (0)94 906 4660``,
``00353 94 906 4660``, with an extension (``ext 123``, ``ext. 123``, ``extension 123``,
``x123``). Citizens always see the national format with the usual groups (``094 906 4660``,
``087 123 4567``, ``01 234 5678``, ``1800 700 700``, ``116 123``), and the extension in words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EMERGENCY_NUMBERS = ("112", "999")
_SHORT = set(EMERGENCY_NUMBERS)
_ALLOWED_CHARS = re.compile(r"^[+\d(][\d ()\-./]*$")
_EXTENSION = re.compile(r"\s*(?:,|;)?\s*(?:ext\.?|extension|x)\s*(\d{1,6})\s*$", re.IGNORECASE)
_TRUNK_ZERO = re.compile(r"\(\s*0\s*\)")

# Citizen-facing words, per language (issue 18 adds "ga").
EXTENSION_WORDS = {"en": "{number}, extension {extension}"}


@dataclass(frozen=True, slots=True)
class Phone:
    display: str  # as citizens see it: "094 906 4660", "094 906 4660, extension 21"
    uri: str  # "tel:+353949064660", "tel:112", "tel:+353949064660;ext=21"
    extension: str | None = None

    @property
    def is_emergency(self) -> bool:
        return self.uri in ("tel:112", "tel:999")


def _group(digits: str) -> str:
    """National digits in the usual groups."""
    if digits in _SHORT:
        return digits
    if re.fullmatch(r"116\d{3}", digits):
        return f"{digits[:3]} {digits[3:]}"
    if digits.startswith(("1800", "0818")):
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    if digits.startswith("01"):
        rest = digits[2:]
        return f"01 {rest[:3]} {rest[3:]}"
    code, rest = digits[:3], digits[3:]
    if len(rest) == 7:
        return f"{code} {rest[:3]} {rest[3:]}"
    return f"{code} {rest}"


def parse_phone(text: str, language: str = "en") -> Phone | None:
    """The phone number ``text`` as an Irish number, or None when it is not one.

    Accepted: 112 and 999; 116 xxx helplines; Freephone 1800 and 0818 numbers; mobile (08x)
    and landline (0 + area code) numbers, also written with +353 or 00353 instead of the
    first 0, with an optional "(0)" and an optional extension.
    """
    raw = " ".join(text.strip().split())
    extension = None
    ext = _EXTENSION.search(raw)
    if ext:
        extension = ext.group(1)
        raw = raw[: ext.start()].strip()
    raw = _TRUNK_ZERO.sub(" ", raw).strip()
    if not raw or not _ALLOWED_CHARS.match(raw):
        return None
    digits = re.sub(r"\D", "", raw)
    international = raw.startswith("+") or digits.startswith("00")
    if raw.startswith("+"):
        if not digits.startswith("353"):
            return None
        digits = "0" + digits[3:]
    elif digits.startswith("00353"):
        digits = "0" + digits[5:]
    elif digits.startswith("00"):
        return None
    if international and digits.startswith("00"):
        digits = digits[1:]  # "+353 (0)94" written as "+353 094"
    uri = _uri(digits)
    if uri is None:
        return None
    display = _group(digits)
    if extension:
        if digits in _SHORT or digits.startswith("116"):
            return None
        display = EXTENSION_WORDS.get(language, EXTENSION_WORDS["en"]).format(
            number=display, extension=extension
        )
        uri += f";ext={extension}"
    return Phone(display, uri, extension)


def _uri(digits: str) -> str | None:
    if digits in _SHORT:
        return f"tel:{digits}"
    if re.fullmatch(r"116\d{3}", digits):
        return f"tel:{digits}"
    if re.fullmatch(r"1800\d{6}", digits):
        return f"tel:+353{digits}"
    if re.fullmatch(r"0818\d{6}", digits):
        return f"tel:+353{digits[1:]}"
    if re.fullmatch(r"08[35679]\d{7}", digits):
        return f"tel:+353{digits[1:]}"
    if re.fullmatch(r"0[1-9]\d{6,8}", digits) and not digits.startswith(("08", "0818")):
        return f"tel:+353{digits[1:]}"
    return None


def phone_problem(text: str) -> str:
    """The message for a number that ``parse_phone`` rejected."""
    hint = ""
    if any(c in text for c in "\u201c\u201d\u2018\u2019\u00a0"):
        hint = " (it contains a curly quote or an invisible space pasted from Word: retype it)"
    return (
        f'"{text}" is not a valid Irish phone number{hint} — write it like 094 906 4660, '
        "+353 94 906 4660 or 094 906 4660 ext 21"
    )


def emergency_elsewhere(text: str) -> str:
    return (
        f'"{text}" is an emergency number — 112 and 999 belong only under emergency:, where '
        "the bot gives them with the emergency reply; give this contact's own number here"
    )
