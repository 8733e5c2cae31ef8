"""``python -m routing accept`` and ``python -m routing rollback``: confirm an edit, or undo one.

``accept`` makes the file on disk the last good version (after every check), which confirms
an edit that removes parts of the file: the running bot picks it up within a few seconds.

``rollback`` puts the last good version back into the file. When the file already is the
last good version, it goes back one further, to the version served before it. The file it
replaces is kept as ``.routing.yaml.rolled-back`` beside it, so no edit is lost; running
``rollback`` twice undoes the first one.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TextIO

from routing.changes import removals
from routing.errors import ConfigError
from routing.files import (
    FileVersion,
    last_good_path,
    previous_path,
    read_optional,
    read_version,
    rotate_last_good,
    write_atomic,
)
from routing.loader import check_text


def rolled_back_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.rolled-back")


def _saved(path: Path) -> str:
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return "at an unknown time"
    return dt.datetime.fromtimestamp(stamp).strftime("%d/%m/%Y %H:%M")


def accept(file: str, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    path = Path(file)
    try:
        version = read_version(path, file)
    except ConfigError as exc:
        for issue in exc.issues:
            print(issue.render(), file=out)
        print(f"{file}: nothing accepted", file=sys.stderr)
        return 1
    checked = check_text(version.text, file)
    if not checked.ok:
        for issue in checked.issues:
            print(issue.render(), file=out)
        print(
            f"{file}: {len(checked.issues)} problem(s) — nothing accepted; fix them first "
            "(python -m routing check)",
            file=sys.stderr,
        )
        return 1
    good = read_optional(last_good_path(path))
    if good is not None and good.sha256 == version.sha256:
        print(f"{file} is already the last good version: nothing to accept.", file=out)
        return 0
    if good is not None:
        base = check_text(good.text, str(last_good_path(path)))
        lost = removals(base.data, checked.data, good.size, version.size) if base.data else []
        for item in lost:
            print(f"Accepted removal: {item}", file=out)
    rotate_last_good(path, version.text)
    print(
        f"{file} is now the last good version. The running bot uses it within a few seconds; "
        f"to undo, run: python -m routing rollback",
        file=out,
    )
    return 0


def rollback(file: str, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    path = Path(file)
    good_path, previous = last_good_path(path), previous_path(path)
    good = read_optional(good_path)
    if good is None:
        print(
            f"There is no last good version of {file} yet: the bot saves one ({good_path}) "
            "each time it loads the file. Nothing was changed.",
            file=out,
        )
        return 1
    try:
        current: FileVersion | None = read_version(path, file)
    except ConfigError:
        current = None
    if current is None or current.sha256 != good.sha256:
        target, label = good, f"the last good version (saved {_saved(good_path)})"
        becomes_good = False
    else:
        earlier = read_optional(previous)
        if earlier is None:
            print(
                f"{file} is already the last good version, and no earlier version is saved. "
                "Nothing was changed.",
                file=out,
            )
            return 1
        target, label = earlier, f"the version before it (saved {_saved(previous)})"
        becomes_good = True
    checked = check_text(target.text, str(path))
    if not checked.ok:
        for issue in checked.issues:
            print(issue.render(), file=out)
        print(f"{label} no longer passes the checks; nothing was changed.", file=out)
        return 1
    if current is not None:
        write_atomic(rolled_back_path(path), current.text)
    write_atomic(path, target.text)
    if becomes_good:
        rotate_last_good(path, target.text)  # confirmed: the bot may take it even if it removes parts
    kept = f" The version you replaced is kept in {rolled_back_path(path)}." if current else ""
    print(
        f"{file} is back to {label}. The running bot uses it within a few seconds.{kept}",
        file=out,
    )
    return 0
