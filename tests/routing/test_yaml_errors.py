"""YAML mistakes staff make, each reported once, at the right line and column, in plain words;
and the limits that stop an edit from exhausting memory (issue 12.6)."""

from __future__ import annotations

import time

import pytest

from routing.errors import ConfigError, ConfigIssue
from routing.files import MAX_BYTES
from routing.loader import check_text, load_text
from tests.routing.conftest import FIXTURES
from tests.routing.fakes import keyword_factory

MINIMAL = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
JARGON = ("flow node", "<stream end>", "scalar", "block end", "flow mapping", "simple key", "token")


def _edit(old: str, new: str) -> str:
    assert MINIMAL.count(old) == 1, old
    return MINIMAL.replace(old, new)


def _only_issue(text: str) -> ConfigIssue:
    with pytest.raises(ConfigError) as caught:
        load_text(text, "x.yaml", classifier_factory=keyword_factory)
    (issue,) = caught.value.issues
    return issue


@pytest.mark.parametrize(
    ("old", "new", "line", "column", "words"),
    [
        ("welcome: Hello. In an emergency call 112.", 'welcome: "Hello. In an emergency call 112.',
         16, 12, 'the quote " at column 12 is not closed on this line'),
        ("ask_area: Where are you?", "ask_area: 'Where's your town?'",
         22, 19, "an apostrophe inside text in single quotes ends the text early"),
        ("  routed: \"Contact:\"\n", "  routed\n",
         20, 9, "this line has no colon after the setting's name"),
        ("  team_intro: Hello all.", "\tteam_intro: Hello all.", 19, 1, "a tab at column 1"),
        ("  team_intro: Hello all.", "\u00a0 team_intro: Hello all.", 19, 1,
         "an invisible non-breaking space (often pasted from Word or an email) at column 1"),
        ('  routed: "Contact:"', "  routed: \u201cContact: here\u201d", 20, 11,
         "the curly quote \u201c at column 11 (often pasted from Word or an email) is not a quote mark"),
        ("  area_noted: Noted.", "  area_noted: Noted: thanks.", 24, 20,
         "text containing ': ' must be in double quotes"),
        ("  ask_area: Where are you?", "   ask_area: Where are you?", 22, 4,
         "this line is indented differently from the lines above it"),
        ("  today: today", "  today: today\n  - tomorrow", 35, 3,
         "a list item (- ...) where a setting (name: value) was expected"),
        ("days: [Mon, Tue, Wed, Thu, Fri, Sat, Sun]", "days: [Mon, Tue, Wed, Thu, Fri, Sat, Sun",
         36, 9, "the [ at column 9 is not closed with ] on the same line"),
        ("helpline: {contact: helpline}", "helpline: {contact: helpline}\n---", 3, 1,
         "a line with --- splits the file in two"),
        ('  helpline: "Ring {phone}."', '  helpline: "Ring {phone} at C:\\phones."', 18, 32,
         "a backslash \\ inside double quotes starts a special character"),
        ("  today: today", "  today: @today", 34, 10, "text cannot start with @ unless it is in quotes"),
    ],
    ids=["unclosed-quote", "apostrophe-in-single-quotes", "missing-colon", "tab", "nbsp",
         "curly-quotes", "colon-in-text", "indented-too-far", "list-item", "unclosed-bracket",
         "document-marker", "backslash", "at-sign"],
)
def test_common_yaml_mistakes(old: str, new: str, line: int, column: int, words: str) -> None:
    issue = _only_issue(_edit(old, new))
    assert (issue.line, issue.column) == (line, column), str(issue)
    assert issue.message.startswith("the file is not valid YAML: ")
    assert words in issue.message
    assert not any(j in issue.message for j in JARGON), issue.message
    excerpt = issue.excerpt().splitlines()
    assert excerpt[0].startswith(f"{line:>5} | ")
    assert excerpt[1].index("^") - excerpt[1].index("|") - 2 == column - 1


