"""Evaluation metrics for a labelled set of messages (the format of dev_messages.yaml).

Pure computation: cases in, an EvaluationReport out. Reading the file and printing the
report are the CLI's job (``python -m intents evaluate``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from intents.result import EMERGENCY, Classification

NONE_LABEL = "none"  # expected/predicted "not routed" (out of scope)
CLARIFY_LABEL = "clarify"  # predicted "Did you mean A or B?"
MULTI_LABEL = "multi"  # expected several services


class CaseError(ValueError):
    """A labelled case is malformed (message says which and why)."""


@dataclass(frozen=True, slots=True)
class LabelledCase:
    """One message and what it should be classified as.

    ``expect`` is a service id, ``"emergency"``, None (must not be routed) or a tuple of
    service ids (the message asks for all of them).
    """

    text: str
    expect: str | tuple[str, ...] | None
    tags: tuple[str, ...] = ()

    @property
    def group(self) -> str:
        """in_scope, out_of_scope, emergency or multi: the figure this case counts towards."""
        if isinstance(self.expect, tuple):
            return "multi"
        if self.expect is None:
            return "out_of_scope"
        if self.expect == EMERGENCY:
            return "emergency"
        return "in_scope"

    @property
    def expected_label(self) -> str:
        if isinstance(self.expect, tuple):
            return MULTI_LABEL
        return self.expect or NONE_LABEL

    @classmethod
    def from_mapping(cls, data: Any, number: int) -> LabelledCase:
        """Read one entry of a ``cases:`` list; ``number`` (from 1) is used in errors."""
        if not isinstance(data, Mapping):
            raise CaseError(f"case {number}: write it as {{text: ..., expect: ...}}")
        text = data.get("text")
        if not isinstance(text, str):
            raise CaseError(f"case {number}: 'text' must be a message in quotes")
        raw = data.get("expect")
        expect: str | tuple[str, ...] | None
        if isinstance(raw, list):
            if not raw or not all(isinstance(x, str) for x in raw):
                raise CaseError(f"case {number}: 'expect' lists must name services, e.g. [a, b]")
            expect = tuple(raw)
        elif raw is None or isinstance(raw, str):
            expect = None if raw in (None, NONE_LABEL) else raw
        else:
            raise CaseError(
                f"case {number}: 'expect' must be a service id, emergency, null or a list"
            )
        tags = data.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise CaseError(f"case {number}: 'tags' must be a list of words")
        return cls(text, expect, tuple(tags))


@dataclass(frozen=True, slots=True)
class Outcome:
    """One case with the classifier's answer and whether it counts as right."""

    case: LabelledCase
    result: Classification
    correct: bool

    @property
    def predicted_label(self) -> str:
        if self.result.intent is not None:
            return self.result.intent
        return CLARIFY_LABEL if self.result.candidates else NONE_LABEL


@dataclass(frozen=True, slots=True)
class ServiceMetrics:
    precision: float
    recall: float
    f1: float
    support: int  # cases that expect this service


@dataclass(frozen=True, slots=True)
class Rate:
    """``hits`` of ``total`` (a rate of 1.0 when there is nothing to count)."""

    hits: int
    total: int

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 1.0


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """Every figure ``python -m intents evaluate`` prints."""

    cases: int
    groups: dict[str, Rate]  # in_scope, out_of_scope, emergency, multi
    per_service: dict[str, ServiceMetrics]
    micro: ServiceMetrics
    macro: ServiceMetrics
    false_emergencies: int
    clarifications: int
    confusion: dict[str, dict[str, int]]  # expected label -> predicted label -> count
    per_tag: dict[str, Rate]
    misses: tuple[Outcome, ...] = field(default=())

    @property
    def out_of_scope_rejection(self) -> Rate:
        return self.groups.get("out_of_scope", Rate(0, 0))

    @property
    def emergency_recall(self) -> Rate:
        return self.groups.get("emergency", Rate(0, 0))

    def as_json(self) -> dict[str, object]:
        def metrics(m: ServiceMetrics) -> dict[str, object]:
            return {
                "precision": round(m.precision, 4),
                "recall": round(m.recall, 4),
                "f1": round(m.f1, 4),
                "support": m.support,
            }

        def rate(r: Rate) -> dict[str, object]:
            return {"rate": round(r.rate, 4), "hits": r.hits, "total": r.total}

        return {
            "cases": self.cases,
            "accuracy": {name: rate(r) for name, r in self.groups.items()},
            "out_of_scope_rejection": rate(self.out_of_scope_rejection),
            "emergency_recall": rate(self.emergency_recall),
            "false_emergencies": self.false_emergencies,
            "clarifications": self.clarifications,
            "services": {sid: metrics(m) for sid, m in self.per_service.items()},
            "micro": metrics(self.micro),
            "macro": metrics(self.macro),
            "confusion": self.confusion,
            "tags": {tag: rate(r) for tag, r in self.per_tag.items()},
            "misclassified": [
                {
                    "text": o.case.text,
                    "expect": (
                        list(o.case.expect) if isinstance(o.case.expect, tuple) else o.case.expect
                    ),
                    "got": o.result.intent,
                    "intents": list(o.result.intents),
                    "candidates": list(o.result.candidates),
                    "scores": {k: round(v, 2) for k, v in o.result.scores.items()},
                }
                for o in self.misses
            ],
        }


