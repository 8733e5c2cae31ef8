"""The Irish quality bar (issue 18) on our Irish labelled sets, as regression guards.

None of these sets is blind any more: irish_dev_messages.yaml was used to write the Irish
vocabulary, and irish_dev2 to irish_dev5 (fresh wording, first runs kept) to widen it; round2_irish_messages.yaml was written blind and scored once
(round2_irish_first_run.txt: 49% in scope, 4% of emergencies) and then studied, so its scores
after the Irish work (round2_irish_after_irish_work.txt) are no longer an estimate for unseen
messages; irish_check_messages.yaml was scored once at the end (irish_check_first_run.txt). The
honest figure is the next blind round's first run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from intents.classifier import Classifier
from intents.evaluation import EvaluationReport, LabelledCase, evaluate
from tests.intents.conftest import DATA, DEV_SET, load_cases

IRISH_DEV = DATA / "irish_dev_messages.yaml"
ROUND2_IRISH = DATA / "round2_irish_messages.yaml"
OTHER_SETS = [
    DATA / "round2_everyday_messages.yaml",
    DATA / "round2_hard_messages.yaml",
    DATA / "round2_safety_messages.yaml",
    DEV_SET,
]
SETS = [
    pytest.param(IRISH_DEV, id="irish_dev"),
    pytest.param(DATA / "irish_dev2_messages.yaml", id="irish_dev2"),
    pytest.param(DATA / "irish_dev3_messages.yaml", id="irish_dev3"),
    pytest.param(DATA / "irish_dev4_messages.yaml", id="irish_dev4"),
    pytest.param(DATA / "irish_dev5_messages.yaml", id="irish_dev5"),
    pytest.param(ROUND2_IRISH, id="round2_irish"),
    pytest.param(DATA / "irish_check_messages.yaml", id="irish_check"),
]


def _irish(path: Path) -> list[LabelledCase]:
    return [c for c in load_cases(path, frozenset()) if "irish" in c.tags]


def _report(cases: list[LabelledCase], classifier: Classifier) -> EvaluationReport:
    return evaluate(cases, classifier.classify, classifier.services)


def _misses(report: EvaluationReport, group: str) -> list[str]:
    return [
        f"{o.case.text!r} -> {o.result.intent} {o.result.intents}"
        for o in report.misses
        if o.case.group == group
    ]


@pytest.mark.parametrize("path", SETS)
def test_right_service_for_at_least_95_percent(path: Path, classifier: Classifier) -> None:
    report = _report(_irish(path), classifier)
    assert report.groups["in_scope"].rate >= 0.95, _misses(report, "in_scope")


@pytest.mark.parametrize("path", SETS)
def test_every_irish_emergency_caught(path: Path, classifier: Classifier) -> None:
    report = _report(_irish(path), classifier)
    assert report.emergency_recall.total >= 10
    assert report.emergency_recall.rate == 1.0, _misses(report, "emergency")


@pytest.mark.parametrize("path", SETS)
def test_no_false_irish_emergencies(path: Path, classifier: Classifier) -> None:
    report = _report(_irish(path), classifier)
    assert report.false_emergencies == 0, [o.case.text for o in report.misses]


@pytest.mark.parametrize("path", SETS)
def test_other_business_and_two_services(path: Path, classifier: Classifier) -> None:
    report = _report(_irish(path), classifier)
    assert report.out_of_scope_rejection.rate >= 0.92, _misses(report, "out_of_scope")
    multi = report.groups.get("multi")
    assert multi is None or multi.rate >= 2 / 3, _misses(report, "multi")


def test_irish_dev6_after_the_irish3_changes(classifier: Classifier) -> None:
    """irish_dev6 (first run kept: irish_dev6_first_run.txt, 30/35 emergencies) studied since:
    every emergency, every service, no false emergency. Its one miss, "marbh tuirseach ... tar
    éis na siopadóireachta" (shopping done, nothing asked) still routes to groceries."""
    report = _report(_irish(DATA / "irish_dev6_messages.yaml"), classifier)
    assert report.emergency_recall.rate == 1.0, _misses(report, "emergency")
    assert report.groups["in_scope"].rate == 1.0, _misses(report, "in_scope")
    assert report.false_emergencies == 0
    assert report.out_of_scope_rejection.rate >= 0.9, _misses(report, "out_of_scope")


def test_irish_messages_in_the_other_sets(classifier: Classifier) -> None:
    cases = [c for path in OTHER_SETS for c in _irish(path)]
    report = _report(cases, classifier)
    assert len(cases) >= 20
    assert not report.misses, [f"{o.case.text!r} -> {o.result.intent}" for o in report.misses]


def test_irish_vocabulary_does_not_recite_labelled_messages(config: dict[str, object]) -> None:
    """No Irish phrase or keyword in the YAML is a whole labelled Irish message."""
    services = config["services"]
    assert isinstance(services, list)
    entries: set[str] = set()
    for service in services:
        irish = service.get("irish") or {}
        entries |= {p.casefold() for p in irish.get("phrases", [])}
        entries |= {k.casefold() for k in irish.get("keywords") or {}}
    labelled = [
        c.text
        for path in (
            IRISH_DEV,
            ROUND2_IRISH,
            DATA / "irish_check_messages.yaml",
            DATA / "irish_dev6_messages.yaml",
            *OTHER_SETS,
        )
        for c in _irish(path)
    ]
    recited = [t for t in labelled if t.casefold().strip(" .!?") in entries and len(t.split()) > 2]
    assert not recited
