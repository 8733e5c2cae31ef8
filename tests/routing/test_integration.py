"""routing/ with the real intents/ classifier (the other tests use a stand-in)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from routing.__main__ import main
from routing.errors import ConfigError
from routing.hours import DUBLIN
from routing.loader import load_table, load_text
from routing.reply import ConversationFacts
from routing.router import Router
from tests.routing.conftest import FIXTURES, SHIPPED

def _fixture_with_language() -> str:
    """The fixture as it is: its emergency phrases are in the real classifier's syntax."""
    return (FIXTURES / "valid.yaml").read_text(encoding="utf-8")


def test_real_classifier_routes_the_fixture() -> None:
    router = Router(load_text(_fixture_with_language(), "valid.yaml"))
    now = dt.datetime(2026, 12, 23, 11, 0, tzinfo=DUBLIN)
    assert router.respond("I have chest pains", ConversationFacts(), now).kind == "emergency"
    reply = router.respond("grocery shopping in Westport", ConversationFacts(), now)
    assert reply.kind == "routed"
    assert reply.contacts[0].name == "West Mayo Shopping Volunteers (FIXTURE)"
    assert router.respond("motor tax", ConversationFacts(), now).kind == "fallback"


def test_real_vocabulary_problems_get_lines() -> None:
    text = _fixture_with_language().replace("{groceries: 1.0, shopping: 1.0}", "{groceries: 9}")
    with pytest.raises(ConfigError) as caught:
        load_text(text, "valid.yaml")
    (issue,) = caught.value.issues
    line = text.splitlines().index("    keywords: {groceries: 9}") + 1
    assert (issue.line, issue.path) == (line, "services.groceries.keywords.groceries")
    assert "weight" in issue.message


def test_shipped_file_loads_with_the_real_classifier() -> None:
    table = load_table(SHIPPED)
    assert len(table.services) == 7


def test_shipped_file_check_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(SHIPPED), "--against", str(SHIPPED)])
    assert code == 0, capsys.readouterr().out


def test_check_reports_the_issues_flu_edit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 17.2: adding the keyword "flu" to medical transport changes a labelled message;
    check says which and why, on the shipped file with the whole corpus. (How long that
    takes is measured by bench/routing_check.py, not here.)"""
    edited = tmp_path / "routing.yaml"
    text = SHIPPED.read_text(encoding="utf-8")
    edited.write_text(text.replace("      appointment: 1.0\n", "      appointment: 1.0\n      flu: 1.0\n", 1), encoding="utf-8")
    assert main(["check", str(edited), "--against", str(SHIPPED)]) == 0
    out = capsys.readouterr().out
    changed = re.search(r"This edit changes the answer for (\d+) of ([\d,]+) messages", out)
    assert changed and int(changed.group(1)) >= 1 and int(changed.group(2).replace(",", "")) > 1000
    assert '  "I\'m stuck at home with the flu and my inhaler is empty"' in out
    assert '      now:    Transport to medical appointments ("flu") + Prescription collection ("inhaler")' in out
