"""The regression report of ``routing check``: which messages an edit answers differently.

The corpus is the project's labelled messages (``tests/intents/data/*.yaml``: ``cases:`` with
``text``, ``expect``, ``tags``), plus, where the council turns it on, a file of recorded real
messages with personal data masked (same format, ``expect`` optional), which the staff page
will export. Both locations are settings: ``ROUTING_CORPUS`` (file patterns separated by
``:``; default ``tests/intents/data/*.yaml`` in the project folder) and
``ROUTING_RECORDED_MESSAGES`` (default ``var/recorded_messages.yaml`` when it exists), or
``check --corpus`` / ``--recorded``.

Each message is classified by the last good version and by the edited file; a message
changes when its answer (emergency, the services, a "did you mean", or none) differs. The
report names the words that decided each answer. A message that got the emergency reply
before and no longer does (labelled emergency, or not labelled) is a problem, not a note.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from intents.result import Classification
from routing.model import Classifier, RoutingTable

REPO = Path(__file__).resolve().parent.parent
CORPUS_ENV = "ROUTING_CORPUS"
RECORDED_ENV = "ROUTING_RECORDED_MESSAGES"
DEFAULT_CORPUS = "tests/intents/data/*.yaml"
DEFAULT_RECORDED = "var/recorded_messages.yaml"
SHOWN = 20  # changed messages listed in full; the rest are counted


@dataclass(frozen=True, slots=True)
class CorpusMessage:
    text: str
    expect: tuple[str, ...] | None  # None: not labelled; ("emergency",), () for none
    source: str


@dataclass(frozen=True, slots=True)
class Answer:
    kind: str  # "emergency", "routed", "clarify", "none"
    services: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    emergency_kind: str | None = None
    by_service: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        return self.kind, tuple(sorted(self.services))

    def describe(self, titles: Mapping[str, str]) -> str:
        """ "Transport to medical appointments ("flu") + Prescription collection ("inhaler")"."""
        quoted = ", ".join(f'"{w}"' for w in self.words)
        if self.kind == "emergency":
            what = "the self-harm reply" if self.emergency_kind == "self_harm" else "the emergency reply"
            return f"{what} (because of {quoted})" if quoted else what
        if self.kind == "none":
            what = "not understood: the county helpline and the service buttons"
            return f"{what} (the words {quoted} were not enough)" if quoted else what
        joined = " or " if self.kind == "clarify" else " + "
        parts = []
        for sid in self.services:
            words = ", ".join(f'"{w}"' for w in self.by_service.get(sid, ()))
            parts.append(f"{titles.get(sid, sid)} ({words})" if words else titles.get(sid, sid))
        text = joined.join(parts)
        return f"asks: did you mean {text}?" if self.kind == "clarify" else text


_MATTERS = frozenset({"topic", "act"})


def answer_of(result: Classification) -> Answer:
    evidence = result.evidence
    if result.is_emergency:
        return Answer("emergency", (), tuple(evidence.get("emergency", ())), result.emergency_kind)
    if result.candidates:
        ids: tuple[str, ...] = tuple(result.candidates)
        kind = "clarify"
    else:
        ids = result.intents or ((result.intent,) if result.intent else ())
        kind = "routed"
    if ids:
        by = {s: tuple(evidence.get(s, ())) for s in ids}
        words = tuple(dict.fromkeys(w for s in ids for w in by[s]))
        return Answer(kind, ids, words, None, by)
    # what the rules found for services, not the other matter or act (shown on its own line)
    found = tuple(
        dict.fromkeys(
            w for key, ws in evidence.items() if ":" not in key and key not in _MATTERS for w in ws
        )
    )
    return Answer("none", (), found)


@dataclass(frozen=True, slots=True)
class Change:
    message: CorpusMessage
    before: Answer
    after: Answer

    @property
    def lost_emergency(self) -> bool:
        unlabelled_or_emergency = self.message.expect is None or self.message.expect == ("emergency",)
        return (
            self.before.kind == "emergency"
            and self.after.kind != "emergency"
            and unlabelled_or_emergency
        )

    def verdict(self) -> str:
        expect = self.message.expect
        if expect is None:
            return ""
        wanted = ("emergency", ()) if expect == ("emergency",) else (
            ("routed", tuple(sorted(expect))) if expect else ("none", ())
        )
        was, now = self.before.key == wanted, self.after.key == wanted
        if now and not was:
            return "labelled: this edit puts it right"
        if was and not now:
            return "labelled: this edit makes it wrong"
        return ""


@dataclass(frozen=True, slots=True)
class Report:
    total: int
    changes: tuple[Change, ...]

    @property
    def lost_emergencies(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.lost_emergency)

    def lines(self, titles: Mapping[str, str], shown: int = SHOWN) -> list[str]:
        n, total = len(self.changes), self.total
        if not n:
            return [f"This edit changes the answer for none of {total:,} messages."]
        out = [
            f"This edit changes the answer for {n:,} of {total:,} message{'s' if total != 1 else ''}:"
        ]
        for change in self.changes[:shown]:
            out.append(f'  "{change.message.text}"')
            out.append(f"      before: {change.before.describe(titles)}")
            out.append(f"      now:    {change.after.describe(titles)}")
            verdict = change.verdict()
            if verdict:
                out.append(f"      ({verdict})")
        if n > shown:
            out.append(f"  ... and {n - shown:,} more (python -m routing check --all-changes)")
        right = sum("puts it right" in c.verdict() for c in self.changes)
        wrong = sum("makes it wrong" in c.verdict() for c in self.changes)
        if right or wrong:
            out.append(
                f"Of the labelled messages, this edit puts {right} right and makes {wrong} wrong."
            )
        return out


def compare(
    before: Classifier, after: Classifier, corpus: list[CorpusMessage]
) -> Report:
    changes = []
    for message in corpus:
        old, new = answer_of(before.classify(message.text)), answer_of(after.classify(message.text))
        if old.key != new.key:
            changes.append(Change(message, old, new))
    return Report(len(corpus), tuple(changes))


def titles_of(*tables: RoutingTable) -> dict[str, str]:
    out: dict[str, str] = {}
    for table in tables:
        out.update({s.id: s.title.en for s in table.services})
    return out


# ---- the corpus --------------------------------------------------------------------------
def corpus_patterns(env: Mapping[str, str] | None = None) -> list[str]:
    env = os.environ if env is None else env
    raw = env.get(CORPUS_ENV, "").strip()
    return [p for p in raw.split(os.pathsep) if p] if raw else [DEFAULT_CORPUS]


def recorded_file(env: Mapping[str, str] | None = None) -> Path | None:
    env = os.environ if env is None else env
    raw = env.get(RECORDED_ENV, "").strip()
    if raw:
        return Path(raw)
    default = REPO / DEFAULT_RECORDED
    return default if default.exists() else None


def _expect(value: Any) -> tuple[str, ...] | None:
    if value is None or value == "none":
        return ()
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return (str(value),)


def _read_cases(path: Path) -> list[CorpusMessage]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 10x faster
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}
    items: list[Any] = []
    if isinstance(data, dict):
        items = data.get("cases") or data.get("messages") or []
    elif isinstance(data, list):
        items = data
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(CorpusMessage(item, None, path.name))
        elif isinstance(item, dict) and isinstance(item.get("text"), str):
            expect = _expect(item.get("expect")) if "expect" in item else None
            out.append(CorpusMessage(item["text"], expect, path.name))
    return out


def load_corpus(
    patterns: list[str], recorded: Path | None
) -> tuple[list[CorpusMessage], list[str]]:
    """The messages (each text once) and any files that could not be read, in words."""
    files: list[Path] = []
    problems: list[str] = []
    for pattern in patterns:
        rooted = pattern if os.path.isabs(pattern) else str(REPO / pattern)
        found = sorted(glob.glob(rooted)) or sorted(glob.glob(pattern))
        if not found:
            problems.append(f"no messages found at {pattern}")
        files += [Path(f) for f in found]
    if recorded is not None:
        if recorded.exists():
            files.append(recorded)
        else:
            problems.append(f"the recorded messages file {recorded} does not exist")
    seen: set[str] = set()
    messages: list[CorpusMessage] = []
    for path in files:
        try:
            cases = _read_cases(path)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            problems.append(f"{path} could not be read as a list of messages")
            continue
        for case in cases:
            key = " ".join(case.text.casefold().split())
            if key and key not in seen:
                seen.add(key)
                messages.append(case)
    return messages, problems
