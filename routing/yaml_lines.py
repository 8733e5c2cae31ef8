"""Parse YAML while remembering the line of every key, so errors can name their line.

The node tree is composed with a private subclass of ``yaml.SafeLoader`` (the global loaders
are never touched). Dates are left as text ("2026-12-25"), so the JSON Schema sees strings.

A staff edit must not be able to exhaust memory: anchors and aliases (``&name``/``*name``,
the "billion laughs" trick) are refused before anything is built, nesting is bounded, and
``routing.files`` refuses files over 1 MB before they are read. Errors are explained in
plain words (``yaml_help``), never with the parser's own terms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from routing.yaml_help import YamlProblem, explain_yaml_error, pasted_characters

PathPart = str | int
KeyPath = tuple[PathPart, ...]

MAX_DEPTH = 40  # the shipped file nests 6 deep
_BOOL = "tag:yaml.org,2002:bool"


class _Loader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver (dates stay strings), without anchors or
    aliases, and with bounded nesting."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: ANN401 - PyYAML's API
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(event.start_mark, "anchor")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(event.start_mark, "depth")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_CSafeLoader: Any = getattr(yaml, "CSafeLoader", None)


def _fast_loader() -> Any:
    """libyaml's parser (about five times faster) with the same resolvers, or None without
    libyaml. Used only once a scan of its events has found no anchor, alias or deep nesting;
    on any error the pure-Python loader parses again, for its precise marks and messages."""
    if _CSafeLoader is None:  # pragma: no cover - PyYAML without libyaml
        return None
    return type(
        "_FastLoader", (_CSafeLoader,), {"yaml_implicit_resolvers": _Loader.yaml_implicit_resolvers}
    )


_FastLoader: Any = _fast_loader()


def _fast_compose(text: str) -> tuple[Any, Any] | None:
    """(node, data) with libyaml, or None to let the pure-Python loader decide."""
    if _FastLoader is None:
        return None
    try:
        depth = 0
        for event in yaml.parse(text, Loader=_CSafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return None
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return None
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
        loader = _FastLoader(text)
        try:
            node = loader.get_single_node()
            return node, (loader.construct_document(node) if node is not None else None)
        finally:
            loader.dispose()
    except yaml.YAMLError:
        return None


class _Refused(Exception):
    def __init__(self, mark: yaml.Mark, why: str) -> None:
        super().__init__(why)
        self.mark = mark
        self.why = why


_REFUSED = {
    "anchor": (
        "anchors and aliases (&name and *name) are not allowed in this file — write the "
        "text out in full where it is needed"
    ),
    "depth": f"the settings here are nested more than {MAX_DEPTH} levels deep — this file "
    "never needs that many; check the brackets [ ] and { } above",
}


@dataclass(frozen=True, slots=True)
class DuplicateKey:
    path: KeyPath
    line: int


@dataclass(frozen=True, slots=True)
class BoolKey:
    """A key such as ``yes:`` that YAML reads as true/false instead of as a name."""

    path: KeyPath  # with the key as YAML read it (True/False)
    line: int
    column: int
    written: str  # as written: "yes"


@dataclass(slots=True)
class LineMap:
    """Line numbers (1-based) of every key path: the key's line for mapping entries."""

    lines: dict[KeyPath, int] = field(default_factory=dict)
    ends: dict[KeyPath, int] = field(default_factory=dict)
    duplicates: list[DuplicateKey] = field(default_factory=list)
    bool_keys: list[BoolKey] = field(default_factory=list)
    # Plain (unquoted) texts with a " #" comment right after them on the same line: the
    # text was probably cut short there (key path -> (line, column of the #)).
    cut_by_comment: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    source: list[str] = field(default_factory=list)  # the file's lines

    def source_line(self, line: int) -> str | None:
        return self.source[line - 1] if 0 < line <= len(self.source) else None

    def line_of(self, path: Iterable[PathPart]) -> int:
        """The line of ``path`` or of its nearest ancestor that exists in the file."""
        parts = tuple(path)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return self.lines.get((), 1)


class YamlSyntaxError(Exception):
    def __init__(self, line: int, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.column = column


def parse(text: str) -> tuple[Any, LineMap]:
    """Parse one YAML document into plain Python data and the line map of its keys.

    Raises YamlSyntaxError (line, column, plain words) for anything that is not valid YAML,
    for anchors and aliases, for too deep nesting and for characters pasted from a word
    processor where they change the meaning (a non-breaking space in an indentation).
    """
    pasted = pasted_characters(text)
    if pasted is not None:
        raise YamlSyntaxError(pasted.line, pasted.message, pasted.column)
    fast = _fast_compose(text)
    if fast is not None:
        return _mapped(text, *fast)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _Refused as exc:
        raise YamlSyntaxError(
            exc.mark.line + 1, _REFUSED[exc.why], exc.mark.column + 1
        ) from None
    except RecursionError:  # pragma: no cover - MAX_DEPTH stops this first
        raise YamlSyntaxError(1, _REFUSED["depth"]) from None
    except yaml.MarkedYAMLError as exc:
        problem: YamlProblem = explain_yaml_error(exc, text)
        raise YamlSyntaxError(problem.line, problem.message, problem.column) from exc
    except yaml.YAMLError as exc:  # pragma: no cover - non-marked errors are rare
        raise YamlSyntaxError(1, "the file is not valid YAML") from exc
    finally:
        loader.dispose()
    return _mapped(text, node, data)


def _mapped(text: str, node: Any, data: Any) -> tuple[Any, LineMap]:
    lines = LineMap(source=text.splitlines())
    if node is not None:
        lines.lines[()] = node.start_mark.line + 1
        _walk(node, (), lines, lines.source)
    return data, lines


def _walk(node: yaml.Node, path: KeyPath, lines: LineMap, source: list[str]) -> None:
    lines.ends[path] = node.end_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[object] = set()
        for key_node, value_node in node.value:
            key: Any = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag == _BOOL:
                mark = key_node.start_mark
                read_as = key_node.value.lower() in ("yes", "true", "on", "y")
                lines.bool_keys.append(
                    BoolKey((*path, read_as), mark.line + 1, mark.column + 1, key_node.value)
                )
            child = (*path, key)
            if key in seen:
                lines.duplicates.append(DuplicateKey(child, key_node.start_mark.line + 1))
                continue
            seen.add(key)
            lines.lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, lines, source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines.lines[child] = item.start_mark.line + 1
            _walk(item, child, lines, source)
    elif isinstance(node, yaml.ScalarNode) and not node.style and " " in node.value:
        _note_cut_text(node, path, lines, source)


def _note_cut_text(node: yaml.ScalarNode, path: KeyPath, lines: LineMap, source: list[str]) -> None:
    """Remember an unquoted text of several words followed by `` #`` on its last line."""
    end = node.end_mark
    if end.line >= len(source):
        return
    rest = source[end.line][end.column :]
    stripped = rest.lstrip(" ")
    if stripped.startswith("#") and rest != stripped:
        lines.cut_by_comment[path] = (end.line + 1, end.column + len(rest) - len(stripped) + 1)
