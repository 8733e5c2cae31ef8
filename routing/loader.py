"""Load the routing table: read, parse with line numbers, validate, build, run the safety suite.
Fails with ALL problems.

Order (as in STYLE.md): refuse files over 1 MB, safe-load the YAML (no aliases), check the
shape against the JSON Schema, then the checks a schema cannot express (references,
duplicates, phone numbers, hours, wording), then build the classifier's vocabulary, then the
fixed safety suite (``routing.safety``). Each step reports every problem it finds; a later
step runs only when the earlier ones passed, so staff are never shown knock-on errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from routing.build import build_table
from routing.errors import ConfigError, ConfigIssue
from routing.files import MAX_BYTES, read_version, too_big
from routing.model import Classifier, RoutingTable
from routing.paths import Located
from routing.safety import safety_issues
from routing.validate import validate_text
from routing.yaml_lines import LineMap

ClassifierFactory = Callable[[list[dict[str, Any]], dict[str, Any]], Classifier]


def build_classifier(services: list[dict[str, Any]], language: dict[str, Any]) -> Classifier:
    """The real classifier from intents/, built from the services' phrases and ``language:``."""
    from intents.classifier import Classifier as IntentClassifier
    from intents.vocabulary import Vocabulary

    return IntentClassifier(Vocabulary.from_mapping(services, language))


@dataclass(slots=True)
class Checked:
    """One version of the file, fully checked: the table when it can be used."""

    table: RoutingTable | None
    data: dict[str, Any]
    issues: list[ConfigIssue]
    warnings: list[ConfigIssue] = field(default_factory=list)
    lines: LineMap | None = None

    def __post_init__(self) -> None:
        order = lambda i: (i.file, i.line, i.path, i.message)  # noqa: E731 - as ConfigError sorts
        self.issues = sorted(self.issues, key=order)
        self.warnings = sorted(self.warnings, key=order)

    @property
    def ok(self) -> bool:
        return self.table is not None and not self.issues


def check_text(
    text: str,
    file: str,
    *,
    classifier_factory: ClassifierFactory | None = None,
    today: dt.date | None = None,
) -> Checked:
    """Every problem with ``text`` (errors and warnings), and the table when there is none."""
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        return Checked(None, {}, [too_big(file, size)])
    factory = classifier_factory or build_classifier
    v = validate_text(text, file, factory, today)
    if v.issues or v.classifier is None:
        return Checked(None, v.data, v.issues, v.warnings, v.lines)
    table = build_table(v.data, file, v.classifier)
    assert v.lines is not None
    issues = safety_issues(table, Located(file, v.data, v.lines))
    if issues:
        return Checked(None, v.data, issues, v.warnings, v.lines)
    return Checked(table, v.data, [], v.warnings, v.lines)


def load_table(
    path: str | Path, *, classifier_factory: ClassifierFactory | None = None
) -> RoutingTable:
    """Read and validate ``path``; raise ConfigError listing every problem."""
    version = read_version(Path(path), str(path))
    return load_text(version.text, str(path), classifier_factory=classifier_factory)


def load_text(
    text: str, file: str, *, classifier_factory: ClassifierFactory | None = None
) -> RoutingTable:
    checked = check_text(text, file, classifier_factory=classifier_factory)
    if checked.table is None:
        raise ConfigError(checked.issues)
    return checked.table


def classifier_from_file(path: str | Path) -> Classifier:
    """The classifier the bot builds from the routing file at ``path`` (for ``python -m
    intents``, which names this function rather than importing routing/). Raises
    ConfigError listing every problem."""
    return load_table(path).classifier
