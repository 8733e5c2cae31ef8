"""``python -m routing check``: everything the bot would refuse, and what an edit changes.

In order: the file's problems (with the line and a caret for YAML mistakes) and warnings;
the fixed safety suite; the file's ``examples:``; then, compared with the last good version
(or ``--against FILE``), what the edit removes and which messages of the regression corpus
it answers differently, with the words that decided each.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from routing.changes import removals
from routing.errors import ConfigError, ConfigIssue
from routing.examples import misroute_issue, run_examples
from routing.files import FileVersion, last_good_path, read_optional, read_version
from routing.loader import Checked, check_text
from routing.regression import (
    SHOWN,
    compare,
    corpus_patterns,
    load_corpus,
    recorded_file,
    titles_of,
)
from routing.safety import SAFETY_SUITE, languages_checked, suite_size

ACCEPT_HINT = "if that is what you meant, run: python -m routing accept"


@dataclass(slots=True)
class CheckOptions:
    against: Path | None = None  # compare with this file instead of the last good version
    corpus: list[str] | None = None  # file patterns; None: the setting
    recorded: Path | None = None
    regression: bool = True
    all_changes: bool = False
    today: dt.date | None = None


def _print_issue(issue: ConfigIssue, out: TextIO) -> None:
    print(issue.render(), file=out)


def baseline(path: Path, against: Path | None) -> tuple[FileVersion | None, str]:
    """The version an edit is compared with, and how to name it."""
    if against is not None:
        return read_optional(against), str(against)
    good = last_good_path(path)
    return read_optional(good), f"the last good version ({good})"


def check(file: str, options: CheckOptions | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    options = options or CheckOptions()
    path = Path(file)
    try:
        version = read_version(path, file)
    except ConfigError as exc:
        for issue in exc.issues:
            _print_issue(issue, out)
        return _failed(file, len(exc.issues))
    checked = check_text(version.text, file, today=options.today)
    errors = checked.issues
    for issue in errors:
        _print_issue(issue, out)
    for warning in checked.warnings:
        _print_issue(warning, out)
    if checked.table is None:
        return _failed(file, len(errors))
    problems = 0
    outcomes = run_examples(checked.table)
    assert checked.lines is not None
    wrong = [o for o in outcomes if not o.ok]
    for outcome in wrong:
        print(misroute_issue(outcome, file, checked.lines), file=out)
    problems += len(wrong)
    problems += _compare(path, file, version, checked, options, out)
    if problems:
        return _failed(file, problems)
    warned = len(checked.warnings)
    note = f" ({warned} warning{'s' if warned != 1 else ''} above)" if warned else ""
    languages = languages_checked(checked.table, checked.data)
    safety = f"{suite_size(languages)} safety messages"
    if len(languages) > 1:
        names = {"en": "English", "ga": "Irish"}
        safety += " (" + ", ".join(
            f"{len(SAFETY_SUITE[lang])} in {names[lang]}" for lang in languages
        ) + ")"
    print(
        f"{file}: OK — {len(checked.table.services)} services, {len(outcomes)} examples all "
        f"routed correctly, {safety} all get the emergency reply{note}",
        file=out,
    )
    return 0


def _compare(
    path: Path,
    file: str,
    version: FileVersion,
    checked: Checked,
    options: CheckOptions,
    out: TextIO,
) -> int:
    """Removals and the regression report against the baseline; returns the problems."""
    base, name = baseline(path, options.against)
    if base is None:
        if options.against is not None:
            print(f"{options.against}: cannot be read, so there is nothing to compare with", file=out)
            return 1
        print(
            "No last good version saved yet (the bot saves one when it loads the file), so "
            "this edit is not compared with an earlier one.",
            file=out,
        )
        return 0
    if base.sha256 == version.sha256:
        print(f"The file is the same as {name}: nothing changed.", file=out)
        return 0
    base_checked = check_text(base.text, name, today=options.today)
    problems = 0
    if base_checked.data:
        for lost in removals(base_checked.data, checked.data, base.size, version.size):
            print(f"{file}:1: this edit removes {lost}, compared with {name} — {ACCEPT_HINT}", file=out)
            problems += 1
    if not options.regression or base_checked.table is None or checked.table is None:
        return problems
    corpus, unread = load_corpus(
        options.corpus or corpus_patterns(), options.recorded or recorded_file()
    )
    for note in unread:
        print(f"note: {note}", file=out)
    if not corpus:
        return problems
    report = compare(base_checked.table.classifier, checked.table.classifier, corpus)
    titles = titles_of(base_checked.table, checked.table)
    print(f"Compared with {name}:", file=out)
    for line in report.lines(titles, len(report.changes) if options.all_changes else SHOWN):
        print(line, file=out)
    for change in report.lost_emergencies:
        print(
            f'{file}:1: "{change.message.text}" got the emergency reply before this edit and '
            "no longer does — put back the emergency phrases you changed under language: emergency:",
            file=out,
        )
        problems += 1
    return problems


def _failed(file: str, n: int) -> int:
    plural = "s" if n != 1 else ""
    print(f"{file}: {n} problem{plural} found — the bot will not use this file", file=sys.stderr)
    return 1
