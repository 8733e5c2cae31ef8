from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from routing.__main__ import main
from tests.routing.conftest import FIXTURES
from tests.routing.fakes import keyword_factory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def stand_in_classifier(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("routing.loader.build_classifier", keyword_factory)


def test_check_valid_file_runs_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(FIXTURES / "valid.yaml")]) == 0
    out = capsys.readouterr().out
    assert "OK — 3 services, 4 examples all routed correctly" in out


def test_check_lists_every_problem(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    assert main(["check", "broken_values.yaml"]) == 1
    captured = capsys.readouterr()
    expected = (FIXTURES / "broken_values.expected").read_text(encoding="utf-8")
    assert captured.out == expected
    assert "25 problems found" in captured.err


def test_check_reports_every_misroute(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "routing.yaml"
    text = (FIXTURES / "valid.yaml").read_text(encoding="utf-8")
    text = text.replace('{text: "potholes", expect: none}', '{text: "potholes", expect: none}\n'
                        '  - {text: "hot meals", expect: groceries}\n'
                        '  - {text: "EITHER groceries hot_meals", expect: groceries}\n'
                        '  - {text: "prescription collection", expect: none}')
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f'{path}:138: examples[4]: "hot meals" should go to groceries, but it goes to hot_meals',
        f'{path}:139: examples[5]: "EITHER groceries hot_meals" should go to groceries, '
        "but the bot asks to choose between groceries and hot_meals",
        f'{path}:140: examples[6]: "prescription collection" should go to none, but it goes to prescriptions',
    ]


def test_try_at_christmas_night(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["try", "--file", str(FIXTURES / "valid.yaml"), "--at", "2026-12-25T20:00",
                 "prescription", "collection"])
    assert code == 0
    out = capsys.readouterr().out
    assert "At:       Friday 25 December 2026 20:00 (Irish time)" in out
    assert "Intent:   prescriptions" in out
    assert "Contact:  prescriptions -> County Helpline 094 906 4660 (closed)" in out
    assert "Closed now. Opens Sunday at 9am." in out
    assert "While it is closed: Emergencies: 112 or 999." in out
    assert "ALONE" not in out  # closed at 8pm


def test_try_json_with_area(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["try", "--json", "--file", str(FIXTURES / "valid.yaml"), "--area", "Castlebr",
                 "--at", "2026-12-23T11:00", "grocery shopping"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["kind"] == "routed"
    assert out["classification"]["intent"] == "groceries"
    assert out["facts"] == {"area": "castlebar", "awaiting_area_for": []}
    assert out["contacts"][0]["name"] == "Castlebar Shopping Volunteers (FIXTURE)"
    assert out["contacts"][0]["phone_uri"] == "tel:+353949000001"
    assert out["contacts"][0]["open_now"] is True
    assert out["text"].startswith("Here is who can help:")


def test_try_unknown_area(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["try", "--file", str(FIXTURES / "valid.yaml"), "--area", "Galway", "hi"]) == 2
    assert 'unknown area "Galway"' in capsys.readouterr().out


def test_module_entry_point_exit_code(tmp_path: Path) -> None:
    broken = tmp_path / "routing.yaml"
    shutil.copy(FIXTURES / "broken_syntax.yaml", broken)
    run = subprocess.run(
        [sys.executable, "-m", "routing", "check", str(broken)],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    assert run.returncode == 1
    assert run.stdout.startswith(f"{broken}:5: the file is not valid YAML")
