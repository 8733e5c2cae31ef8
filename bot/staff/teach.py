"""Teach the bot a phrase: the edit to the routing file, and what it would change.

The edit is made on the file's text (comments and layout kept): the phrase is added to the
service's ``phrases:`` and an example ``{text: PHRASE, expect: SERVICE}`` under
``examples:``, so ``python -m routing check`` guards it from then on. The new text goes
through the routing package's own loader (``routing.loader.load_text``) and examples
(``routing.examples``), exactly as ``routing check`` and the live reload do. Nothing here
writes the file: :func:`save` does, atomically, after the same checks.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from routing.errors import ConfigError
from routing.examples import ExampleOutcome, run_examples
from routing.loader import load_text
from routing.model import RoutingTable

from .strings import text as t

PHRASE_MIN, PHRASE_MAX = 2, 80
_MASKED = re.compile(r"\[(name|phone|email|eircode)\]", re.IGNORECASE)
_PLAIN = re.compile(r"^[a-z0-9\u00c0-\u024f][a-z0-9\u00c0-\u024f' -]*$")


class TeachRefused(ValueError):
    """The phrase or service cannot be used; ``key`` names the message in strings.py."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True, slots=True)
class Route:
    """Where a message goes: service ids, "emergency", or a question between services."""

    services: tuple[str, ...] = ()
    emergency: bool = False
    clarify: tuple[str, ...] = ()

    def describe(self, table: RoutingTable, language: str) -> str:
        def title(sid: str) -> str:
            service = table.service(sid)
            return service.title.in_(language) if service else sid

        if self.emergency:
            return t(language, "route_emergency")
        if self.clarify:
            return t(language, "route_clarify", choices=" / ".join(title(s) for s in self.clarify))
        if not self.services:
            return t(language, "route_none")
        return ", ".join(title(s) for s in self.services)


def route_of(table: RoutingTable, message: str) -> Route:
    result = table.classifier.classify(message)
    if result.is_emergency:
        return Route(emergency=True)
    if result.candidates:
        return Route(clarify=tuple(result.candidates))
    return Route(services=tuple(result.intents or ((result.intent,) if result.intent else ())))


@dataclass(frozen=True, slots=True)
class Changed:
    text: str
    before: str
    after: str


@dataclass(slots=True)
class Preview:
    service_id: str
    phrase: str
    base_hash: str  # sha256 of the file text the preview was made from
    new_text: str = ""
    diff: str = ""
    problems: list[str] = field(default_factory=list)  # the loader's issues (file invalid)
    misroutes: list[str] = field(default_factory=list)  # examples that go elsewhere
    check_line: str = ""  # what `routing check` prints last
    phrase_now: str = ""
    phrase_after: str = ""
    changed: list[Changed] = field(default_factory=list)
    total: int = 0
    table: RoutingTable | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and not self.misroutes


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_phrase(phrase: str) -> str:
    cleaned = " ".join(phrase.split())
    if _MASKED.search(cleaned):
        raise TeachRefused("refused_masked")
    if "\n" in phrase or not PHRASE_MIN <= len(cleaned) <= PHRASE_MAX:
        raise TeachRefused("refused_length")
    return cleaned


def _quoted(value: str) -> str:
    return value if _PLAIN.match(value) else json.dumps(value, ensure_ascii=False)


