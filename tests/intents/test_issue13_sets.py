"""Issue 13 sets as regression guards (no longer blind: the round-2 sets were scored once in
round2_*_first_run.txt, and the vocabulary was then improved with word families).

The safety_dev sets were written by the engineer who changed the vocabulary; safety_dev2 was
scored once before the changes it prompted (safety_dev2_first_run.txt). The emergency test reads
every message, Irish included; the routing floors leave Irish out (another worktree handles it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from intents.classifier import Classifier
from intents.evaluation import evaluate
from tests.intents.conftest import DATA, load_cases

SETS = [
    pytest.param(DATA / f"{name}_messages.yaml", id=name)
    for name in (
        "round2_everyday", "round2_safety", "round2_hard", "safety_dev", "safety_dev2",
        "classify_dev",
    )
]


# The round-3 sets were scored once (round3_*_first_run.txt) and then studied for the safety
# work: emergencies guarded here, Irish included (a declared "it's an emergency" beside a need
# leads with 112/999 by design, so they are not in the possible-emergency test below).
ROUND3 = [
    pytest.param(DATA / f"round3_{name}_messages.yaml", id=f"round3_{name}")
    for name in ("general", "safety", "hard", "irish")
]


@pytest.mark.parametrize("path", [*SETS, *ROUND3])
def test_emergencies_caught_without_false_alarms(path: Path, classifier: Classifier) -> None:
    report = evaluate(load_cases(path, frozenset()), classifier.classify, classifier.services)
    missed = [o.case.text for o in report.misses if o.case.group == "emergency"]
    assert report.emergency_recall.rate >= 0.97, missed
    wrong = [o.case.text for o in report.misses if o.result.is_emergency]
    assert report.false_emergencies <= 1, wrong


@pytest.mark.parametrize("path", SETS)
def test_plain_requests_raise_no_possible_emergency(path: Path, classifier: Classifier) -> None:
    flagged = [
        c.text
        for c in load_cases(path)
        if c.group in ("in_scope", "multi") and classifier.classify(c.text).possible_emergency
    ]
    assert not flagged


# Routing on the round-2 and round-3 sets after the accuracy work (studied, not blind: regression
# guards, a little below the figures reached; classify_dev, classify_holdout and accuracy_dev* are
# the engineers' own wording). Reached: round2_everyday 100/100/97.5%, round2_safety
# 99.2/100/100%, round2_hard 96.2/94.4/100%, round3_general 99.4/100/100%, round3_safety
# 96.3/100/81.5% (its out-of-scope misses are false emergencies), round3_hard 96.2/100/100%,
# round3_irish 98.1/100/100%, classify_dev 98.3/100/100%, classify_holdout 97.6/100/97.2%,
# accuracy_dev 96.6/100/92.9%, accuracy_dev2 100/100/88.9%.
ROUTING_FLOORS = [
    pytest.param("round2_everyday", 0.98, 0.95, 0.95, id="round2_everyday"),
    pytest.param("round2_safety", 0.97, 0.95, 0.93, id="round2_safety"),
    pytest.param("round2_hard", 0.94, 0.91, 0.97, id="round2_hard"),
    pytest.param("round3_general", 0.97, 0.93, 0.97, id="round3_general"),
    pytest.param("round3_safety", 0.94, 0.75, 0.77, id="round3_safety"),
    pytest.param("round3_hard", 0.94, 0.95, 0.97, id="round3_hard"),
    pytest.param("round3_irish", 0.95, 0.95, 0.95, id="round3_irish"),
    pytest.param("classify_dev", 0.96, 0.95, 0.96, id="classify_dev"),
    pytest.param("classify_holdout", 0.95, 0.93, 0.94, id="classify_holdout"),
    pytest.param("accuracy_dev", 0.94, 0.9, 0.9, id="accuracy_dev"),
    pytest.param("accuracy_dev2", 0.97, 0.9, 0.85, id="accuracy_dev2"),
]


@pytest.mark.parametrize(("name", "in_scope", "multi", "out_of_scope"), ROUTING_FLOORS)
def test_routing_does_not_slip(
    name: str, in_scope: float, multi: float, out_of_scope: float, classifier: Classifier
) -> None:
    cases = load_cases(DATA / f"{name}_messages.yaml", frozenset())  # Irish cases too
    report = evaluate(cases, classifier.classify, classifier.services)
    misses = [o.case.text for o in report.misses]
    assert report.groups["in_scope"].rate >= in_scope, misses
    assert report.groups["multi"].rate >= multi, misses
    assert report.out_of_scope_rejection.rate >= out_of_scope, misses