def test_yes_as_a_key_is_explained_once() -> None:
    text = _edit("services:", "referrals_words:\n  yes: [ok]\nservices:")
    with pytest.raises(ConfigError) as caught:
        load_text(text, "x.yaml", classifier_factory=keyword_factory)
    messages = [str(i) for i in caught.value.issues]
    assert 'x.yaml:11: referrals_words: write "yes" in quotes here ("yes":) — without quotes YAML reads yes, no, on and off as true or false, not as a name' in messages
    assert not any("True" in m for m in messages)


def test_empty_file_is_called_empty() -> None:
    issue = _only_issue("\n# nothing here\n")
    assert issue.message.startswith("the file is empty")
    assert "python -m routing rollback" in issue.message


def test_unquoted_text_cut_by_a_comment_is_a_warning() -> None:
    text = _edit(
        "  fallback: Sorry. In an emergency call 112.",
        "  fallback: Sorry. In an emergency call 112. Press # to hear more",
    )
    checked = check_text(text, "x.yaml", classifier_factory=keyword_factory)
    assert checked.ok
    (warning,) = checked.warnings
    assert str(warning) == (
        'x.yaml:25: warning: messages.fallback: the text stops at " #": everything after # is read '
        'as a comment and citizens will not see it — put the whole text in double quotes ("...")'
    )
    assert warning.column == 52


def test_the_cut_that_drops_the_emergency_sentence_is_an_error() -> None:
    text = _edit(
        "  fallback: Sorry. In an emergency call 112.",
        "  fallback: Sorry, I didn't understand. Press # for options. In an emergency call 112.",
    )
    checked = check_text(text, "x.yaml", classifier_factory=keyword_factory)
    assert [str(i) for i in checked.issues] == [
        'x.yaml:25: messages.fallback: must say "112 or 999" — citizens in danger rely on this '
        "text; put it back in"
    ]
    assert "the text stops at" in str(checked.warnings[0])


# ---- issue 12.6: memory --------------------------------------------------------------------
def test_alias_bomb_is_refused_quickly_without_expanding() -> None:
    bomb = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 12):
        bomb.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 9) + "]")
    started = time.perf_counter()
    issue = _only_issue(MINIMAL + "\n".join(bomb) + "\n")
    assert time.perf_counter() - started < 1.0
    line = len(MINIMAL.splitlines()) + 1
    assert str(issue) == (
        f"x.yaml:{line}: anchors and aliases (&name and *name) are not allowed in this file — "
        "write the text out in full where it is needed"
    )


def test_merge_keys_are_aliases_too() -> None:
    text = _edit("opening_hours:\n  office: {every_day: 9am-5pm}",
                 "opening_hours:\n  office: &o {every_day: 9am-5pm}\n  other:\n    <<: *o")
    assert "anchors and aliases" in _only_issue(text).message


def test_deep_nesting_is_refused() -> None:
    issue = _only_issue("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nested more than 40 levels deep" in issue.message


def test_files_over_1_mb_are_refused_with_their_size(tmp_path: object) -> None:
    big = MINIMAL + "# " + "x" * MAX_BYTES + "\n"
    issue = _only_issue(big)
    assert issue.message.startswith(f"the file is 1.0 MB ({len(big.encode()):,} bytes)")
    assert "a routing file may be at most 1 MB (1,048,576 bytes)" in issue.message


def test_big_file_on_disk_is_refused_before_it_is_read(tmp_path: "pytest.TempPathFactory") -> None:
    from pathlib import Path

    from routing.loader import load_table

    path = Path(str(tmp_path)) / "routing.yaml"
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # 50 MB, sparse: cheap to make, never read
    with pytest.raises(ConfigError) as caught:
        load_table(path)
    (issue,) = caught.value.issues
    assert issue.message.startswith("the file is 50.0 MB (52,428,800 bytes)")


def test_not_utf8_is_explained(tmp_path: "pytest.TempPathFactory") -> None:
    from pathlib import Path

    from routing.loader import load_table

    path = Path(str(tmp_path)) / "routing.yaml"
    path.write_bytes(MINIMAL.encode("utf-8").replace(b"Hello.", b"H\xe9llo."))
    with pytest.raises(ConfigError) as caught:
        load_table(path, classifier_factory=keyword_factory)
    (issue,) = caught.value.issues
    assert issue.line == 16
    assert "the file is not saved as UTF-8 text (a character at column 13" in issue.message
