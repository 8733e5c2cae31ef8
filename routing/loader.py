"""Load the routing table: read, parse with line numbers, validate, build. Fails with ALL problems.

Order (as in STYLE.md): safe-load the YAML, check the shape against the JSON Schema, then the
checks a schema cannot express (references, duplicates, phone numbers, hours, phrases), then
build the classifier's vocabulary. Each step reports every problem it finds; a later step runs
only when the earlier ones passed, so staff are never shown knock-on errors.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from routing.build import build_table
from routing.errors import ConfigError, ConfigIssue
from routing.model import Classifier, RoutingTable
from routing.validate import validate_data

ClassifierFactory = Callable[[list[dict[str, Any]], dict[str, Any]], Classifier]


def build_classifier(services: list[dict[str, Any]], language: dict[str, Any]) -> Classifier:
    """The real classifier from intents/, built from the services' phrases and ``language:``."""
    from intents.classifier import Classifier as IntentClassifier
    from intents.vocabulary import Vocabulary

    return IntentClassifier(Vocabulary.from_mapping(services, language))


def load_table(
    path: str | Path, *, classifier_factory: ClassifierFactory | None = None
) -> RoutingTable:
    """Read and validate ``path``; raise ConfigError listing every problem."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([ConfigIssue(file, 1, "", f"cannot read the file: {exc}")]) from exc
    return load_text(text, file, classifier_factory=classifier_factory)


def load_text(
    text: str, file: str, *, classifier_factory: ClassifierFactory | None = None
) -> RoutingTable:
    factory = classifier_factory or build_classifier
    data, classifier, issues = validate_data(text, file, factory)
    if issues or classifier is None:
        raise ConfigError(issues)
    return build_table(data, file, classifier)


def classifier_from_file(path: str | Path) -> Classifier:
    """The classifier the bot builds from the routing file at ``path`` (for ``python -m
    intents``, which names this function rather than importing routing/). Raises
    ConfigError listing every problem."""
    return load_table(path).classifier
