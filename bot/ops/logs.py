"""Logs as JSON lines, with citizens' personal data taken out before anything is written.

``RedactingFilter`` sits on the root logger's handlers, so it sees every record that reaches
them, whichever logger made it (ours, aiohttp's, the Bot Framework SDK's). It replaces phone
numbers (any phone-number-shaped digit run, council numbers included), email addresses,
Eircodes, names introduced as such ("my name is ...", "I'm ...") and the current citizen's
display name (``from.name``, set per turn with :func:`citizen_name`) with placeholders. The
formatted message, the arguments, structured fields and tracebacks are all redacted.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import hashlib
import hmac
import json
import logging
import re
import secrets
import sys
from typing import Any

# Structured fields travel on the record under this attribute: log.info("...", extra={FIELDS: {...}}).
FIELDS = "fields"
# Fields whose values the bot makes itself (hashes, hex ids, its own labels and numbers):
# not redacted, so a hex digest is never mistaken for a phone number.
SAFE_FIELDS = frozenset(
    {"conversation", "correlation_id", "intent", "route", "services", "outcome", "status",
     "latency_ms", "score", "error", "path"}
)

# The lookbehind makes a match start only where a run of address characters starts: without
# it a long run with no "@" is scanned again from each of its characters (quadratic time).
# Starting later in the same run could not match anything the run's start does not.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Routing keys are a letter and two digits (D6W is the one exception); the unique
# identifier is four characters from a reduced alphabet. With or without the space.
_EIRCODE = re.compile(
    r"\b(?:[AC-FHKNPRTV-Y]\d{2}|D6W)\s?[0-9AC-FHKNPRTV-Y]{4}\b", re.IGNORECASE
)
# Anything phone-shaped: optional + or 00, then digits with spaces, dots, dashes or
# brackets between them. Checked for at least 7 digits by _phone().
_PHONE_SHAPED = re.compile(r"(?:\+|\b00)?\(?\d[\d\s().\-/]{4,}\d")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INTRODUCED_NAME = re.compile(
    r"\b(my name is|my name's|my names|name is|i am|i'm|i’m|im|this is|call me)"
    r"(\s+)([^\W\d_][\w'’.-]*(?:\s+(?-i:[A-Z\u00C0-\u00DE])[\w'’-]*){0,2})",
    re.IGNORECASE,
)

# Longest message, stack or field value written (longer ones are cut, then redacted), and the
# longest traceback (its end is kept: the exception is at the bottom).
MAX_LOGGED_CHARS = 4096
MAX_TRACEBACK_CHARS = 32768
# A display name: redacted whole when at most this long, and at most this many of its words.
_MAX_NAME_CHARS = 128
_MAX_NAME_WORDS = 8
# Characters that can make up a phone number, email address, Eircode or name: a cut never
# leaves a fragment of one (too short to be recognised) at the edge it made.
_TOKEN_CHARS = frozenset("+@()./-'’_ \t\n")
_TOKEN_EDGE = 64  # longest fragment dropped at a cut

PHONE = "[phone]"
EMAIL = "[email]"
EIRCODE = "[eircode]"
NAME = "[name]"

_citizen_name: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar(
    "citizen_name", default=()
)


def _phone(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = sum(c.isdigit() for c in text)
    if digits < 7 or digits > 17 or _ISO_DATE.fullmatch(text.strip()):
        return text
    return PHONE


@functools.lru_cache(maxsize=1024)  # a citizen's name comes with each of their messages
def _name_parts(name: str) -> tuple[str, ...]:
    """The whole display name and each word of it of three letters or more."""
    name = " ".join(name.split())
    if not name:
        return ()
    # Bounded, so redacting costs the same for any name (each part is one pass over the text).
    parts = {name} if len(name) <= _MAX_NAME_CHARS else set()
    words = list(dict.fromkeys(w for w in re.split(r"[\s,]+", name) if len(w) >= 3))
    parts.update(w[:_MAX_NAME_CHARS] for w in words[:_MAX_NAME_WORDS])
    return tuple(sorted(parts, key=len, reverse=True))


class _NameRedaction:
    __slots__ = ("_parts", "_token")

    def __init__(self, parts: tuple[str, ...]) -> None:
        self._parts = parts

    def __enter__(self) -> None:
        self._token = _citizen_name.set(self._parts)

    def __exit__(self, *exc: object) -> None:
        _citizen_name.reset(self._token)


def citizen_name(name: object) -> _NameRedaction:
    """Redact ``name`` (and each word of it) from every record logged in this context
    (``with citizen_name(...):``; a plain class, cheaper per turn than a generator)."""
    return _NameRedaction(_name_parts(name if isinstance(name, str) else ""))


def redact(text: str) -> str:
    """``text`` with phone numbers, emails, Eircodes and names replaced by placeholders."""
    if not text:
        return text
    if "@" in text:
        text = _EMAIL.sub(EMAIL, text)
    text = _EIRCODE.sub(EIRCODE, text)
    text = _PHONE_SHAPED.sub(_phone, text)
    text = _INTRODUCED_NAME.sub(lambda m: f"{m.group(1)}{m.group(2)}{NAME}", text)
    for part in _citizen_name.get():
        text = re.sub(re.escape(part), NAME, text, flags=re.IGNORECASE)
    return text


def _is_token_char(char: str) -> bool:
    return char.isalnum() or char in _TOKEN_CHARS


def clip(text: str, limit: int = MAX_LOGGED_CHARS, *, keep_end: bool = False) -> str:
    """``text`` cut to about ``limit`` characters (its start, or its end with ``keep_end``),
    saying how much was left out. The cut edge backs off past a partial word or number (up
    to 64 characters), so no fragment of personal data too short to recognise is kept."""
    if len(text) <= limit:
        return text
    if keep_end:
        kept = text[len(text) - limit :]
        edge = 0
        while edge < min(_TOKEN_EDGE, len(kept)) and _is_token_char(kept[edge]):
            edge += 1
        kept = kept[edge:]
        return f"[{len(text) - len(kept)} characters not logged]... {kept}"
    kept = text[:limit]
    edge = len(kept)
    while len(kept) - edge < _TOKEN_EDGE and edge > 0 and _is_token_char(kept[edge - 1]):
        edge -= 1
    kept = kept[:edge]
    return f"{kept}... [{len(text) - len(kept)} characters not logged]"


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(clip(value))
    if isinstance(value, dict):
        return {k: _redact_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_redact_value(v) for v in value]
    return value


class RedactingFilter(logging.Filter):
    """Takes personal data out of a record before any handler formats it. Never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_redacted", False):
            return True  # a record passes every handler; redact it once
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what can be kept, safely
            message = f"{record.msg!s} (unformattable arguments)"
        record.msg = redact(clip(message))
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(clip(record.exc_text, MAX_TRACEBACK_CHARS, keep_end=True))
        if record.stack_info:
            record.stack_info = redact(clip(record.stack_info, MAX_TRACEBACK_CHARS, keep_end=True))
        fields = getattr(record, FIELDS, None)
        if isinstance(fields, dict):
            setattr(
                record,
                FIELDS,
                {k: v if k in SAFE_FIELDS else _redact_value(v) for k, v in fields.items()},
            )
        record._redacted = True
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, the record's structured fields,
    and ``exc`` (the traceback) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        fields = getattr(record, FIELDS, None)
        if isinstance(fields, dict):
            for key, value in fields.items():
                entry.setdefault(key, value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    """Human-readable lines for local work; structured fields appended as key=value."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = getattr(record, FIELDS, None)
        if isinstance(fields, dict) and fields:
            line += " " + " ".join(f"{k}={v}" for k, v in fields.items())
        return line


def install_redaction(logger: logging.Logger | None = None) -> None:
    """Put a RedactingFilter on every handler of ``logger`` (the root logger by default)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


def configure_logging(level: str = "INFO", fmt: str = "json", stream: Any = None) -> None:
    """Root logger: one handler on ``stream`` (stderr by default), JSON or text, redacting."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    install_redaction(root)


class ConversationHasher:
    """A short keyed hash of a conversation id: lines of one conversation can be followed
    in the logs, but the id itself is never written."""

    _REMEMBERED = 10_000  # hashes kept (a conversation is hashed on each of its turns)

    def __init__(self, key: str = "") -> None:
        self._key = key.encode() if key else secrets.token_bytes(16)
        self._known: dict[str, str] = {}

    def __call__(self, conversation_id: str | None) -> str:
        if not conversation_id:
            return ""
        known = self._known.get(conversation_id)
        if known is None:
            digest = hmac.new(self._key, conversation_id.encode("utf-8", "replace"), hashlib.sha256)
            known = digest.hexdigest()[:16]
            if len(self._known) >= self._REMEMBERED:
                self._known.clear()
            self._known[conversation_id] = known
        return known
