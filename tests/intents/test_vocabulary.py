"""Vocabulary.from_mapping: what it accepts, and every problem reported with its key path."""

from __future__ import annotations

from typing import Any

import pytest

from intents.vocabulary import Thresholds, Vocabulary, VocabularyError

GOOD_SERVICES: list[dict[str, Any]] = [
    {"id": "groceries", "phrases": ["the messages"], "keywords": {"shopping": 1.0}},
    {"id": "hot_meals", "phrases": ["meals on wheels"], "title": "ignored: not classifier data"},
]
GOOD_LANGUAGE: dict[str, Any] = {
    "negation": ["not"],
    "emergency": {"danger": ["chest pain", "fell | fallen + cant get up"]},
    "thresholds": {"min_score": 0.8, "negation_scope": 3},
    "helper_service": "groceries",
}


def problems_of(services: Any, language: Any) -> list[tuple[tuple[str | int, ...], str]]:
    with pytest.raises(VocabularyError) as caught:
        Vocabulary.from_mapping(services, language)
    return caught.value.problems


def test_good_vocabulary_is_read() -> None:
    vocabulary = Vocabulary.from_mapping(GOOD_SERVICES, GOOD_LANGUAGE)
    assert vocabulary.service_ids == ("groceries", "hot_meals")
    assert vocabulary.services[0].keywords == (("shopping", 1.0),)
    assert vocabulary.language.thresholds.min_score == 0.8
    assert vocabulary.language.thresholds.max_chars == Thresholds().max_chars


def test_language_may_be_empty() -> None:
    assert Vocabulary.from_mapping(GOOD_SERVICES, {}).language.negation == ()


@pytest.mark.parametrize(
    ("services", "language", "path"),
    [
        pytest.param(
            [{"id": "g", "phrases": ["x"], "keywords": {"shop": "high"}}], {},
            ("services", 0, "keywords", "shop"), id="keyword-weight-not-a-number",
        ),
        pytest.param(
            [{"id": "g", "phrases": ["x"], "keywords": {"shop": 0}}], {},
            ("services", 0, "keywords", "shop"), id="keyword-weight-zero",
        ),
        pytest.param(
            [{"id": "g", "phrases": ["x", "!!!"]}], {}, ("services", 0, "phrases", 1),
            id="phrase-without-letters",
        ),
        pytest.param(
            [{"id": "g", "phrases": ["x", True]}], {}, ("services", 0, "phrases", 1),
            id="phrase-not-text",
        ),
        pytest.param(
            [{"id": "g", "phrases": "the shop"}], {}, ("services", 0, "phrases"),
            id="phrases-not-a-list",
        ),
        pytest.param([{"phrases": ["x"]}], {}, ("services", 0, "id"), id="missing-id"),
        pytest.param(
            [{"id": "g", "phrases": ["x"]}, {"id": "g", "phrases": ["y"]}], {},
            ("services", 1, "id"), id="duplicate-id",
        ),
        pytest.param(
            [{"id": "g", "phrases": ["x"]}], {"negation": ["not", 5]}, ("language", "negation", 1),
            id="negation-cue-not-text",
        ),
        pytest.param(
            [{"id": "g", "phrases": ["x"]}], {"negatoin": ["not"]}, ("language", "negatoin"),
            id="unknown-language-setting",
        ),
        pytest.param(
            [{"id": "g", "phrases": ["x"]}], {"thresholds": {"min_score": "low"}},
            ("language", "thresholds", "min_score"), id="threshold-not-a-number",
        ),
        pytest.param(
            [{"id": "g", "phrases": ["x"]}], {"helper_service": "nope"},
            ("language", "helper_service"), id="helper-service-unknown",
        ),
        pytest.param(
            [{"id": "g", "phrases": ["x"]}], {"emergency": {"danger": ["fell + "]}},
            ("language", "emergency", "danger", 0), id="emergency-empty-part",
        ),
        pytest.param(
            [{"id": "g", "phrases": ["x"]}], {"spellings": {"two words": "x"}},
            ("language", "spellings", "two words"), id="spelling-of-two-words",
        ),
    ],
)
def test_problem_is_reported_at_its_key_path(
    services: Any, language: Any, path: tuple[str | int, ...]
) -> None:
    problems = problems_of(services, language)
    assert path in [p for p, _ in problems], problems
    assert all(message and message[0].islower() or message[0] == "'" for _, message in problems)


def test_every_problem_is_reported_not_just_the_first() -> None:
    services = [
        {"id": "g", "phrases": ["x"], "keywords": {"shop": -1, "food": "lots"}},
        {"id": "", "phrases": ["y"]},
    ]
    language = {"negation": [None], "thresholds": {"min_score": 500}}
    paths = [p for p, _ in problems_of(services, language)]
    assert ("services", 0, "keywords", "shop") in paths
    assert ("services", 0, "keywords", "food") in paths
    assert ("services", 1, "id") in paths
    assert ("language", "negation", 0) in paths
    assert ("language", "thresholds", "min_score") in paths


def test_error_message_names_paths_for_people() -> None:
    with pytest.raises(VocabularyError) as caught:
        Vocabulary.from_mapping([{"id": "g", "phrases": ["x"], "keywords": {"shop": "x"}}], {})
    assert "services.0.keywords.shop" in str(caught.value)


def test_shipped_vocabulary_is_valid(config: dict[str, Any]) -> None:
    Vocabulary.from_mapping(config["services"], config["language"])
