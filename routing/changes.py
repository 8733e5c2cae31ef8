"""Compare two versions of the routing file: what an edit removes, and what it changed.

``removals`` is the guard against a file cut short (an editor or sync tool saving half of
it: still valid YAML, but the call-back section is gone). Anything it lists must be
confirmed before the bot uses the new version (``python -m routing accept``, or saving the
same file again a minute later). ``summary`` is the one line each reload logs.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SHRINK_LIMIT = 0.75  # a file below 3/4 of the last good size shrank sharply

_SECTIONS = {
    "helpline": "the county helpline (helpline:)",
    "emergency": "the emergency replies (emergency:)",
    "contacts": "the contacts (contacts:)",
    "opening_hours": "the opening hours (opening_hours:)",
    "closed_dates": "the closed dates, such as public holidays (closed_dates:)",
    "out_of_hours": "what services offer while closed (out_of_hours:)",
    "areas": "the areas and towns (areas:)",
    "language": "the classifier's vocabulary (language:)",
    "services": "the services (services:)",
    "messages": "the bot's wording (messages:)",
    "referrals": "the call-back requests (referrals:)",
    "conversation": "the small talk and other matters (conversation:)",
    "handoff": "live chat with staff (handoff:)",
    "examples": "the examples (examples:)",
}


def _ids(items: Any, key: str = "id") -> list[str]:
    if isinstance(items, dict):
        return [str(k) for k in items]
    if isinstance(items, list):
        return [str(i.get(key)) for i in items if isinstance(i, dict) and i.get(key) is not None]
    return []


def _gone(old: Iterable[str], new: Iterable[str]) -> list[str]:
    kept = set(new)
    return [x for x in old if x not in kept]


def _contact_key(item: Any) -> str:
    if not isinstance(item, dict):
        return str(item)
    who = str(item.get("contact") or item.get("name") or "?")
    where = item.get("area") or ", ".join(str(p) for p in item.get("places") or [])
    return f"{who} ({where})" if where else who


def _services(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        str(s["id"]): s
        for s in data.get("services") or []
        if isinstance(s, dict) and s.get("id") is not None
    }


def _destinations(data: dict[str, Any]) -> dict[str, Any]:
    referrals = data.get("referrals")
    if not isinstance(referrals, dict):
        return {}
    found = referrals.get("destinations")
    return found if isinstance(found, dict) else {}


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} bytes"


def _few(items: list[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def removals(old: dict[str, Any], new: dict[str, Any], old_size: int, new_size: int) -> list[str]:
    """What ``new`` has lost compared with ``old``, in words staff can check ([] for none)."""
    lost: list[str] = []
    gone_sections = [s for s in old if s not in new]
    for section in gone_sections:
        lost.append(f"the whole section {_SECTIONS.get(str(section), str(section) + ':')}")
    old_services, new_services = _services(old), _services(new)
    if "services" in new:
        gone = _gone(old_services, new_services)
        if gone:
            lost.append(f"service{'s' if len(gone) > 1 else ''} {_few(gone)}")
    if "contacts" in new:
        gone = _gone(_ids(old.get("contacts")), _ids(new.get("contacts")))
        if gone:
            lost.append(f"contact{'s' if len(gone) > 1 else ''} {_few(gone)} (under contacts:)")
    for sid, service in old_services.items():
        if sid not in new_services:
            continue
        before = [_contact_key(c) for c in service.get("contacts") or []]
        after = [_contact_key(c) for c in new_services[sid].get("contacts") or []]
        gone = _gone(before, after)
        if gone:
            lost.append(f"contact {_few(gone)} of service {sid}")
    for section in ("opening_hours", "out_of_hours", "closed_dates"):
        if section in new:
            gone = _gone(_ids(old.get(section)), _ids(new.get(section)))
            if gone:
                lost.append(f"{_few(gone)} under {section}:")
    if "areas" in new:
        gone = _gone(_ids(old.get("areas")), _ids(new.get("areas")))
        if gone:
            lost.append(f"area{'s' if len(gone) > 1 else ''} {_few(gone)}")
    if "referrals" in new:
        old_dest, new_dest = _destinations(old), _destinations(new)
        gone = _gone(old_dest, new_dest)
        if gone:
            lost.append(f"call-back destination{'s' if len(gone) > 1 else ''} {_few(gone)}")
        switched = [
            d
            for d, spec in old_dest.items()
            if d in new_dest
            and isinstance(spec, dict)
            and spec.get("enabled", True)
            and isinstance(new_dest[d], dict)
            and not new_dest[d].get("enabled", True)
        ]
        if switched:
            lost.append(f"call-back destination {_few(switched)} switched off (enabled: false)")
    if "examples" in new:
        before_texts = [str(e.get("text")) for e in old.get("examples") or [] if isinstance(e, dict)]
        after_texts = [str(e.get("text")) for e in new.get("examples") or [] if isinstance(e, dict)]
        gone = _gone(before_texts, after_texts)
        if gone:
            quoted = [f'"{t}"' for t in gone]
            lost.append(f"example{'s' if len(gone) > 1 else ''} {_few(quoted, 3)}")
    if old_size and new_size < old_size * SHRINK_LIMIT:
        lost.append(
            f"a large part of the file: it shrank from {_size(old_size)} to {_size(new_size)}"
        )
    return lost


# ---- what changed, for the reload log ------------------------------------------------------
def _changed(old: Any, new: Any) -> list[str]:
    if not isinstance(old, dict) or not isinstance(new, dict):
        return []
    return [k for k in new if k in old and old[k] != new[k]]


def _words(service: dict[str, Any]) -> set[str]:
    return {str(p) for p in service.get("phrases") or []} | {str(k) for k in service.get("keywords") or {}}


def summary(old: dict[str, Any], new: dict[str, Any]) -> str:
    """One line: services, contacts, hours, phrases, wording added, removed or changed."""
    parts: list[str] = []
    old_services, new_services = _services(old), _services(new)

    def added_removed(label: str, before: list[str], after: list[str]) -> None:
        plus = [x for x in after if x not in before]
        minus = [x for x in before if x not in after]
        if plus:
            parts.append(f"{label} added: {_few(plus)}")
        if minus:
            parts.append(f"{label} removed: {_few(minus)}")

    added_removed("services", list(old_services), list(new_services))
    added_removed("contacts", _ids(old.get("contacts")), _ids(new.get("contacts")))
    changed = _changed(old.get("contacts"), new.get("contacts"))
    if changed:
        parts.append(f"contacts changed: {_few(changed)}")
    contacts_of = [
        sid
        for sid, s in new_services.items()
        if sid in old_services and old_services[sid].get("contacts") != s.get("contacts")
    ]
    if contacts_of:
        parts.append(f"service contacts changed: {_few(contacts_of)}")
    hours = _changed(old.get("opening_hours"), new.get("opening_hours"))
    added_removed("hours", _ids(old.get("opening_hours")), _ids(new.get("opening_hours")))
    if hours:
        parts.append(f"hours changed: {_few(hours)}")
    if old.get("closed_dates") != new.get("closed_dates"):
        parts.append("closed dates changed")
    phrase_bits = []
    for sid, service in new_services.items():
        before = _words(old_services.get(sid, {}))
        after = _words(service)
        plus, minus = len(after - before), len(before - after)
        if sid in old_services and (plus or minus):
            phrase_bits.append(f"{sid} +{plus} -{minus}")
    if phrase_bits:
        parts.append(f"phrases/keywords: {', '.join(phrase_bits)}")
    paused = [
        sid
        for sid, s in new_services.items()
        if s.get("paused") != old_services.get(sid, {}).get("paused")
    ]
    if paused:
        parts.append(f"pause changed: {_few(paused)}")
    wording = _changed(old.get("messages"), new.get("messages"))
    if wording:
        parts.append(f"wording changed: {_few(wording)}")
    if old.get("emergency") != new.get("emergency"):
        parts.append("emergency replies changed")
    if old.get("language") != new.get("language"):
        parts.append("vocabulary (language:) changed")
    if old.get("areas") != new.get("areas"):
        parts.append("areas changed")
    if old.get("referrals") != new.get("referrals"):
        parts.append("call-back settings changed")
    if old.get("handoff") != new.get("handoff"):
        parts.append("live chat settings changed")
    if old.get("examples") != new.get("examples"):
        parts.append("examples changed")
    return "; ".join(parts) if parts else "no change in content (comments or layout only)"


def git_origin(path: Path, timeout: float = 2.0) -> str | None:
    """ "commit 1a2b3c4 by Jane Murphy (2026-11-28)" for the last commit of ``path``, noting
    edits not yet committed; None when the file is not in git (or git is not installed)."""
    folder = path.resolve().parent

    def git(*args: str) -> str | None:
        try:
            run = subprocess.run(
                ["git", *args],
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return run.stdout.strip() if run.returncode == 0 else None

    name = path.name
    last = git("log", "-1", "--format=%h|%an|%ad", "--date=short", "--", name)
    if not last:
        return None
    commit, author, day = (last.split("|") + ["", ""])[:3]
    text = f"commit {commit} by {author} ({day})"
    dirty = git("status", "--porcelain", "--", name)
    if dirty:
        text += ", with edits not yet committed"
    return text
