"""The one validator shared by the loader and ``python -m routing check``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from intents.vocabulary import VocabularyError
from routing.errors import ConfigIssue
from routing.model import Classifier
from routing.paths import Located
from routing.schema_check import schema_issues
from routing.semantics import semantic_issues
from routing.yaml_lines import YamlSyntaxError, parse

_NOT_A_MAPPING = "the file must be a list of settings such as helpline:, services:"
_TWICE = '"{key}" appears twice here — keep only one'

Factory = Callable[[list[dict[str, Any]], dict[str, Any]], Classifier]


def validate_data(
    text: str, file: str, factory: Factory
) -> tuple[dict[str, Any], Classifier | None, list[ConfigIssue]]:
    """Parse and check ``text``; returns the data, the classifier (when valid) and all issues."""
    try:
        data, lines = parse(text)
    except YamlSyntaxError as exc:
        return {}, None, [ConfigIssue(file, exc.line, "", exc.message)]
    loc = Located(file, data, lines)
    if not isinstance(data, dict):
        return {}, None, [loc.issue((), _NOT_A_MAPPING)]
    issues = [
        ConfigIssue(file, d.line, loc.render(d.path), _TWICE.format(key=d.path[-1]))
        for d in lines.duplicates
    ]
    issues += schema_issues(data, loc)
    if issues:
        return data, None, issues
    issues = semantic_issues(data, loc)
    if issues:
        return data, None, issues
    classifier, vocab_issues = _classifier(data, loc, factory)
    return data, classifier, vocab_issues


def _classifier(
    data: dict[str, Any], loc: Located, factory: Factory
) -> tuple[Classifier | None, list[ConfigIssue]]:
    try:
        return factory(data["services"], data.get("language") or {}), []
    except VocabularyError as exc:
        problems = exc.problems or [((), str(exc))]
        return None, [loc.issue(tuple(path), message) for path, message in problems]
