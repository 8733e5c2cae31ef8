"""Which texts in the routing file citizens read, and which of them have no Irish yet.

The schema is the one list of citizen-facing texts: every setting whose schema is
``#/$defs/localizedText`` is one (``config/routing.schema.json``). This module walks the
file and the schema side by side and finds each of them, so ``routing check`` can list
every text that lacks its Irish version in a bilingual file (an English-only file, as older
ones are, answers everyone in English and is not warned about), and tests can collect every
English and Irish text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from routing.localized import ENGLISH, IRISH
from routing.schema_check import validator

LOCALIZED_REF = "#/$defs/localizedText"
_MAX_SHOWN = 60  # characters of the English shown beside a text that lacks its Irish

Path = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class CitizenText:
    """One citizen-facing text in the file: where it is and its versions."""

    path: Path
    en: str
    ga: str | None

    @property
    def written_as_pair(self) -> bool:
        return self.ga is not None


def citizen_texts(data: Any) -> list[CitizenText]:
    """Every citizen-facing text in ``data`` (a parsed, schema-valid routing file)."""
    schema = validator().schema
    return list(_walk(data, schema, schema, ()))


def untranslated(data: Any) -> list[CitizenText]:
    """The citizen-facing texts with no Irish version."""
    return [t for t in citizen_texts(data) if not t.ga and t.en.strip()]


def missing_irish_message(text: CitizenText) -> str:
    shown = text.en if len(text.en) <= _MAX_SHOWN else text.en[: _MAX_SHOWN - 1] + "…"
    return (
        f'has no Irish version, so people writing in Irish read "{shown}" in English — write '
        'it as {en: "...", ga: "..."} with the Irish beside the English'
    )


def _resolve(node: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = node.get("$ref")
    while isinstance(ref, str) and ref.startswith("#/") and ref != LOCALIZED_REF:
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        node = target
        ref = node.get("$ref")
    return node


def _walk(value: Any, node: Mapping[str, Any], root: Mapping[str, Any], path: Path) -> Iterator[CitizenText]:
    if node.get("$ref") == LOCALIZED_REF:
        if isinstance(value, str):
            yield CitizenText(path, value, None)
        elif isinstance(value, Mapping):
            en, ga = value.get(ENGLISH), value.get(IRISH)
            yield CitizenText(path, str(en or ""), str(ga) if ga else None)
        return
    node = _resolve(node, root)
    if node.get("$ref") == LOCALIZED_REF:
        yield from _walk(value, node, root, path)
        return
    if isinstance(value, Mapping):
        properties = node.get("properties") or {}
        extra = node.get("additionalProperties")
        for key, item in value.items():
            child = properties.get(key)
            if child is None and isinstance(extra, Mapping):
                child = extra
            if child is not None:
                yield from _walk(item, child, root, (*path, key))
    elif isinstance(value, list):
        items = node.get("items")
        if isinstance(items, Mapping):
            for index, item in enumerate(value):
                yield from _walk(item, items, root, (*path, index))
