"""A tiny stand-in classifier for routing tests: routing logic is tested apart from intents/.

It matches each service's phrases and keywords as substrings, in the order they appear in the
message. Emergencies: the file's ``language: emergency:`` entries, matched the same way
("fell + get up": every part somewhere in the message, "a | b": either), so the fixed safety
suite (routing/safety.py) judges the fixture's own emergency phrases. Special test words:
"DANGER" and "SELFHARM" are emergencies; "EITHER a b" asks to clarify between services a and b.
"""

from __future__ import annotations

from typing import Any

from intents.result import Classification
from routing.text import fold


def _fold(text: str) -> str:
    """As the real classifier reads words: "can't" is "cant"."""
    return fold(text.replace("'", "").replace("\u2019", ""))


def _entry(text: str) -> list[list[str]]:
    return [[_fold(alt) for alt in part.split("|") if _fold(alt)] for part in text.split("+")]


class KeywordClassifier:
    def __init__(self, services: list[dict[str, Any]], language: dict[str, Any]) -> None:
        self.terms: list[tuple[str, str]] = []
        for s in services:
            for term in [*s.get("phrases", []), *(s.get("keywords") or {})]:
                self.terms.append((fold(term), s["id"]))
        emergency = language.get("emergency") or {}
        self.emergencies = [
            (kind, _entry(str(e))) for kind in ("self_harm", "danger") for e in emergency.get(kind) or []
        ]

    def _emergency(self, folded: str) -> tuple[str, str] | None:
        for kind, parts in self.emergencies:
            if parts and all(any(f" {alt}" in folded for alt in alts) for alts in parts):
                return kind, " + ".join(" | ".join(alts) for alts in parts)
        return None

    def classify(self, text: str) -> Classification:
        words = text.split()
        if "DANGER" in words:
            return Classification(text, "emergency", emergency_kind="danger", score=1.0)
        if "SELFHARM" in words:
            return Classification(text, "emergency", emergency_kind="self_harm", score=1.0)
        if words[:1] == ["EITHER"] and len(words) >= 3:
            return Classification(text, None, candidates=(words[1], words[2]), score=0.5)
        folded = f" {fold(text)} "
        found = self._emergency(f" {_fold(text)} ")
        if found is not None:
            kind, entry = found
            return Classification(
                text, "emergency", emergency_kind=kind, score=1.0, evidence={"emergency": (entry,)}
            )
        hits = sorted(
            (folded.find(f" {term} "), sid) for term, sid in self.terms if f" {term} " in folded
        )
        intents = tuple(dict.fromkeys(sid for _, sid in hits))
        if not intents:
            return Classification(text, None)
        evidence = {sid: tuple(t for t, s in self.terms if s == sid and f" {t} " in folded) for sid in intents}
        return Classification(text, intents[0], intents=intents, score=0.9, evidence=evidence)


def keyword_factory(services: list[dict[str, Any]], language: dict[str, Any]) -> KeywordClassifier:
    return KeywordClassifier(services, language)
