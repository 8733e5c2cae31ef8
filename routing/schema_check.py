"""Structural checks against config/routing.schema.json, with messages staff can act on."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError
from rapidfuzz import fuzz, process

from routing.errors import ConfigIssue
from routing.paths import Located

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "config" / "routing.schema.json"

_ID_PATTERN = "^[a-z][a-z0-9_]*$"
# Marks a schema part whose pattern is for the editor only: the checks after the schema
# (routing/semantics.py) report the same mistake with a more precise message.
CHECKED_LATER = "x-checked-later"
_DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_EIRCODE_HELP = "write its first three characters, like F23"
_TYPE_WORDS = {
    "string": "text",
    "array": "a list",
    "object": "a group of settings (name: value lines)",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "yes/no",
}


@lru_cache(maxsize=1)
def validator() -> Draft7Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def schema_issues(data: Any, loc: Located) -> list[ConfigIssue]:
    issues: list[ConfigIssue] = []
    for error in validator().iter_errors(data):
        issues.extend(_explain(error, loc))
    return issues


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "a group of settings"


def did_you_mean(word: str, choices: list[str]) -> str | None:
    hit = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=60)
    return hit[0] if hit else None


def _explain(error: ValidationError, loc: Located) -> list[ConfigIssue]:
    path = tuple(error.absolute_path)
    kind = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    value = error.instance
    if kind == "pattern" and schema.get(CHECKED_LATER):
        return []  # the editor's pattern; the checks after the schema give the precise message
    if kind == "additionalProperties" and isinstance(value, dict):
        allowed = sorted(schema.get("properties", {}))
        out = []
        for key in value:
            if key in allowed:
                continue
            guess = did_you_mean(str(key), allowed)
            hint = f'did you mean "{guess}"?' if guess else "allowed here: " + ", ".join(allowed)
            out.append(loc.issue((*path, key), f'unknown setting "{key}" — {hint}'))
        return out
    if kind == "required" and isinstance(value, dict):
        return [
            loc.issue(path, f'"{name}" is missing — add a line "{name}: ..." here')
            for name in error.validator_value
            if name not in value
        ]
    if kind == "propertyNames":
        bad = error.instance
        return [loc.issue((*path, bad), _id_message(bad))]
    if kind == "type":
        expected = error.validator_value
        if isinstance(expected, list) and "string" in expected:
            expected = "string"  # text, or {en, ga}: staff write text
        words = _TYPE_WORDS.get(expected, str(expected)) if isinstance(expected, str) else "text"
        msg = f"should be {words}, not {_describe(value)}"
        if expected == "string" and isinstance(value, (int, float)):
            msg += f' — put it in quotes: "{value}"'
        elif expected == "string" and value is None:
            msg = "is empty — write the text after the colon, or remove the line"
        return [loc.issue(path, msg)]
    if kind == "pattern":
        pattern = error.validator_value
        if pattern == _ID_PATTERN:
            return [loc.issue(path, _id_message(value))]
        if pattern == _DATE_PATTERN:
            return [loc.issue(path, f'"{value}" is not a date — write it like 2026-12-25')]
        if "patternErrorMessage" in schema and "Eircode" not in schema["patternErrorMessage"]:
            return [loc.issue(path, f'"{value}": {schema["patternErrorMessage"]}')]
        return [
            loc.issue(path, f'"{value}" is not an Eircode routing key — {_EIRCODE_HELP}')
        ]
    if kind == "minLength":
        return [loc.issue(path, "must not be empty")]
    if kind == "minItems":
        n = error.validator_value
        return [loc.issue(path, f"needs at least {n} {'entry' if n == 1 else 'entries'}")]
    if kind == "maxItems":
        return [loc.issue(path, f"has too many entries (at most {error.validator_value})")]
    if kind == "minProperties":
        return [loc.issue(path, "needs at least one entry")]
    if kind == "oneOf":
        return [loc.issue(path, "should be one service id, a list of service ids, or none")]
    return [loc.issue(path, error.message)]  # pragma: no cover - all keywords handled above


def _id_message(value: Any) -> str:
    return (
        f'"{value}" is not a valid id — use lower case letters, digits and _ only, '
        "starting with a letter (like hot_meals)"
    )