def _mapping_get(node: yaml.Node, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return k, v
    return None


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end < 0 else end


def _append_to_sequence(text: str, seq: yaml.SequenceNode, item: str) -> str:
    """``text`` with ``item`` (YAML source) added at the end of the sequence ``seq``."""
    if seq.flow_style:
        close = text.rindex("]", 0, seq.end_mark.index)
        sep = ", " if seq.value else ""
        return text[:close] + sep + item + text[close:]
    last = seq.value[-1]
    start = _line_start(text, last.start_mark.index)
    prefix = text[start : last.start_mark.index]  # the indentation and "- "
    end = _line_end(text, last.end_mark.index - 1 if last.end_mark.index else 0)
    return text[:end] + "\n" + prefix + item + text[end:]


def add_phrase(text: str, service_id: str, phrase: str) -> str:
    """``text`` (a routing file) with ``phrase`` added to ``service_id``'s phrases and an
    example for it. Raises TeachRefused for an unknown service or a phrase already there."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    found = _mapping_get(root, "services") if root is not None else None
    if found is None or not isinstance(found[1], yaml.SequenceNode):
        raise TeachRefused("refused_service")
    service = next(
        (
            s
            for s in found[1].value
            if (pair := _mapping_get(s, "id")) is not None and pair[1].value == service_id
        ),
        None,
    )
    if service is None:
        raise TeachRefused("refused_service")
    phrases = _mapping_get(service, "phrases")
    item = _quoted(phrase)
    if phrases is not None and isinstance(phrases[1], yaml.SequenceNode):
        existing = {str(n.value).casefold() for n in phrases[1].value if isinstance(n, yaml.ScalarNode)}
        if phrase.casefold() in existing:
            raise TeachRefused("refused_exists")
        if phrases[1].value or phrases[1].flow_style:
            text = _append_to_sequence(text, phrases[1], item)
        else:  # pragma: no cover - an empty block list is not valid YAML anyway
            raise TeachRefused("refused_service")
    else:
        anchor = _mapping_get(service, "title") or _mapping_get(service, "id")
        assert anchor is not None
        key, value = anchor
        indent = " " * key.start_mark.column
        end = _line_end(text, value.end_mark.index - 1)
        text = text[:end] + f"\n{indent}phrases: [{item}]" + text[end:]
    # The example goes in after the phrase (the example list comes later in the file).
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    example = "{text: " + json.dumps(phrase, ensure_ascii=False) + f", expect: {service_id}}}"
    examples = _mapping_get(root, "examples")
    if examples is not None and isinstance(examples[1], yaml.SequenceNode) and examples[1].value:
        return _append_to_sequence(text, examples[1], example)
    tail = "" if text.endswith("\n") else "\n"
    return text + tail + f"examples:\n  - {example}\n"


def preview(
    current_text: str,
    file: str,
    current: RoutingTable,
    service_id: str,
    phrase: str,
    recorded: Sequence[str],
    language: str = "en",
) -> Preview:
    """What adding ``phrase`` to ``service_id`` would do: the file's new text and diff, what
    ``routing check`` says about it, where the phrase goes today and after, and which
    ``recorded`` (masked) messages would go elsewhere."""
    if current.service(service_id) is None:
        raise TeachRefused("refused_service")
    phrase = check_phrase(phrase)
    result = Preview(service_id, phrase, text_hash(current_text))
    result.new_text = add_phrase(current_text, service_id, phrase)
    result.diff = "".join(
        difflib.unified_diff(
            current_text.splitlines(keepends=True),
            result.new_text.splitlines(keepends=True),
            fromfile=file,
            tofile=file,
            n=1,
        )
    )
    result.phrase_now = route_of(current, phrase).describe(current, language)
    try:
        table = load_text(result.new_text, file)
    except ConfigError as error:
        result.problems = [str(i) for i in error.issues]
        result.check_line = t(language, "teach_check_problems", count=len(error.issues))
        return result
    result.table = table
    outcomes = run_examples(table)
    wrong = [o for o in outcomes if not o.ok]
    result.misroutes = [_misroute(o, table, language) for o in wrong]
    if wrong:
        result.check_line = t(
            language, "teach_check_misroutes", wrong=len(wrong), total=len(outcomes)
        )
    else:
        result.check_line = t(
            language, "teach_check_ok", services=len(table.services), examples=len(outcomes)
        )
    result.phrase_after = route_of(table, phrase).describe(table, language)
    distinct = list(dict.fromkeys(recorded))
    result.total = len(distinct)
    for message in distinct:
        before, after = route_of(current, message), route_of(table, message)
        if before != after:
            result.changed.append(
                Changed(message, before.describe(current, language), after.describe(table, language))
            )
    return result


def _misroute(outcome: ExampleOutcome, table: RoutingTable, language: str) -> str:
    got = Route(
        services=() if outcome.got == ("emergency",) else outcome.got,
        emergency=outcome.got == ("emergency",),
        clarify=outcome.clarify,
    )
    expected = Route(
        services=() if outcome.expected == ("emergency",) else outcome.expected,
        emergency=outcome.expected == ("emergency",),
    )
    return (
        f'examples[{outcome.index}]: "{outcome.text}" should go to '
        f"{expected.describe(table, language)}, but it goes to {got.describe(table, language)}"
    )


def save(path: Path, new_text: str, base_hash: str) -> bool:
    """Write ``new_text`` to ``path`` atomically, only if the file still is the text the
    preview was made from (False: it changed meanwhile; nothing written)."""
    current = path.read_text(encoding="utf-8")
    if text_hash(current) != base_hash:
        return False
    mode = path.stat().st_mode & 0o777
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".staff", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(new_text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return True

