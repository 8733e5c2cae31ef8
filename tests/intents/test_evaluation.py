"""Evaluation metrics on a tiny hand-made set with a scripted classifier."""

from __future__ import annotations

import pytest

from intents.evaluation import CaseError, LabelledCase, evaluate
from intents.report import render
from intents.result import Classification

SERVICES = ("groceries", "hot_meals")

# text -> what the scripted classifier answers
ANSWERS = {
    "shop": Classification("shop", "groceries", ("groceries",)),
    "dinner": Classification("dinner", "groceries", ("groceries",)),  # wrong: expected hot_meals
    "meal": Classification("meal", "hot_meals", ("hot_meals",)),
    "bins": Classification("bins", None),
    "hello": Classification("hello", "hot_meals", ("hot_meals",)),  # wrong: should be rejected
    "fire": Classification("fire", "emergency", emergency_kind="danger"),
    "collapse": Classification("collapse", None),  # missed emergency
    "tea": Classification("tea", "emergency", emergency_kind="danger"),  # false emergency
    "both": Classification("both", "groceries", ("groceries", "hot_meals")),
    "food": Classification("food", None, candidates=("groceries", "hot_meals")),
}
CASES = [
    LabelledCase("shop", "groceries", ("short",)),
    LabelledCase("dinner", "hot_meals", ("short",)),
    LabelledCase("meal", "hot_meals"),
    LabelledCase("bins", None),
    LabelledCase("hello", None, ("short",)),
    LabelledCase("fire", "emergency"),
    LabelledCase("collapse", "emergency"),
    LabelledCase("tea", None),
    LabelledCase("both", ("groceries", "hot_meals"), ("multi",)),
    LabelledCase("food", "groceries"),
]


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return evaluate(CASES, ANSWERS.__getitem__, SERVICES)


def test_group_rates(report) -> None:  # type: ignore[no-untyped-def]
    assert (report.groups["in_scope"].hits, report.groups["in_scope"].total) == (2, 4)
    assert (report.out_of_scope_rejection.hits, report.out_of_scope_rejection.total) == (1, 3)
    assert (report.emergency_recall.hits, report.emergency_recall.total) == (1, 2)
    assert (report.groups["multi"].hits, report.groups["multi"].total) == (1, 1)
    assert report.false_emergencies == 1
    assert report.clarifications == 1


def test_per_service_precision_recall_f1(report) -> None:  # type: ignore[no-untyped-def]
    # groceries: expected in shop, both, food; predicted in shop, dinner, both
    g = report.per_service["groceries"]
    assert (g.precision, g.recall, g.support) == (pytest.approx(2 / 3), pytest.approx(2 / 3), 3)
    assert g.f1 == pytest.approx(2 / 3)
    # hot_meals: expected in dinner, meal, both; predicted in meal, hello, both
    h = report.per_service["hot_meals"]
    assert (h.precision, h.recall) == (pytest.approx(2 / 3), pytest.approx(2 / 3))
    assert report.micro.precision == pytest.approx(4 / 6)
    assert report.macro.f1 == pytest.approx(2 / 3)


def test_confusion_matrix(report) -> None:  # type: ignore[no-untyped-def]
    assert report.confusion["hot_meals"] == {"groceries": 1, "hot_meals": 1}
    assert report.confusion["none"] == {"none": 1, "hot_meals": 1, "emergency": 1}
    assert report.confusion["groceries"] == {"groceries": 1, "clarify": 1}
    assert report.confusion["emergency"] == {"emergency": 1, "none": 1}


def test_per_tag_accuracy(report) -> None:  # type: ignore[no-untyped-def]
    assert (report.per_tag["short"].hits, report.per_tag["short"].total) == (1, 3)
    assert report.per_tag["multi"].rate == 1.0


def test_misses_listed_with_scores(report) -> None:  # type: ignore[no-untyped-def]
    assert [o.case.text for o in report.misses] == ["dinner", "hello", "collapse", "tea", "food"]
    data = report.as_json()
    assert data["false_emergencies"] == 1
    assert [m["text"] for m in data["misclassified"]] == ["dinner", "hello", "collapse", "tea", "food"]


def test_text_report_has_every_section(report) -> None:  # type: ignore[no-untyped-def]
    text = render(report)
    for heading in ("Accuracy by kind", "Per service", "Confusion matrix", "Accuracy by tag", "Misclassified (5)"):
        assert heading in text
    assert "false emergencies" in text


def test_empty_set_does_not_divide_by_zero() -> None:
    report = evaluate([], ANSWERS.__getitem__, SERVICES)
    assert report.cases == 0
    assert report.emergency_recall.rate == 1.0


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"expect": "groceries"}, id="no-text"),
        pytest.param({"text": "x", "expect": 3}, id="expect-a-number"),
        pytest.param({"text": "x", "expect": []}, id="expect-empty-list"),
        pytest.param({"text": "x", "tags": "short"}, id="tags-not-a-list"),
    ],
)
def test_malformed_case(data: dict[str, object]) -> None:
    with pytest.raises(CaseError):
        LabelledCase.from_mapping(data, 1)


def test_case_reading() -> None:
    case = LabelledCase.from_mapping({"text": "x", "expect": ["a", "b"], "tags": ["multi"]}, 1)
    assert (case.expect, case.group, case.tags) == (("a", "b"), "multi", ("multi",))
    assert LabelledCase.from_mapping({"text": "x", "expect": None}, 1).group == "out_of_scope"
