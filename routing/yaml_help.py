"""YAML mistakes explained in plain words, at the line and column where staff can fix them.

PyYAML reports where it noticed a problem ("while parsing a flow mapping ... expected ','"),
which is often a line or two after the mistake and always in parser terms. Here the common
causes are recognised from the text itself: an unclosed quote, an apostrophe inside single
quotes, a missing colon on the line above, a tab, a non-breaking space or curly quote pasted
from Word, ``: `` inside unquoted text, a list item where a setting was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

PREFIX = "the file is not valid YAML: "
_GENERIC = (
    "check the quotes, colons and indentation on this line and on the line above "
    '(text with a colon, # or quote in it must be in double quotes: "...")'
)
# Invisible or look-alike characters that word processors and emails put into copied text.
_INVISIBLE = {
    "\u00a0": "an invisible non-breaking space",
    "\u2007": "an invisible non-breaking space",
    "\u202f": "an invisible non-breaking space",
    "\u200b": "an invisible zero-width space",
    "\u200c": "an invisible zero-width character",
    "\u200d": "an invisible zero-width character",
    "\u2060": "an invisible zero-width character",
    "\ufeff": "an invisible byte-order mark",
}
_CURLY = "\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb"
_PASTED = "(often pasted from Word or an email)"


@dataclass(frozen=True, slots=True)
class YamlProblem:
    line: int
    column: int | None
    message: str


def _problem(line: int, column: int | None, words: str) -> YamlProblem:
    return YamlProblem(line, column, PREFIX + words)


def pasted_characters(text: str) -> YamlProblem | None:
    """An invisible character where it changes the structure: in the indentation or in a
    setting's name (inside text it is harmless). None when there is none."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not any(c in line for c in _INVISIBLE):
            continue
        stripped = line.lstrip()
        if stripped.startswith("#"):
            continue
        key_end = _key_end(line)
        for column, char in enumerate(line, start=1):
            if char in _INVISIBLE and (column <= key_end or (number == 1 and column == 1)):
                if char == "\ufeff" and number == 1 and column == 1:
                    break  # a byte-order mark at the very start is fine
                return _problem(
                    number,
                    column,
                    f"{_INVISIBLE[char]} {_PASTED} at column {column} — delete it and type "
                    "an ordinary space (or nothing) instead",
                )
    return None


def _key_end(line: str) -> int:
    """The column of the end of the indentation and setting name (0 when none)."""
    match = re.match(r"^[\s\u00a0\u200b\u200c\u200d\u2060\ufeff\u2007\u202f-]*[^:#\"'{\[]*:(\s|$)", line)
    if match:
        return match.end()
    match = re.match(r"^[\s\u00a0\u200b\u200c\u200d\u2060\ufeff\u2007\u202f]*", line)
    return match.end() if match else 0


def explain_yaml_error(exc: yaml.MarkedYAMLError, text: str) -> YamlProblem:
    lines = text.splitlines()
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 1
    column = mark.column + 1 if mark is not None else None
    problem = exc.problem or ""
    context = exc.context or ""
    ctx_line = exc.context_mark.line + 1 if exc.context_mark is not None else line
    ctx_col = exc.context_mark.column + 1 if exc.context_mark is not None else column

    if "'\\t'" in problem or "\t" in problem:
        return _problem(line, column, f"a tab at column {column} — indent with spaces, not tabs")
    curly = _curly_quote(lines, line)
    if curly is not None:
        return curly
    quote = _unclosed_quote(lines, min(line, len(lines)))
    if quote is not None and ("quoted scalar" in context or quote.line >= min(ctx_line, line) - 1):
        return quote
    if "unknown escape character" in problem:
        return _problem(
            line,
            column - 1 if column else column,  # PyYAML marks the character after the \
            "a backslash \\ inside double quotes starts a special character — write the text "
            "in single quotes instead, or write the backslash twice (\\\\)",
        )
    if "expected a single document" in context or "another document" in problem:
        return _problem(
            line, column, "a line with --- splits the file in two — remove that line"
        )
    if "flow mapping" in context or "flow sequence" in context:
        bracket = "{ }" if "mapping" in context else "[ ]"
        closer = "}" if "mapping" in context else "]"
        return _problem(
            ctx_line,
            ctx_col,
            f"the {bracket[0]} at column {ctx_col} is not closed with {closer} on the same line, "
            f"or a comma is missing between the items inside {bracket}",
        )
    if "mapping values are not allowed" in problem:
        return _mapping_values(lines, line, column)
    if "could not find expected ':'" in problem:
        text = lines[ctx_line - 1] if 0 < ctx_line <= len(lines) else ""
        return _problem(
            ctx_line,
            len(_strip_comment(text).rstrip()) + 1,
            "this line has no colon after the setting's name (write name: value), "
            "or it should be part of the list or text above",
        )
    if "cannot start any token" in problem:
        char = problem.split("'")[1] if "'" in problem else "this character"
        return _problem(
            line,
            column,
            f'text cannot start with {char} unless it is in quotes — write "{char}..."',
        )
    if "expected <block end>, but found '-'" in problem or (
        "block mapping" in context and "'-'" in problem
    ):
        return _problem(
            line,
            column,
            "a list item (- ...) where a setting (name: value) was expected — check the "
            "indentation of this line against the lines above",
        )
    if "expected <block end>" in problem and "<scalar>" in problem:
        return _problem(line, column, _GENERIC)
    if "expected <block end>" in problem or "block collection" in context:
        return _problem(
            line,
            column,
            "this line is indented differently from the lines above it — line it up with "
            "the other settings at the same level, using spaces",
        )
    return _problem(line, column, _GENERIC)


