"""Errors in the routing table, phrased so that council staff can act on them."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class ConfigIssue:
    """One problem in the routing file: ``FILE:LINE: key.path: message``.

    ``level`` is ``"error"`` (the bot will not use the file) or ``"warning"`` (it will, but
    something probably needs a look). ``column`` (1-based) and ``source`` (the text of the
    line) are set when the problem is at a known place on the line: ``excerpt()`` then shows
    the line with a caret under that place.
    """

    file: str
    line: int
    path: str
    message: str
    level: str = ERROR
    column: int | None = None
    source: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        tag = "warning: " if self.level == WARNING else ""
        return f"{self.file}:{self.line}: {tag}{where}{self.message}"

    def excerpt(self) -> str:
        """The line the problem is on, with a caret under its column ("" when unknown)."""
        if self.source is None:
            return ""
        number = f"{self.line:>5} | "
        text = self.source.replace("\t", " ")
        out = f"{number}{text}"
        if self.column is not None:
            out += "\n" + " " * (len(number) - 2) + "| " + " " * (self.column - 1) + "^"
        return out

    def render(self) -> str:
        """The one-line form, followed by the excerpt when there is one (for the terminal)."""
        shown = self.excerpt()
        return f"{self}\n{shown}" if shown else str(self)


class ConfigError(Exception):
    """The routing file cannot be used. ``issues`` lists every problem found, in file order."""

    def __init__(self, issues: list[ConfigIssue]) -> None:
        self.issues = sorted(issues, key=lambda i: (i.file, i.line, i.path, i.message))
        super().__init__("\n".join(str(i) for i in self.issues))
