"""The one validator shared by the loader, the live reload and ``python -m routing check``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from intents.vocabulary import VocabularyError
from routing.errors import ConfigIssue
from routing.hours import DUBLIN
from routing.model import Classifier
from routing.paths import Located
from routing.schema_check import schema_issues
from routing.semantics import semantic_issues, semantic_warnings
from routing.yaml_lines import LineMap, YamlSyntaxError, parse

_NOT_A_MAPPING = "the file must be a list of settings such as helpline:, services:"
_EMPTY = (
    "the file is empty — it has no settings at all. If it was emptied by mistake, restore "
    "the last good version with: python -m routing rollback"
)
_TWICE = '"{key}" appears twice here — keep only one'
_BOOL_KEY = (
    'write "{word}" in quotes here ("{word}":) — without quotes YAML reads yes, no, on and '
    "off as true or false, not as a name"
)

Factory = Callable[[list[dict[str, Any]], dict[str, Any]], Classifier]


def today() -> dt.date:
    """Irish today, for the warnings that depend on the date (tests replace this)."""
    return dt.datetime.now(DUBLIN).date()


@dataclass(slots=True)
class Validation:
    """The outcome of checking one version of the file (before building the table)."""

    data: dict[str, Any]
    classifier: Classifier | None
    issues: list[ConfigIssue]  # errors: the file cannot be used
    warnings: list[ConfigIssue] = field(default_factory=list)
    lines: LineMap | None = None


def validate_text(
    text: str, file: str, factory: Factory, on: dt.date | None = None
) -> Validation:
    """Parse and check ``text``: every problem, in the order STYLE.md gives (YAML, shape,
    schema, the checks a schema cannot express, the vocabulary). A later step runs only when
    the earlier ones passed, so staff are never shown knock-on errors."""
    try:
        data, lines = parse(text)
    except YamlSyntaxError as exc:
        source = text.splitlines()
        shown = source[exc.line - 1] if 0 < exc.line <= len(source) else None
        issue = ConfigIssue(file, exc.line, "", exc.message, column=exc.column, source=shown)
        return Validation({}, None, [issue])
    loc = Located(file, data, lines)
    if data is None:
        return Validation({}, None, [ConfigIssue(file, 1, "", _EMPTY)], lines=lines)
    if not isinstance(data, dict):
        return Validation({}, None, [loc.issue((), _NOT_A_MAPPING)], lines=lines)
    issues = [
        ConfigIssue(
            file,
            b.line,
            loc.render(b.path[:-1]),
            _BOOL_KEY.format(word=b.written),
            column=b.column,
            source=lines.source_line(b.line),
        )
        for b in lines.bool_keys
    ]
    issues += [
        ConfigIssue(file, d.line, loc.render(d.path), _TWICE.format(key=d.path[-1]))
        for d in lines.duplicates
    ]
    bool_paths = {b.path for b in lines.bool_keys}
    issues += [
        i for i in schema_issues(data, loc) if not _about_bool_key(i, bool_paths, loc)
    ]
    if issues:
        return Validation(data, None, issues, lines=lines)
    warnings = semantic_warnings(data, loc, on or today())
    issues = semantic_issues(data, loc)
    if issues:
        return Validation(data, None, issues, warnings, lines)
    classifier, vocab_issues = _classifier(data, loc, factory)
    return Validation(data, classifier, vocab_issues, warnings, lines)


def _about_bool_key(issue: ConfigIssue, bool_paths: set[Any], loc: Located) -> bool:
    """Schema complaints about a yes:/no: key, which is already explained once."""
    return any(
        issue.path == (shown := loc.render(path)) or issue.path.startswith(shown + ".")
        for path in bool_paths
    )


def _classifier(
    data: dict[str, Any], loc: Located, factory: Factory
) -> tuple[Classifier | None, list[ConfigIssue]]:
    try:
        return factory(data["services"], data.get("language") or {}), []
    except VocabularyError as exc:
        problems = exc.problems or [((), str(exc))]
        return None, [loc.issue(tuple(path), message) for path, message in problems]
