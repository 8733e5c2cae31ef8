"""A tiny stand-in classifier for routing tests: routing logic is tested apart from intents/.

It matches each service's phrases and keywords as substrings, in the order they appear in the
message. Special test words: "DANGER" and "SELFHARM" are emergencies; "EITHER a b" asks to
clarify between services a and b.
"""

from __future__ import annotations

from typing import Any

from intents.result import Classification
from routing.text import fold


class KeywordClassifier:
    def __init__(self, services: list[dict[str, Any]], language: dict[str, Any]) -> None:
        self.terms: list[tuple[str, str]] = []
        for s in services:
            for term in [*s.get("phrases", []), *(s.get("keywords") or {})]:
                self.terms.append((fold(term), s["id"]))

    def classify(self, text: str) -> Classification:
        words = text.split()
        if "DANGER" in words:
            return Classification(text, "emergency", emergency_kind="danger", score=1.0)
        if "SELFHARM" in words:
            return Classification(text, "emergency", emergency_kind="self_harm", score=1.0)
        if words[:1] == ["EITHER"] and len(words) >= 3:
            return Classification(text, None, candidates=(words[1], words[2]), score=0.5)
        folded = f" {fold(text)} "
        hits = sorted(
            (folded.find(f" {term} "), sid) for term, sid in self.terms if f" {term} " in folded
        )
        intents = tuple(dict.fromkeys(sid for _, sid in hits))
        if not intents:
            return Classification(text, None)
        return Classification(text, intents[0], intents=intents, score=0.9)


def keyword_factory(services: list[dict[str, Any]], language: dict[str, Any]) -> KeywordClassifier:
    return KeywordClassifier(services, language)