def _mapping_values(lines: list[str], line: int, column: int | None) -> YamlProblem:
    """PyYAML's "mapping values are not allowed here": usually ': ' inside unquoted text, a
    line indented too far, or a missing colon on the line above."""
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    above_number = _line_above(lines, line)
    above = lines[above_number - 1] if above_number else ""
    indent = len(here) - len(here.lstrip(" "))
    if above and ":" not in _strip_comment(above) and not above.lstrip().startswith(("-", "#")):
        above_indent = len(above) - len(above.lstrip(" "))
        if above_indent == indent:
            return _problem(
                above_number,
                len(above.rstrip()) + 1,
                "this line has no colon after the setting's name — write name: value",
            )
    value = here.split(": ", 1)[1] if ": " in here else ""
    if value and ": " in value and not value.lstrip().startswith(("\"", "'", "{", "[")):
        return _problem(
            line,
            column,
            "text containing ': ' must be in double quotes — write the whole text as "
            '"..." (and any " inside it as \\")',
        )
    if above and indent > len(above) - len(above.lstrip(" ")) and ":" in above:
        return _problem(
            line,
            indent + 1,
            "this line is indented further than the setting above it — line it up with the "
            "other settings at the same level",
        )
    return _problem(line, column, _GENERIC)


def _line_above(lines: list[str], line: int) -> int:
    """The number of the nearest line above ``line`` that is not blank or a comment (0)."""
    number = line - 1
    while number >= 1:
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            return number
        number -= 1
    return 0


def _strip_comment(line: str) -> str:
    return re.sub(r"\s#.*$", "", line)


def _curly_quote(lines: list[str], line: int) -> YamlProblem | None:
    for number in (line, _line_above(lines, line)):
        if not 0 < number <= len(lines):
            continue
        text = lines[number - 1]
        for column, char in enumerate(text, start=1):
            if char in _CURLY and _opens_value(text, column):
                return _problem(
                    number,
                    column,
                    f"the curly quote {char} at column {column} {_PASTED} is not a quote mark "
                    'for this file — type a straight double quote " instead',
                )
    return None


def _opens_value(text: str, column: int) -> bool:
    before = text[: column - 1].rstrip(" ")
    return before.endswith((":", "-", "[", "{", ",")) or not before


def _unclosed_quote(lines: list[str], upto: int) -> YamlProblem | None:
    """The last line at or above ``upto`` whose value opens a quote it does not close."""
    for number in range(upto, 0, -1):
        text = lines[number - 1]
        found = _quote_trouble(text)
        if found is not None:
            column, words = found
            return _problem(number, column, words)
    return None


def _quote_trouble(text: str) -> tuple[int, str] | None:
    """(column, words) when the line opens a quoted value it does not close correctly."""
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == "#" and (i == 0 or text[i - 1] in " \t"):
            return None  # the rest is a comment
        if char in "\"'" and _opens_value(text, i + 1):
            start = i
            i += 1
            closed = False
            while i < n:
                if char == '"' and text[i] == "\\":
                    i += 2
                    continue
                if text[i] == char:
                    if char == "'" and i + 1 < n and text[i + 1] == "'":
                        i += 2  # '' is an apostrophe inside single quotes
                        continue
                    closed = True
                    break
                i += 1
            if not closed:
                return start + 1, (
                    f"the quote {char} at column {start + 1} is not closed on this line — "
                    f"add the closing {char} at the end of the text"
                )
            after = text[i + 1 :].lstrip(" ")
            if after and after[0].isalnum():
                if char == "'":
                    return i + 1, (
                        "an apostrophe inside text in single quotes ends the text early — put "
                        "the text in double quotes instead (\"I'm here\"), or write the "
                        "apostrophe twice ('I''m here')"
                    )
                return i + 1, (
                    'a " inside text in double quotes ends the text early — put the text in '
                    "single quotes instead, or write the inner quote as \\\""
                )
        i += 1
    return None
