"""The classifier: emergencies first, then weighted phrase evidence per service, then a decision.

Everything is built once in the constructor; ``classify`` only reads the message, looks
words up in prebuilt indexes and adds numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from intents.bilingual import Bilingual
from intents.cues import ANYWHERE, family_name
from intents.emergency import EmergencyDetector
from intents.matters import Matters
from intents.lexicon import Lexicon
from intents.message import ReadMessage
from intents.negation import NegationRules
from intents.normalise import words
from intents.phrase_index import Hit, PhraseIndex, phrase_keys
from intents.result import EMERGENCY, Classification
from intents.roles import RoleRules
from intents.vocabulary import Thresholds, Vocabulary

OUT_OF_SCOPE = "out_of_scope"  # evidence that a message is other council business
NEUTRAL = "neutral"  # phrases that only stop their words counting for anything else
_STRONG_WORD = 0.8  # a service word this strong makes "emergency" an adjective


@dataclass(frozen=True, slots=True)
class Term:
    """What a vocabulary phrase stands for: a service (or out-of-scope / neutral) and a weight."""

    target: str
    weight: float
    text: str


@dataclass
class _Tally:
    """Evidence gathered for one message, before the decision."""

    scores: dict[str, float] = field(default_factory=dict)
    first: dict[str, int] = field(default_factory=dict)
    spans: dict[str, set[int]] = field(default_factory=dict)
    evidence: dict[str, list[str]] = field(default_factory=dict)
    out_of_scope: float = 0.0

    def keep_only_after(self, position: int) -> None:
        """Drop services named only before ``position`` when some service is named after it."""
        after = [s for s, spans in self.spans.items() if spans and max(spans) >= position]
        if not after:
            return
        for service in [s for s in self.scores if s not in after and self.spans.get(s)]:
            self.evidence.setdefault("not:" + service, []).extend(self.evidence.pop(service, []))
            del self.scores[service]

    def drop_satisfied(self, satisfied: frozenset[int], enough: float) -> None:
        """Drop services named only in already-met clauses, when another is asked for elsewhere
        with at least ``enough`` evidence."""
        met = [s for s, spans in self.spans.items() if spans and spans <= satisfied]
        wanted = [s for s in self.scores if s not in met and self.scores[s] >= enough]
        if not met or not wanted:
            return
        for service in met:
            if service in self.scores:
                self.evidence.setdefault("not:" + service, []).extend(self.evidence.pop(service, []))
                del self.scores[service]

    def shares_words(self, a: str, b: str) -> bool:
        """True when one service's evidence lies entirely within the other's words."""
        mine, theirs = self.spans.get(a, set()), self.spans.get(b, set())
        return mine <= theirs or theirs <= mine

    def add(self, term: Term, hit: Hit[Term], weight: float) -> None:
        self.scores[term.target] = self.scores.get(term.target, 0.0) + weight
        self.first.setdefault(term.target, hit.start)
        self.spans.setdefault(term.target, set()).update(range(hit.start, hit.end))
        self.evidence.setdefault(term.target, []).append(term.text)


class Classifier:
    """Classifies citizen messages against a validated Vocabulary."""

    def __init__(self, vocabulary: Vocabulary, place_names: Iterable[str] = ()) -> None:
        """``place_names``: more names (the routing file's areas) that are neither language."""
        bilingual = Bilingual(vocabulary, place_names)  # Irish joins English: intents/bilingual
        vocabulary = bilingual.vocabulary
        language = vocabulary.language
        self._thresholds: Thresholds = language.thresholds
        self._services = vocabulary.service_ids
        terms: list[tuple[tuple[str, ...], Term]] = []
        for service in vocabulary.services:
            weight = self._thresholds.phrase_weight
            terms += [(phrase_keys(p), Term(service.id, weight, p)) for p in service.phrases]
            terms += [(phrase_keys(k), Term(service.id, w, k)) for k, w in service.keywords]
        terms += [(phrase_keys(k), Term(OUT_OF_SCOPE, w, k)) for k, w in language.out_of_scope]
        terms += [(phrase_keys(p), Term(NEUTRAL, 0.0, p)) for p in language.neutral_phrases]
        self._terms = PhraseIndex(_strongest(terms))
        emergency = language.emergency
        emergency_text = [
            *emergency.danger,
            *emergency.self_harm,
            *emergency.danger_alone,
            *emergency.weak,
            *(p for _, phrases in language.families for p in phrases),
        ]
        content = [t.text for _, t in terms if t.target != NEUTRAL] + emergency_text
        matters = [p for _, entries in (*language.acts, *language.topics) for p in entries]
        known = [
            *content,
            *matters,
            *emergency.present_time,
            *emergency.resolved,
            *language.neutral_phrases,
            *language.filler_words,
            *(meaning for _, meaning in language.emoji),
            *language.negation,
            *language.negation_at_clause_start,
            *language.negation_exceptions,
            *language.scope_breaks,
            *language.only_cues,
            *language.satisfied_cues,
            *language.helper_words,
            *language.offer_cues,
            *language.request_cues,
            *language.possessives,
            *emergency.not_emergency,
            *emergency.past_time,
            *emergency.past_time_before,
            *bilingual.frames,
        ]
        common = set(language.common_words)
        self._lexicon = Lexicon(
            known=_all_words(known),
            content=bilingual.english_content([w for w in _all_words(content) if w not in common]),
            spellings=dict(language.spellings),
            common_words=common,
            fuzzy_min_length=self._thresholds.fuzzy_min_length,
            irish=bilingual.irish_words,
            irish_content=bilingual.irish_content(_all_words(content)),
        )
        self._negation = NegationRules.build(
            language.negation,
            language.negation_at_clause_start,
            language.negation_exceptions,
            language.scope_breaks,
            self._thresholds.negation_scope,
            language.only_cues,
            language.satisfied_cues,
        )
        self._roles = RoleRules.build(
            language.helper_service,
            language.helper_words,
            language.offer_cues,
            language.request_cues,
            language.possessives,
        )
        fillers = frozenset(k for w in language.filler_words for k in phrase_keys(w))
        strong = frozenset(
            phrase_keys(word)[0]
            for service in vocabulary.services
            for word, weight in service.keywords
            if weight >= _STRONG_WORD and len(phrase_keys(word)) == 1
        )
        self._emergency = EmergencyDetector(
            emergency, self._thresholds.emergency_window, fillers, strong
        )
        self._matters = Matters(
            language.acts,
            language.topics,
            dict(language.families),
            self._thresholds.emergency_window,
            fillers,
        )
        self._topics_first = frozenset(language.topics_first)
        self._emoji = tuple(language.emoji)
        self._irish = bilingual.rules(self._thresholds.negation_scope)

    @property
    def services(self) -> tuple[str, ...]:
        return self._services

    def classify(self, text: str) -> Classification:
        """Classify one message (cut to ``max_chars`` first), and say which language it is in."""
        language = self._irish.detector.detect(text[: self._thresholds.max_chars])
        return self._classify(text, language)

    def detect_language(self, text: str) -> str | None:
        """The language of ``text`` alone: "ga", "en" or None (as ``classify(text).language``)."""
        return self._irish.detector.detect(text[: self._thresholds.max_chars])

    def _classify(self, text: str, language: str | None) -> Classification:
        """``language``: the message's language, "ga" when it is in Irish (its own roles, and
        slips may be Irish words); the classification says it (built once, not copied)."""
        irish = language == "ga"
        cut = text[: self._thresholds.max_chars]
        if self._emoji and not cut.isascii():
            for symbol, meaning in self._emoji:
                if symbol in cut:
                    cut = cut.replace(symbol, f" {meaning} ")
        message = ReadMessage.read(cut, self._lexicon, irish)
        finding = self._emergency.detect(message)
        if finding:
            return Classification(
                text=text,
                intent=EMERGENCY,
                score=1.0,
                emergency_kind=finding.kind,
                evidence={EMERGENCY: (finding.entry,)},
                language=language,
            )
        weak = self._emergency.weak(message)
        if self._topics_first:
            first = self._matters.topic(message, self._topics_first)
            if first is not None:  # "I live in Galway ...": never routed to a service
                return Classification(
                    text, None, possible_emergency=weak is not None, topic=first.name,
                    evidence=_with_weak({"topic": (first.entry,)}, weak), language=language,
                )
        tally = self._tally(message, self._irish.roles if irish else self._roles)
        only_from = self._negation.only_from(message)
        if only_from is not None:
            tally.keep_only_after(only_from)
        satisfied = self._negation.satisfied_positions(message)
        if satisfied:
            tally.drop_satisfied(satisfied, self._thresholds.min_score)
        result = self._decide(text, tally, weak, language)
        if result.intent is None and not result.candidates:
            return self._matter(message, result, asks="?" in cut)
        return result

    def _matter(self, message: ReadMessage, result: Classification, asks: bool) -> Classification:
        """A message that asks for no service: a conversation act, or another matter."""
        topic = self._matters.topic(message)
        if topic is not None:
            evidence = {**result.evidence, "topic": (topic.entry,)}
            return replace(result, topic=topic.name, evidence=evidence)
        act = self._matters.act(message, asks)
        if act is not None:
            evidence = {**result.evidence, "act": (act.entry,)}
            return replace(result, act=act.name, evidence=evidence)
        return result

    # -- evidence -----------------------------------------------------------------------------
    def _tally(self, message: ReadMessage, roles: RoleRules) -> _Tally:
        hits = self._terms.find_greedy(message.keys)
        negated = self._negation.negated_positions(message) | self._irish.frames(message)
        tally = _Tally()
        helper = roles.helper_service
        need_spans: list[tuple[int, int]] = []
        helper_hits: list[tuple[Term, Hit[Term], float]] = []
        for hit in hits:
            span = range(hit.start, hit.end)
            hit_keys = message.keys[hit.start : hit.end]
            corrected = message.any_corrected(hit.start, hit.end)
            factor = self._thresholds.fuzzy_penalty if corrected else 1.0
            for term in hit.payloads:
                if term.target == NEUTRAL:
                    continue
                if negated.intersection(span):
                    tally.evidence.setdefault("not:" + term.target, []).append(term.text)
                    continue
                weight = term.weight * factor
                if term.target == OUT_OF_SCOPE:
                    tally.out_of_scope += weight
                elif term.target == helper and roles.names_helper(hit_keys):
                    helper_hits.append((term, hit, weight))
                else:
                    tally.add(term, hit, weight)
                    if term.target != helper:
                        need_spans.append((hit.start, hit.end))
        others = sum(s for svc, s in tally.scores.items() if svc != helper)
        if helper is not None and roles.is_offer(message, need_spans):
            # "I could deliver meals to people": the needs named are what the writer offers.
            bonus = self._thresholds.offer_bonus
            for term, hit, weight in helper_hits:
                tally.add(term, hit, weight)
            offered = others + bonus
            for svc in [s for s in tally.scores if s != helper]:
                tally.evidence.setdefault("offer:" + svc, []).extend(tally.evidence.pop(svc, []))
                del tally.scores[svc]
            tally.scores[helper] = tally.scores.get(helper, 0.0) + offered
            tally.first.setdefault(helper, 0)
            tally.spans.setdefault(helper, set())
        elif others == 0:
            # Nothing else is asked for, so "volunteer" is what the message is about.
            for term, hit, weight in helper_hits:
                tally.add(term, hit, weight)
        return tally

    # -- decision -----------------------------------------------------------------------------
    def _decide(
        self, text: str, tally: _Tally, weak: str | None, language: str | None = None
    ) -> Classification:
        t = self._thresholds
        scores = {s: round(v, 3) for s, v in tally.scores.items() if s in self._services}
        evidence = _with_weak({k: tuple(v) for k, v in tally.evidence.items()}, weak)
        possible = weak is not None
        ranked = sorted(scores, key=lambda s: (-scores[s], tally.first[s]))
        best_score = scores[ranked[0]] if ranked else 0.0
        if not ranked or best_score < t.min_score or tally.out_of_scope >= best_score:
            return Classification(
                text, None, score=best_score, possible_emergency=possible,
                scores=scores, evidence=evidence, language=language,
            )
        best = ranked[0]
        if len(ranked) > 1:
            second = ranked[1]
            close = best_score - scores[second] <= t.clarify_margin
            if scores[second] >= t.min_score and close and tally.shares_words(best, second):
                return Classification(
                    text, None, score=best_score, candidates=(best, second),
                    possible_emergency=possible, scores=scores, evidence=evidence,
                    language=language,
                )
        chosen = [best]
        for other in ranked[1:]:
            needed = max(t.min_score, t.secondary_min_score, t.secondary_ratio * best_score)
            if scores[other] < needed:
                break
            if not tally.shares_words(best, other):  # a separate request, not the same words
                chosen.append(other)
        chosen.sort(key=lambda s: tally.first[s])
        return Classification(
            text,
            chosen[0],
            intents=tuple(chosen),
            score=scores[chosen[0]],
            possible_emergency=possible,
            scores=scores,
            evidence=evidence,
            language=language,
        )


def _strongest(
    terms: list[tuple[tuple[str, ...], Term]],
) -> list[tuple[tuple[str, ...], Term]]:
    """One term per (words, target): "cook" and "cooking" in one service count once, at most."""
    best: dict[tuple[tuple[str, ...], str], Term] = {}
    for keys, term in terms:
        seen = best.get((keys, term.target))
        if seen is None or term.weight > seen.weight:
            best[(keys, term.target)] = term
    return [(keys, term) for (keys, _), term in best.items()]


def _with_weak(
    evidence: dict[str, tuple[str, ...]], weak: str | None
) -> dict[str, tuple[str, ...]]:
    if weak is not None:
        evidence["possible_emergency"] = (weak,)
    return evidence


def _all_words(phrases: Iterable[str]) -> set[str]:
    """The words of vocabulary entries ("<family>" names are not words a citizen types)."""
    found: set[str] = set()
    for phrase in phrases:
        for alternative in re.split(r"[+|]", phrase):
            if family_name(alternative.strip().removeprefix(ANYWHERE)) is None:
                found.update(words(alternative))
    return found
