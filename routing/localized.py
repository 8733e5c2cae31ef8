"""Citizen-facing text in English and Irish.

In the routing file a citizen-facing text is either a plain string (English only, as older
files have it) or ``{en: ..., ga: ...}``. :class:`Localized` holds both; ``in_(language)``
gives the Irish when asked for and present, else the English. The Irish is checked like the
English (the same placeholders, its own safety words) and ``routing check`` lists every text
that has no Irish yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LANGUAGES = ("en", "ga")
ENGLISH = "en"
IRISH = "ga"


@dataclass(frozen=True, slots=True)
class Localized:
    en: str
    ga: str | None = None

    def in_(self, language: str | None) -> str:
        if language == IRISH and self.ga:
            return self.ga
        return self.en

    def format(self, language: str | None, **values: Any) -> str:
        return self.in_(language).format(**values)

    def __str__(self) -> str:  # where a plain string is still expected: the English
        return self.en


def localized(value: Any) -> Localized:
    """A routing-file value (a string, or ``{en, ga}``) as :class:`Localized`."""
    if isinstance(value, Localized):
        return value
    if isinstance(value, Mapping):
        en = value.get("en")
        ga = value.get("ga")
        return Localized(str(en) if en is not None else "", str(ga) if ga else None)
    return Localized("" if value is None else str(value))


def versions(value: Any) -> list[tuple[str, str]]:
    """Each language's version of a routing-file text, as ``(language, text)`` pairs (for
    checks that apply to every version)."""
    if isinstance(value, Mapping):
        return [(k, str(v)) for k, v in value.items() if k in LANGUAGES and v is not None]
    return [] if value is None else [(ENGLISH, str(value))]
