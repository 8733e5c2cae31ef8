"""The quality targets of issue 4, on the shared development set and on our own held-out sets.

Messages in Irish (tag ``irish``) are left out, as in ``score_intents.py --exclude-tag irish``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from intents.classifier import Classifier
from intents.evaluation import EvaluationReport, evaluate
from tests.intents.conftest import (
    BLIND2_SET,
    BLIND3_SET,
    BLIND_SET,
    DEV_SET,
    HELDOUT_SET,
    PROBE_SET,
    REALISTIC_SET,
    load_cases,
)

SETS = [
    pytest.param(DEV_SET, id="dev_set"),
    pytest.param(HELDOUT_SET, id="heldout"),
    pytest.param(PROBE_SET, id="probe"),
    pytest.param(BLIND_SET, id="blind"),
    pytest.param(BLIND2_SET, id="blind2"),
    pytest.param(REALISTIC_SET, id="realistic"),
]


def _report(path: Path, classifier: Classifier) -> EvaluationReport:
    if not path.exists():
        pytest.fail(f"labelled set missing: {path}")
    return evaluate(load_cases(path), classifier.classify, classifier.services)


def _misses(report: EvaluationReport, group: str) -> list[str]:
    return [
        f"{o.case.text!r} -> {o.result.intent} {o.result.intents}"
        for o in report.misses
        if o.case.group == group
    ]


@pytest.mark.parametrize("path", SETS)
def test_in_scope_accuracy_at_least_96_percent(path: Path, classifier: Classifier) -> None:
    report = _report(path, classifier)
    assert report.groups["in_scope"].rate >= 0.96, _misses(report, "in_scope")


@pytest.mark.parametrize("path", SETS)
def test_out_of_scope_rejection_at_least_92_percent(path: Path, classifier: Classifier) -> None:
    report = _report(path, classifier)
    assert report.out_of_scope_rejection.rate >= 0.92, _misses(report, "out_of_scope")


@pytest.mark.parametrize("path", SETS)
def test_every_emergency_caught(path: Path, classifier: Classifier) -> None:
    report = _report(path, classifier)
    assert report.emergency_recall.total > 0
    assert report.emergency_recall.rate == 1.0, _misses(report, "emergency")


@pytest.mark.parametrize("path", SETS)
def test_no_false_emergencies(path: Path, classifier: Classifier) -> None:
    report = _report(path, classifier)
    wrong = [o.case.text for o in report.misses if o.result.is_emergency]
    assert report.false_emergencies == 0, wrong


@pytest.mark.parametrize("path", SETS)
def test_both_services_found_in_two_of_three_multi_messages(
    path: Path, classifier: Classifier
) -> None:
    report = _report(path, classifier)
    assert report.groups["multi"].rate >= 2 / 3, _misses(report, "multi")


def test_heldout_set_is_not_the_dev_set() -> None:
    dev = {c.text.casefold() for c in load_cases(DEV_SET, frozenset())}
    ours = [
        c.text
        for path in (HELDOUT_SET, PROBE_SET, BLIND_SET, BLIND2_SET, BLIND3_SET, REALISTIC_SET)
        for c in load_cases(path, frozenset())
    ]
    assert len(ours) >= 150
    assert not [t for t in ours if t.casefold() in dev]


def test_vocabulary_does_not_recite_labelled_messages(config: dict[str, object]) -> None:
    """No phrase in the YAML is a whole labelled message (that would prove nothing)."""
    # The blind set is left out: two of its short messages ("someone to talk to", "lift to the
    # doctor") were already vocabulary phrases before that set was written; likewise the
    # realistic set's "how can I help".
    services = config["services"]
    assert isinstance(services, list)
    phrases = {p.casefold() for s in services for p in s.get("phrases", [])}
    phrases |= {k.casefold() for s in services for k in (s.get("keywords") or {})}
    labelled = [c.text for p in (DEV_SET, HELDOUT_SET, PROBE_SET) for c in load_cases(p, frozenset())]
    recited = [t for t in labelled if t.casefold().strip(" .!?") in phrases and len(t.split()) > 3]
    assert not recited


def test_blind3_emergencies_caught_without_false_alarms(classifier: Classifier) -> None:
    """The third blind batch is mostly hard emergencies and near misses (no two-service cases)."""
    report = _report(BLIND3_SET, classifier)
    assert report.emergency_recall.rate == 1.0, _misses(report, "emergency")
    assert report.false_emergencies == 0
    assert report.groups["in_scope"].rate >= 0.96, _misses(report, "in_scope")
    assert report.out_of_scope_rejection.rate >= 0.92, _misses(report, "out_of_scope")
