"""The classifier: emergencies first, then weighted phrase evidence per service, then a decision.

Everything is built once in the constructor; ``classify`` only reads the message, looks
words up in prebuilt indexes and adds numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from intents.bilingual import Bilingual
from intents.cues import (
    ANYWHERE,
    CueMatch,
    CueSet,
    family_name,
    family_references,
    without_families,
)
from intents.emergency import DANGER, EmergencyDetector, with_spellings
from intents.matters import Matters
from intents.lexicon import Lexicon, Respeller
from intents.message import ReadMessage
from intents.model import NONE as MODEL_NONE
from intents.model import NaiveBayes, features
from intents.negation import NegationRules, declined_clauses
from intents.normalise import words
from intents.phrase_index import Hit, PhraseIndex, phrase_keys
from intents.result import EMERGENCY, Classification
from intents.roles import RoleRules
from intents.vocabulary import Thresholds, Vocabulary

OUT_OF_SCOPE = "out_of_scope"  # evidence that a message is other council business
NEUTRAL = "neutral"  # phrases that only stop their words counting for anything else
# "it's an emergency" beside this share of min_score of a service's evidence asks for that
# service too (not routed, but not nothing): 112/999 leads the answer, not the emergency reply
_DECLARED_NEED = 0.5
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
    # Evidence for services the message turns down ("not the shopping", "the oil is grand"):
    # with a service clearly declined, what is left is what the message asks for.
    declined: dict[str, float] = field(default_factory=dict)
    # Each piece of evidence: (service, the words it covers, its weight, its text); and where
    # each service was turned down ("not the shopping").
    hits: list[tuple[str, frozenset[int], float, str]] = field(default_factory=list)
    refused: dict[str, set[int]] = field(default_factory=dict)
    other_business: list[tuple[frozenset[int], float]] = field(default_factory=list)
    described: set[str] = field(default_factory=set)  # services a cue entry matched
    phrase_weight: float = 1.0

    def decline(self, service: str, weight: float) -> None:
        self.declined[service] = self.declined.get(service, 0.0) + weight

    def refuse(self, term: Term, positions: Iterable[int]) -> None:
        """A service named where the message turns it down ("not the shopping")."""
        self.evidence.setdefault("not:" + term.target, []).append(term.text)
        self.decline(term.target, term.weight)
        self.refused.setdefault(term.target, set()).update(positions)

    def declined_clearly(self, enough: float, besides: str | None = None) -> bool:
        """Another service than ``besides`` was clearly turned down (with ``enough`` evidence)."""
        return any(w >= enough for s, w in self.declined.items() if s != besides)

    def keep_only_after(self, position: int) -> None:
        """Drop services named only before ``position`` when some service is named after it."""
        after = [s for s, spans in self.spans.items() if spans and max(spans) >= position]
        if not after:
            return
        for service in [s for s in self.scores if s not in after and self.spans.get(s)]:
            self.evidence.setdefault("not:" + service, []).extend(self.evidence.pop(service, []))
            self.decline(service, self.scores.pop(service))

    def by_clause(
        self, clauses: tuple[int, ...], enough: float
    ) -> tuple[dict[int, frozenset[str]], dict[int, frozenset[str]]]:
        """(clause -> services with at least ``enough`` evidence there, clause -> services
        turned down there). A weak word ("delivered", 0.3) does not name a service."""
        weights: dict[int, dict[str, float]] = {}
        pieces = [*self.hits, *((OUT_OF_SCOPE, where, w, "") for where, w in self.other_business)]
        for service, positions, weight, _ in pieces:
            for clause in {clauses[p] for p in positions}:
                row = weights.setdefault(clause, {})
                row[service] = row.get(service, 0.0) + weight
        named = {
            c: frozenset(s for s, w in row.items() if w >= enough - 1e-9)
            for c, row in weights.items()
        }
        refused: dict[int, set[str]] = {}
        for service, where in self.refused.items():
            for position in where:
                refused.setdefault(clauses[position], set()).add(service)
        return (
            {c: found for c, found in named.items() if found},
            {c: frozenset(v) for c, v in refused.items()},
        )

    def drop_declined(self, declined: frozenset[int], enough: float, least: float) -> None:
        """Drop the services a message turns down or says are seen to: those with evidence in
        ``declined`` words and less than ``least`` anywhere else ("the shopping isn't the
        problem, proper dinners delivered would be safer": "delivered" alone is not asking for
        shopping), when another service has at least ``enough`` evidence elsewhere."""
        inside: dict[str, float] = {}
        for service, positions, weight, _ in self.hits:
            if positions and positions <= declined:
                inside[service] = inside.get(service, 0.0) + weight
        outside = {s: score - inside.get(s, 0.0) for s, score in self.scores.items()}
        met = [s for s in self.scores if s in inside and outside[s] < least - 1e-9]
        wanted = [s for s in self.scores if s not in met and outside[s] >= enough - 1e-9]
        if not met or not wanted:
            return
        for service in met:
            self.evidence.setdefault("not:" + service, []).extend(self.evidence.pop(service, []))
            self.decline(service, self.scores.pop(service))

    def explain(self, service: str, covered: frozenset[int], below: float) -> None:
        """A need described in full (a cue of ``service``) explains the weak words of other
        services inside it: "eating cornflakes for her tea" is a meal, not a shopping list."""
        for hit in list(self.hits):
            other, positions, weight, text = hit
            if other == service or weight >= below or not positions <= covered:
                continue
            self.hits.remove(hit)
            mine = self.evidence.get(other, [])
            if text in mine:
                mine.remove(text)
                if not mine:
                    del self.evidence[other]
            self.evidence.setdefault("explained:" + other, []).append(text)
            self.scores[other] -= weight
            if self.scores[other] <= 1e-9:
                del self.scores[other]
                self.spans.pop(other, None)
                self.first.pop(other, None)
            else:
                self.spans[other] = {
                    p for s, where, _, _ in self.hits if s == other for p in where
                }
                self.first[other] = min(self.spans[other])

    def strongest(self, service: str) -> float:
        """The weight of the service's strongest single piece of evidence (a need its cue
        describes counts as a phrase, even on words already counted)."""
        if service in self.described:
            return self.phrase_weight
        return max((w for s, _, w, _ in self.hits if s == service), default=0.0)

    def shares_words(self, a: str, b: str) -> bool:
        """True when one service's evidence lies entirely within the other's words."""
        mine, theirs = self.spans.get(a, set()), self.spans.get(b, set())
        return mine <= theirs or theirs <= mine

    def add_cue(self, term: Term, match: CueMatch[Term]) -> None:
        """A cue entry: it covers the words its parts matched, which need not be adjacent."""
        self.scores[term.target] = self.scores.get(term.target, 0.0) + term.weight
        at = match.anchor if match.anchor >= 0 else match.start
        self.first[term.target] = min(self.first.get(term.target, at), at)
        self.spans.setdefault(term.target, set()).update(match.covered)
        self.evidence.setdefault(term.target, []).append(term.text)
        self.hits.append((term.target, match.covered, term.weight, term.text))

    def add(self, term: Term, hit: Hit[Term], weight: float) -> None:
        self.scores[term.target] = self.scores.get(term.target, 0.0) + weight
        self.first.setdefault(term.target, hit.start)
        self.spans.setdefault(term.target, set()).update(range(hit.start, hit.end))
        self.evidence.setdefault(term.target, []).append(term.text)
        self.hits.append((term.target, frozenset(range(hit.start, hit.end)), weight, term.text))


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
        # Needs described without the service's words: "<heat_source> + <gone_out>".
        service_cues = [
            (cue, Term(service.id, self._thresholds.phrase_weight, cue))
            for service in vocabulary.services
            for cue in service.cues
        ]
        emergency = language.emergency
        emergency_text = [
            *emergency.danger,
            *emergency.self_harm,
            *emergency.danger_alone,
            *emergency.weak,
            *(p for _, phrases in language.families for p in phrases),
        ]
        content = [
            *(t.text for _, t in terms if t.target != NEUTRAL),
            *(cue for cue, _ in service_cues),
            *emergency_text,
        ]
        matters = [p for _, entries in (*language.acts, *language.topics) for p in entries]
        known = [
            *content,
            *matters,
            *emergency.present_time,
            *emergency.resolved,
            *emergency.all_clear,
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
            *emergency.contrast,
            *emergency.recovered,
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
        self._service_cues: CueSet[Term] = CueSet(
            service_cues, dict(language.families), self._thresholds.cue_window, fillers
        )
        strong = frozenset(
            phrase_keys(word)[0]
            for service in vocabulary.services
            for word, weight in service.keywords
            if weight >= _STRONG_WORD and len(phrase_keys(word)) == 1
        )
        self._emergency = EmergencyDetector(
            with_spellings(emergency, dict(language.spellings)),
            self._thresholds.emergency_window,
            fillers,
            strong,
        )
        respell = Respeller(dict(language.spellings))  # "a man rang" as messages read it
        self._matters = Matters(
            [(name, [respell(e) for e in entries]) for name, entries in language.acts],
            [(name, [respell(e) for e in entries]) for name, entries in language.topics],
            {name: [respell(p) for p in phrases] for name, phrases in language.families},
            self._thresholds.emergency_window,
            fillers,
            [(name, [respell(e) for e in entries]) for name, entries in language.first_cues],
        )
        self._topics_first = frozenset(language.topics_first)
        self._model_ignores = frozenset(
            k
            for w in (*language.stop_words, *language.filler_words, *language.possessives)
            for k in phrase_keys(w)
        )
        self._model = NaiveBayes(self._model_documents(vocabulary))
        self._emoji = tuple(language.emoji)
        self._irish = bilingual.rules(self._thresholds.negation_scope)

    def _model_documents(self, vocabulary: Vocabulary) -> list[tuple[list[str], str, float]]:
        """What the word model learns from: everything in the routing file that names a
        service (or, for "none", other business, other matters and conversation acts)."""
        language = vocabulary.language
        families = dict(language.families)
        ignored = self._model_ignores
        docs: list[tuple[list[str], str, float]] = []

        def add(text: str, label: str, weight: float) -> None:
            feats = features(phrase_keys(text), ignored)
            if feats:
                docs.append((feats, label, weight))

        # A family shared with emergencies, acts, other matters or another service's cues
        # ("<someone>": he, she, mam ...) says nothing about which service is wanted.
        emergency = language.emergency
        shared_entries = [
            *emergency.danger, *emergency.self_harm, *emergency.danger_alone, *emergency.weak,
            *(e for _, entries in (*language.acts, *language.topics) for e in entries),
        ]
        shared = {name for entry in shared_entries for name in family_references(entry)}
        owners: dict[str, set[str]] = {}
        for service in vocabulary.services:
            for cue in service.cues:
                for name in family_references(cue):
                    owners.setdefault(name, set()).add(service.id)
        shared |= {name for name, ids in owners.items() if len(ids) > 1}
        for service in vocabulary.services:
            for phrase in service.phrases:
                add(phrase, service.id, self._thresholds.phrase_weight)
            for keyword, weight in service.keywords:
                add(keyword, service.id, weight)
            for example in service.examples:
                add(example, service.id, self._thresholds.phrase_weight)
            for cue in service.cues:
                for name in family_references(cue):
                    if name in shared:
                        continue
                    for phrase in families.get(name, ()):
                        add(phrase, service.id, 0.5)
        for term, weight in language.out_of_scope:
            add(term, MODEL_NONE, weight)
        for _, entries in (*language.topics, *language.acts):
            for entry in entries:
                if not family_references(entry):
                    add(entry, MODEL_NONE, 0.5)
        return docs

    @property
    def services(self) -> tuple[str, ...]:
        return self._services

    def classify(self, text: str) -> Classification:
        """Classify one message (cut to ``max_chars`` first), and say which language it is in."""
        language = self._irish.detector.detect(text[: self._thresholds.max_chars])
        return replace(self._classify(text, language == "ga"), language=language)

    def detect_language(self, text: str) -> str | None:
        """The language of ``text`` alone: "ga", "en" or None (as ``classify(text).language``)."""
        return self._irish.detector.detect(text[: self._thresholds.max_chars])

    def _classify(self, text: str, irish: bool) -> Classification:
        """``irish``: the message is in Irish (its own roles, and slips may be Irish words)."""
        cut = text[: self._thresholds.max_chars]
        if self._emoji and not cut.isascii():
            for symbol, meaning in self._emoji:
                if symbol in cut:
                    cut = cut.replace(symbol, f" {meaning} ")
        message = ReadMessage.read(cut, self._lexicon, irish)
        finding, weak = self._emergency.examine(message)
        if finding and not finding.declared:
            if finding.kind == DANGER and self._told_by_scammer(message):
                # "a man rang saying there's a gas leak and he needs my card number": the alarm
                # is the caller's story; the scam answer, led by 112/999 in case it is real
                return self._classify_rest(text, cut, message, irish, finding.entry)
            return _emergency(text, finding.kind, finding.entry)
        if finding:  # "it's an emergency": the emergency reply unless something else is asked
            result = self._classify_rest(text, cut, message, irish, finding.entry)
            # a need the rules saw but could not route ("it's an emergency, I've no oil left")
            # is something else asked for too: lead with 112/999 and give the best answer
            need = max(result.scores.values(), default=0.0)
            nothing_else = result.topic is None and need < _DECLARED_NEED * self._thresholds.min_score
            if result.intent is None and not result.candidates and nothing_else:
                return _emergency(text, finding.kind, finding.entry)
            return result
        return self._classify_rest(text, cut, message, irish, weak)

    def _told_by_scammer(self, message: ReadMessage) -> bool:
        """A topics_first topic found by a cue of parts (a caller's claim + bank details), not
        by a single word ("scammer" beside a real break-in stays an emergency)."""
        if not self._topics_first:
            return False
        topic = self._matters.topic(message, self._topics_first)
        return topic is not None and "+" in topic.entry

    def _classify_rest(
        self, text: str, cut: str, message: ReadMessage, irish: bool, weak: str | None
    ) -> Classification:
        """Everything after the emergency check: a service, another matter or an act."""
        first = self._matters.first_cue(message)
        if first is None and self._topics_first:
            first = self._matters.topic(message, self._topics_first)
        if first is not None:  # "do ye cover Roscommon ...": never routed to a service
            return Classification(
                text, None, possible_emergency=weak is not None, topic=first.name,
                evidence=_with_weak({"topic": (first.entry,)}, weak),
            )
        roles = self._irish.roles if irish else self._roles
        tally = self._tally(message, roles)
        only_from = self._negation.only_from(message)
        if only_from is not None:
            tally.keep_only_after(only_from)
        if len(tally.scores) > 1 or (tally.scores and tally.out_of_scope):
            self._drop_declined(message, tally, roles)
        result = self._decide(text, tally, weak)
        if result.intent is None and not result.candidates:
            result = self._matter(message, result, asks="?" in cut)
            if result.act is None and result.topic is None and not tally.out_of_scope:
                return self._ask_model(message, result)
        return result

    def _drop_declined(self, message: ReadMessage, tally: _Tally, roles: RoleRules) -> None:
        """A service the message turns down or says is seen to gives way to one it asks for."""
        parts = self._negation.parts(message)
        requests = [(hit.start, hit.end) for hit in roles.asking(message.keys)]
        satisfied = self._negation.satisfied_clauses(message, requests, parts)
        reach = self._negation.negated_positions(message, reach=True) | self._irish.frames(message)
        if not satisfied and not tally.refused and not reach:
            return
        asking = {parts[start] for start, _ in requests} | {
            part for part, clause in zip(parts, message.clauses) if clause in message.questions
        }
        named, refused = tally.by_clause(parts, self._thresholds.contrast_min_score)
        declined = declined_clauses(satisfied, named, refused, frozenset(asking))
        positions = frozenset(reach | {i for i, part in enumerate(parts) if part in declined})
        # other business that a later "all fine" speaks of ("it was only the bin, all fine"), or
        # that is turned down, is not what the message is about ("the road is full of potholes"
        # still is)
        aside = reach | {i for i, part in enumerate(parts) if part in declined - satisfied}
        tally.out_of_scope -= sum(w for where, w in tally.other_business if where <= aside)
        t = self._thresholds
        if len(tally.scores) > 1:
            tally.drop_declined(positions, t.contrast_min_score, t.min_score)

    def _ask_model(self, message: ReadMessage, result: Classification) -> Classification:
        """Nothing routed, no act, no other matter: when the rules saw too little of a service
        ("scan" alone) and the word model is sure of the same one from the words around it, route it.
        """
        t = self._thresholds
        guess = self._model.guess(features(message.keys, self._model_ignores))
        if (
            guess is None
            or guess.label == MODEL_NONE
            or guess.probability < t.model_min_probability
            or guess.known < t.model_min_words
            or not result.scores.get(guess.label)  # the rules saw some sign of it too
            or ("not:" + guess.label) in result.evidence  # and the message did not turn it down
        ):
            return result
        why = "word model: " + ", ".join(guess.words) + f" ({guess.probability:.0%})"
        evidence = {**result.evidence, guess.label: (*result.evidence.get(guess.label, ()), why)}
        return replace(
            result, intent=guess.label, intents=(guess.label,), evidence=evidence,
            score=result.scores.get(guess.label, 0.0),
        )

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
        tally = _Tally(phrase_weight=self._thresholds.phrase_weight)
        helper = roles.helper_service
        need_spans: list[tuple[int, int]] = []
        helper_hits: list[tuple[Term, Hit[Term], float]] = []
        neutral: set[int] = set(self._negation.cue_words(message))  # "ring me back", "don't
        # call me": words that count for nothing
        for hit in hits:
            span = range(hit.start, hit.end)
            hit_keys = message.keys[hit.start : hit.end]
            corrected = message.any_corrected(hit.start, hit.end)
            factor = self._thresholds.fuzzy_penalty if corrected else 1.0
            if neutral.issuperset(span):
                continue
            for term in hit.payloads:
                if term.target == NEUTRAL:
                    neutral.update(span)
                    continue
                if negated.intersection(span):
                    tally.refuse(term, span)
                    continue
                weight = term.weight * factor
                if term.target == OUT_OF_SCOPE:
                    tally.out_of_scope += weight
                    tally.other_business.append((frozenset(span), weight))
                elif term.target == helper and roles.names_helper(hit_keys):
                    helper_hits.append((term, hit, weight))
                else:
                    tally.add(term, hit, weight)
                    if term.target != helper:
                        need_spans.append((hit.start, hit.end))
        if self._service_cues.size:
            skip = (lambda hit, _: not neutral.isdisjoint(range(hit.start, hit.end))) if neutral else None
            for match in self._service_cues.find(message.keys, skip):
                term = match.payload
                if negated.intersection(match.covered):
                    tally.refuse(term, match.covered)
                    continue
                tally.described.add(term.target)
                if match.covered <= tally.spans.get(term.target, set()):
                    continue  # words already counted for this service
                tally.add_cue(term, match)
                tally.explain(term.target, match.covered, self._thresholds.min_score)
                if term.target != helper:
                    need_spans.append((match.start, match.end))
        others = sum(s for svc, s in tally.scores.items() if svc != helper)
        if helper is not None and roles.is_offer(message, need_spans):
            # "I could deliver meals to people": the needs named are what the writer offers.
            # Each offer cue ("I have a jeep", "if anyone needs") is evidence, up to two.
            offers = len(self._offer_starts(message, roles))
            bonus = self._thresholds.offer_bonus * min(offers, 2)
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

    @staticmethod
    def _offer_starts(message: ReadMessage, roles: RoleRules) -> set[int]:
        """Where distinct offer cues start (nested ones count once)."""
        hits = sorted(roles.offer_cues.find_all(message.keys), key=lambda h: (h.start, -h.end))
        starts: set[int] = set()
        end = -1
        for hit in hits:
            if hit.start >= end:
                starts.add(hit.start)
                end = hit.end
        return starts

    # -- decision -----------------------------------------------------------------------------
    def _decide(self, text: str, tally: _Tally, weak: str | None) -> Classification:
        t = self._thresholds
        scores = {s: round(v, 3) for s, v in tally.scores.items() if s in self._services}
        evidence = _with_weak({k: tuple(v) for k, v in tally.evidence.items()}, weak)
        possible = weak is not None
        ranked = sorted(scores, key=lambda s: (-scores[s], tally.first[s]))
        best_score = scores[ranked[0]] if ranked else 0.0
        # "the oil is grand, it's getting to the clinic": with a service clearly turned down,
        # weaker evidence for another is enough.
        leader = ranked[0] if ranked else None
        least = (
            t.contrast_min_score if tally.declined_clearly(t.min_score, leader) else t.min_score
        )
        if not ranked or best_score < least or tally.out_of_scope >= best_score:
            return Classification(
                text, None, score=best_score, possible_emergency=possible,
                scores=scores, evidence=evidence,
            )
        best = ranked[0]
        if len(ranked) > 1:
            second = ranked[1]
            close = best_score - scores[second] <= t.clarify_margin
            if scores[second] >= t.min_score and close and tally.shares_words(best, second):
                return Classification(
                    text, None, score=best_score, candidates=(best, second),
                    possible_emergency=possible, scores=scores, evidence=evidence,
                )
        chosen = [best]
        for other in ranked[1:]:
            needed = max(t.min_score, t.secondary_min_score, t.secondary_ratio * best_score)
            if scores[other] < needed:
                break
            if tally.shares_words(best, other):  # the same words, not a separate request
                continue
            # a second request says so at least once ("a lift", "a bag of coal"): weak words
            # spread over a long story ("hospital", "doctor") only set the scene
            if tally.strongest(other) >= t.min_score - 1e-9:
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
        )


def _emergency(text: str, kind: str, entry: str) -> Classification:
    return Classification(
        text=text, intent=EMERGENCY, score=1.0, emergency_kind=kind, evidence={EMERGENCY: (entry,)}
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
                found.update(words(without_families(alternative)))
    return found