def is_correct(case: LabelledCase, result: Classification, services: Sequence[str]) -> bool:
    """The same rule as ../shared/tools/score_intents.py."""
    if isinstance(case.expect, tuple):
        found = set(result.intents or ((result.intent,) if result.intent else ()))
        return set(case.expect) <= found
    if case.expect is None:
        return result.intent is None or result.intent not in (*services, EMERGENCY)
    return result.intent == case.expect


def evaluate(
    cases: Iterable[LabelledCase],
    classify: Callable[[str], Classification],
    services: Sequence[str],
) -> EvaluationReport:
    """Classify every case and compute the report. ``services``: the ids being judged."""
    outcomes = [
        Outcome(case, result, is_correct(case, result, services))
        for case in cases
        for result in (classify(case.text),)
    ]
    return report_for(outcomes, services)


def report_for(outcomes: Sequence[Outcome], services: Sequence[str]) -> EvaluationReport:
    groups: dict[str, list[bool]] = {}
    tags: dict[str, list[bool]] = {}
    confusion: dict[str, dict[str, int]] = {}
    for o in outcomes:
        groups.setdefault(o.case.group, []).append(o.correct)
        for tag in o.case.tags:
            tags.setdefault(tag, []).append(o.correct)
        row = confusion.setdefault(o.case.expected_label, {})
        row[o.predicted_label] = row.get(o.predicted_label, 0) + 1
    per_service, micro, macro = _service_metrics(outcomes, services)
    return EvaluationReport(
        cases=len(outcomes),
        groups={name: _rate(v) for name, v in sorted(groups.items())},
        per_service=per_service,
        micro=micro,
        macro=macro,
        false_emergencies=sum(
            1 for o in outcomes if o.case.expect != EMERGENCY and o.result.intent == EMERGENCY
        ),
        clarifications=sum(1 for o in outcomes if o.result.candidates),
        confusion=confusion,
        per_tag={tag: _rate(v) for tag, v in sorted(tags.items())},
        misses=tuple(o for o in outcomes if not o.correct),
    )


def _rate(values: list[bool]) -> Rate:
    return Rate(sum(values), len(values))


def _predicted_services(result: Classification, services: Sequence[str]) -> set[str]:
    found = result.intents or ((result.intent,) if result.intent else ())
    return {s for s in found if s in services}


def _expected_services(case: LabelledCase) -> set[str]:
    if isinstance(case.expect, tuple):
        return set(case.expect)
    return {case.expect} if case.expect and case.expect != EMERGENCY else set()


def _service_metrics(
    outcomes: Sequence[Outcome], services: Sequence[str]
) -> tuple[dict[str, ServiceMetrics], ServiceMetrics, ServiceMetrics]:
    """Precision/recall/F1 per service: each case's expected set against its predicted set."""
    counts = {s: [0, 0, 0, 0] for s in services}  # tp, fp, fn, support
    for o in outcomes:
        expected = _expected_services(o.case)
        predicted = _predicted_services(o.result, services)
        for s in services:
            counts[s][0] += s in expected and s in predicted
            counts[s][1] += s in predicted and s not in expected
            counts[s][2] += s in expected and s not in predicted
            counts[s][3] += s in expected
    per = {s: _metrics(tp, fp, fn, n) for s, (tp, fp, fn, n) in counts.items()}
    tp, fp, fn, n = (sum(c[i] for c in counts.values()) for i in range(4))
    micro = _metrics(tp, fp, fn, n)
    judged = [m for m in per.values() if m.support] or list(per.values())
    if judged:
        p = sum(m.precision for m in judged) / len(judged)
        r = sum(m.recall for m in judged) / len(judged)
        f = sum(m.f1 for m in judged) / len(judged)
    else:
        p = r = f = 0.0
    return per, micro, ServiceMetrics(p, r, f, n)


def _metrics(tp: int, fp: int, fn: int, support: int) -> ServiceMetrics:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return ServiceMetrics(precision, recall, f1, support)
