"""Parse YAML while remembering the line of every key, so errors can name their line.

The node tree is composed with a private subclass of ``yaml.SafeLoader`` (the global loaders
are never touched). Dates are left as text ("2026-12-25"), so the JSON Schema sees strings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

PathPart = str | int
KeyPath = tuple[PathPart, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver: dates stay strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True, slots=True)
class DuplicateKey:
    path: KeyPath
    line: int


@dataclass(slots=True)
class LineMap:
    """Line numbers (1-based) of every key path: the key's line for mapping entries."""

    lines: dict[KeyPath, int] = field(default_factory=dict)
    ends: dict[KeyPath, int] = field(default_factory=dict)
    duplicates: list[DuplicateKey] = field(default_factory=list)

    def line_of(self, path: Iterable[PathPart]) -> int:
        """The line of ``path`` or of its nearest ancestor that exists in the file."""
        parts = tuple(path)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return self.lines.get((), 1)


class YamlSyntaxError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def parse(text: str) -> tuple[Any, LineMap]:
    """Parse one YAML document into plain Python data and the line map of its keys."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or "not valid YAML"
        if exc.context:
            problem = f"{exc.context}, {problem}"
        message = _friendly_yaml(problem)
        if exc.context_mark is not None and exc.context_mark.line + 1 != line:
            message += f" (in the part that starts on line {exc.context_mark.line + 1})"
        raise YamlSyntaxError(line, message) from exc
    except yaml.YAMLError as exc:  # pragma: no cover - non-marked errors are rare
        raise YamlSyntaxError(1, str(exc)) from exc
    finally:
        loader.dispose()
    lines = LineMap()
    if node is not None:
        lines.lines[()] = node.start_mark.line + 1
        _walk(node, (), lines)
    return data, lines


def _friendly_yaml(problem: str) -> str:
    hint = ""
    if "\\t" in problem or "\t" in problem or "tab" in problem:
        hint = " — indent with spaces, not tabs"
    elif "quoted scalar" in problem or "flow mapping" in problem or "flow sequence" in problem:
        hint = " — check that every quote \" and bracket { [ is closed on the same line"
    elif "mapping values are not allowed" in problem:
        hint = " — check the indentation, and put text containing ': ' in quotes"
    elif "could not find expected ':'" in problem:
        hint = " — each setting needs a colon after its name (name: value)"
    elif "expected <block end>" in problem:
        hint = " — check the indentation of this line against the lines above"
    return f"the file is not valid YAML: {problem}{hint}"


def _walk(node: yaml.Node, path: KeyPath, lines: LineMap) -> None:
    lines.ends[path] = node.end_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[object] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            child = (*path, key)
            if key in seen:
                lines.duplicates.append(DuplicateKey(child, key_node.start_mark.line + 1))
                continue
            seen.add(key)
            lines.lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines.lines[child] = item.start_mark.line + 1
            _walk(item, child, lines)
