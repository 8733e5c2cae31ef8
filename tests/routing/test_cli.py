"""``python -m routing check | try | accept | rollback`` as staff use them."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from routing.__main__ import main
from routing.files import last_good_path, previous_path
from routing.versions_cli import rolled_back_path
from tests.routing.conftest import FIXTURES
from tests.routing.fakes import keyword_factory

ROOT = Path(__file__).resolve().parents[2]
VALID = (FIXTURES / "valid.yaml").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def stand_in_classifier(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("routing.loader.build_classifier", keyword_factory)
    monkeypatch.setattr("routing.validate.today", lambda: dt.date(2026, 6, 1))
    monkeypatch.delenv("ROUTING_RECORDED_MESSAGES", raising=False)
    monkeypatch.delenv("ROUTING_CORPUS", raising=False)


@pytest.fixture
def routing_file(tmp_path: Path) -> Path:
    path = tmp_path / "routing.yaml"
    path.write_text(VALID, encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "messages.yaml"
    path.write_text(
        "cases:\n"
        '  - {text: "grocery shopping please", expect: groceries}\n'
        '  - {text: "my hot meals", expect: hot_meals}\n'
        '  - {text: "hot meals and dinners", expect: hot_meals}\n'
        '  - {text: "my prescription", expect: prescriptions}\n'
        '  - {text: "I feel suicidal", expect: emergency}\n'
        '  - {text: "the bins", expect: null}\n',
        encoding="utf-8",
    )
    return path


# ---- check ------------------------------------------------------------------------------
def test_check_valid_file_runs_examples_and_the_safety_suite(
    routing_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(routing_file), "--no-regression"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == (
        f"{routing_file}: OK — 3 services, 4 examples all routed correctly, "
        "16 safety messages all get the emergency reply"
    )
    assert "No last good version saved yet" in out


def test_check_lists_every_problem(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    assert main(["check", "broken_values.yaml"]) == 1
    captured = capsys.readouterr()
    expected = (FIXTURES / "broken_values.expected").read_text(encoding="utf-8")
    assert captured.out == expected
    assert captured.err == "broken_values.yaml: 28 problems found — the bot will not use this file\n"


def test_check_shows_yaml_mistakes_with_the_line_and_a_caret(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES)
    assert main(["check", "broken_syntax.yaml"]) == 1
    assert capsys.readouterr().out == (
        'broken_syntax.yaml:4: the file is not valid YAML: the quote " at column 18 is not '
        'closed on this line — add the closing " at the end of the text\n'
        '    4 |   danger: {text: "Call 112 or 999.}\n'
        "      |                  ^\n"
    )


def test_check_reports_every_misroute(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "routing.yaml"
    text = VALID.replace('{text: "potholes", expect: none}', '{text: "potholes", expect: none}\n'
                         '  - {text: "hot meals", expect: groceries}\n'
                         '  - {text: "EITHER groceries hot_meals", expect: groceries}\n'
                         '  - {text: "prescription collection", expect: none}')
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index('  - {text: "hot meals", expect: groceries}') + 1
    assert main(["check", str(path)]) == 1
    lines = [x for x in capsys.readouterr().out.splitlines() if x.startswith(str(path))]
    assert lines == [
        f'{path}:{line}: examples[4]: "hot meals" should go to groceries, but it goes to hot_meals',
        f'{path}:{line + 1}: examples[5]: "EITHER groceries hot_meals" should go to groceries, '
        "but the bot asks to choose between groceries and hot_meals",
        f'{path}:{line + 2}: examples[6]: "prescription collection" should go to none, but it goes to prescriptions',
    ]


def test_check_fails_on_removals_until_accepted(
    routing_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    last_good_path(routing_file).write_text(VALID, encoding="utf-8")
    cut = VALID[: VALID.index("examples:")]
    routing_file.write_text(cut, encoding="utf-8")
    assert main(["check", str(routing_file), "--no-regression"]) == 1
    out = capsys.readouterr().out
    assert (
        f"{routing_file}:1: this edit removes the whole section the examples (examples:), compared "
        f"with the last good version ({last_good_path(routing_file)}) — if that is what you meant, "
        "run: python -m routing accept"
    ) in out

    assert main(["accept", str(routing_file)]) == 0
    out = capsys.readouterr().out
    assert "Accepted removal: the whole section the examples (examples:)" in out
    assert last_good_path(routing_file).read_text(encoding="utf-8") == cut
    assert previous_path(routing_file).read_text(encoding="utf-8") == VALID
    assert main(["check", str(routing_file), "--no-regression"]) == 0
    assert "nothing changed" in capsys.readouterr().out


def test_regression_report_names_the_changed_messages_and_their_words(
    routing_file: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    last_good_path(routing_file).write_text(VALID, encoding="utf-8")
    routing_file.write_text(
        VALID.replace("keywords: {groceries: 1.0, shopping: 1.0}", "keywords: {groceries: 1.0, shopping: 1.0, dinners: 1.0}"),
        encoding="utf-8",
    )
    assert main(["check", str(routing_file), "--corpus", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert (
        f"Compared with the last good version ({last_good_path(routing_file)}):\n"
        "This edit changes the answer for 1 of 6 messages:\n"
        '  "hot meals and dinners"\n'
        '      before: Hot meals ("hot meals", "meals")\n'
        '      now:    Hot meals ("hot meals", "meals") + Groceries ("dinners")\n'
        "      (labelled: this edit makes it wrong)\n"
        "Of the labelled messages, this edit puts 0 right and makes 1 wrong.\n"
    ) in out


def test_regression_report_with_recorded_messages_and_against(
    routing_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded = tmp_path / "recorded.yaml"
    recorded.write_text('cases:\n  - {text: "dinners for [name] in [eircode]"}\n', encoding="utf-8")
    base = tmp_path / "main.yaml"
    base.write_text(VALID, encoding="utf-8")
    routing_file.write_text(VALID.replace("phrases: [hot meals]", "phrases: [hot meals, dinners]"), encoding="utf-8")
    empty = tmp_path / "none-*.yaml"
    code = main(["check", str(routing_file), "--against", str(base), "--corpus", str(empty),
                 "--recorded", str(recorded)])
    assert code == 0
    out = capsys.readouterr().out
    assert f"note: no messages found at {empty}" in out
    assert "This edit changes the answer for 1 of 1 message:" in out
    assert '      before: not understood: the county helpline and the service buttons' in out
    assert '      now:    Hot meals ("dinners")' in out


def test_an_edit_that_loses_an_emergency_in_the_corpus_fails(
    routing_file: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus.write_text('cases:\n  - {text: "I feel awful", expect: emergency}\n', encoding="utf-8")
    with_phrase = VALID.replace(", suicide, suicidal]", ", suicide, suicidal, feel awful]")
    last_good_path(routing_file).write_text(with_phrase, encoding="utf-8")
    routing_file.write_text(VALID, encoding="utf-8")  # the edit removes "feel awful"
    assert main(["check", str(routing_file), "--corpus", str(corpus)]) == 1
    out = capsys.readouterr().out
    assert '      before: the self-harm reply (because of "feel awful")' in out
    assert (
        f'{routing_file}:1: "I feel awful" got the emergency reply before this edit and no longer '
        "does — put back the emergency phrases you changed under language: emergency:"
    ) in out


def test_check_works_from_any_folder(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "routing", "check", "--no-regression", "--against",
         str(ROOT / "config" / "routing.yaml")],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), "ROUTING_FILE": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{ROOT / 'config' / 'routing.yaml'}: OK — 7 services" in run.stdout


def test_module_entry_point_exit_code(tmp_path: Path) -> None:
    broken = tmp_path / "routing.yaml"
    shutil.copy(FIXTURES / "broken_syntax.yaml", broken)
    run = subprocess.run(
        [sys.executable, "-m", "routing", "check", str(broken)],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    assert run.returncode == 1
    assert run.stdout.startswith(f"{broken}:4: the file is not valid YAML")
    assert "Traceback" not in run.stdout + run.stderr


def test_no_traceback_for_staff(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def boom(*args: object, **kwargs: object) -> int:
        raise KeyError("surprise")

    monkeypatch.setattr("routing.__main__.check", boom)
    assert main(["check"]) == 3
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert "Sorry, the routing tool hit a problem it did not expect (KeyError)" in captured.err


# ---- try --------------------------------------------------------------------------------
def test_try_at_christmas_night_explains_with_words_not_scores(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["try", "--file", str(FIXTURES / "valid.yaml"), "--at", "25/12/2026 20:00",
                 "prescription", "collection"])
    assert code == 0
    out = capsys.readouterr().out
    assert "At:       Friday 25 December 2026 20:00 (Irish time)" in out
    assert 'Understood: Prescriptions ("prescription collection", "prescription")' in out
    assert "score" not in out and "confidence" not in out
    assert "Contact:  prescriptions -> County Helpline 094 906 4660 (closed)" in out
    assert "Closed now. Opens Sunday at 9am." in out
    assert "While it is closed: Emergencies: 112 or 999." in out
    assert "ALONE" not in out  # closed at 8pm
    assert "Call-back: not offered — the file has no referrals: section" in out


@pytest.mark.parametrize(
    ("at", "shown"),
    [
        ("25/12/2026 20:00", "Friday 25 December 2026 20:00"),
        ("25/12/2026 8pm", "Friday 25 December 2026 20:00"),
        ("25-12-2026 8.30pm", "Friday 25 December 2026 20:30"),
        ("2026-12-25T20:00", "Friday 25 December 2026 20:00"),
        ("24/12/26", "Thursday 24 December 2026 12:00"),
    ],
    ids=["irish", "irish-pm", "dashes-dots", "iso", "date-only"],
)
def test_try_reads_irish_dates(at: str, shown: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["try", "--file", str(FIXTURES / "valid.yaml"), "--at", at, "hot meals"]) == 0
    assert f"At:       {shown} (Irish time)" in capsys.readouterr().out


def test_try_bad_date_is_explained(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["try", "--file", str(FIXTURES / "valid.yaml"), "--at", "31/02/2026", "hi"]) == 2
    assert capsys.readouterr().out == (
        '"31/02/2026" is not a real date — write it like 25/12/2026 20:00, 25/12/2026 8pm, '
        "25/12 or 20:00\n"
    )


def test_try_previews_the_welcome(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["try", "--welcome", "--file", str(FIXTURES / "valid.yaml"), "--at", "23/12/2026 11:00"]) == 0
    out = capsys.readouterr().out
    assert "Welcome (the first message in a new chat):" in out
    assert "Hello! Tell me what you need. In an emergency, call 112 or 999." in out
    assert "Buttons:  Groceries | Prescriptions | Hot meals | Talk to someone" in out


def test_try_shows_the_call_back_offer_and_where_it_goes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shipped = (ROOT / "config" / "routing.yaml").read_text(encoding="utf-8")
    enabled = shipped.replace(
        "enabled: false  # placeholder: set the real channel id below, then enable\n"
        '      conversation: "PASTE-THE-STAFF-CHANNEL-CONVERSATION-ID-HERE"',
        'enabled: true\n      conversation: "19:abc@thread.tacv2"',
    ).replace("enabled: false  # placeholder: no webhook is configured\n      url: \"https://example.invalid/helpline-referrals\"",
              'enabled: true\n      url: "https://cases.mayococo.ie/helpline"')
    path = tmp_path / "routing.yaml"
    path.write_text(enabled, encoding="utf-8")
    assert main(["try", "--file", str(path), "--at", "23/12/2026 11:00", "prescription collection"]) == 0
    out = capsys.readouterr().out
    assert (
        'Call-back: offered for prescriptions as "Ask them to call me back" — requests go to '
        "Staff page (the bot's /staff page), Community support team channel (Teams)\n"
        "           if that keeps failing: Case system\n"
    ) in out
    assert "Buttons:" not in out  # the button itself is added by the bot's call-back layer


def test_try_json_with_area(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["try", "--json", "--file", str(FIXTURES / "valid.yaml"), "--area", "Castlebr",
                 "--at", "2026-12-23T11:00", "grocery shopping"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["kind"] == "routed"
    assert out["classification"]["intent"] == "groceries"
    assert out["facts"] == {"area": "castlebar", "awaiting_area_for": [], "place": "castlebar"}
    assert out["contacts"][0]["name"] == "Castlebar Shopping Volunteers (FIXTURE)"
    assert out["contacts"][0]["phone_uri"] == "tel:+353949000001"
    assert out["contacts"][0]["open_now"] is True
    assert out["text"].startswith("Here is who can help:")


def test_try_unknown_area(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["try", "--file", str(FIXTURES / "valid.yaml"), "--area", "Galway", "hi"]) == 2
    assert 'unknown area "Galway"' in capsys.readouterr().out


# ---- rollback ---------------------------------------------------------------------------
def test_rollback_restores_the_last_good_version_then_the_one_before(
    routing_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rollback", str(routing_file)]) == 1
    assert "There is no last good version" in capsys.readouterr().out

    older = VALID.replace('"094 906 4660"', '"094 906 4999"')
    previous_path(routing_file).write_text(older, encoding="utf-8")
    last_good_path(routing_file).write_text(VALID, encoding="utf-8")
    routing_file.write_text("helpline: [\n", encoding="utf-8")  # a broken edit

    assert main(["rollback", str(routing_file)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{routing_file} is back to the last good version (saved ")
    assert routing_file.read_text(encoding="utf-8") == VALID
    assert rolled_back_path(routing_file).read_text(encoding="utf-8") == "helpline: [\n"

    assert main(["rollback", str(routing_file)]) == 0  # once more: the version before
    assert "is back to the version before it" in capsys.readouterr().out
    assert routing_file.read_text(encoding="utf-8") == older
    assert last_good_path(routing_file).read_text(encoding="utf-8") == older  # confirmed
    assert previous_path(routing_file).read_text(encoding="utf-8") == VALID

    assert main(["rollback", str(routing_file)]) == 0  # and again: undoes it
    assert routing_file.read_text(encoding="utf-8") == VALID
