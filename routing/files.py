"""Reading the routing file safely, and the versions kept beside it.

Beside ``config/routing.yaml`` the bot keeps (hidden, not in git):

- ``.routing.yaml.last-good``: the version the bot last served. The bot starts from it when
  the file on disk is broken, and edits are compared with it (``routing.changes``).
- ``.routing.yaml.previous``: the version served before that, for ``routing rollback``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from routing.errors import ConfigError, ConfigIssue

MAX_BYTES = 1024 * 1024  # 1 MB; the shipped file is about 270 KB (most of it the vocabulary)


@dataclass(frozen=True, slots=True)
class FileVersion:
    """One version of the routing file as read from disk."""

    text: str
    sha256: str
    size: int  # bytes
    mtime_ns: int = 0

    @classmethod
    def of_text(cls, text: str) -> FileVersion:
        data = text.encode("utf-8")
        return cls(text, hashlib.sha256(data).hexdigest(), len(data))


def last_good_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.last-good")


def previous_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.previous")


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def too_big(file: str, size: int) -> ConfigIssue:
    return ConfigIssue(
        file,
        1,
        "",
        f"the file is {_size(size)} ({size:,} bytes); a routing file may be at most 1 MB "
        f"({MAX_BYTES:,} bytes) — it has probably been replaced or filled by mistake: "
        "restore the last good version with python -m routing rollback",
    )


def read_version(path: Path, file: str | None = None) -> FileVersion:
    """Read ``path`` (at most 1 MB, UTF-8); raises ConfigError with a precise message."""
    name = file or str(path)
    try:
        stat = os.stat(path)
        if stat.st_size > MAX_BYTES:
            raise ConfigError([too_big(name, stat.st_size)])
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError([ConfigIssue(name, 1, "", "the file does not exist")]) from None
    except IsADirectoryError:
        raise ConfigError([ConfigIssue(name, 1, "", "this is a folder, not a file")]) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError([ConfigIssue(name, 1, "", f"cannot read the file: {reason}")]) from None
    if len(data) > MAX_BYTES:  # grew while being read
        raise ConfigError([too_big(name, len(data))])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        issue = ConfigIssue(
            name,
            line,
            "",
            f"the file is not saved as UTF-8 text (a character at column {column} is in "
            "another encoding) — save it as UTF-8 in your editor",
        )
        raise ConfigError([issue]) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return FileVersion(text, hashlib.sha256(data).hexdigest(), len(data), stat.st_mtime_ns)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old or the new file, never half."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def read_optional(path: Path) -> FileVersion | None:
    """The version stored at ``path``, or None when there is none (or it cannot be read)."""
    try:
        return read_version(path)
    except ConfigError:
        return None


def rotate_last_good(path: Path, text: str) -> None:
    """Make ``text`` the last good version beside ``path``; the old one becomes previous."""
    good = last_good_path(path)
    current = read_optional(good)
    if current is not None and current.text == text:
        return
    if current is not None:
        write_atomic(previous_path(path), current.text)
    write_atomic(good, text)
