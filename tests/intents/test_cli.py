"""The command line, run as a user would: through a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.intents.conftest import CONFIG, HELDOUT_SET, REPO


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "intents", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_classify_arguments_as_json() -> None:
    proc = run("classify", "--json", "I need my prescription collected", "bin day")
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [line["intent"] for line in lines] == ["prescriptions", None]
    assert set(lines[0]) >= {"text", "intent", "intents", "score"}


def test_classify_stdin_one_message_per_line_in_order() -> None:
    messages = ["shopping and a prescription please", "", "someone has collapsed", "hot meels"]
    proc = run("classify", "--json", stdin="\n".join(messages) + "\n")
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [line["text"] for line in lines] == messages
    assert lines[0]["intents"] == ["groceries", "prescriptions"]
    assert lines[1]["intent"] is None
    assert (lines[2]["intent"], lines[2]["emergency_kind"]) == ("emergency", "danger")
    assert lines[3]["intent"] == "hot_meals"


def test_classify_plain_text() -> None:
    proc = run("classify", "grocerys")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("groceries\t")


def test_evaluate_text_report() -> None:
    proc = run("evaluate", str(HELDOUT_SET))
    assert proc.returncode == 0, proc.stderr
    for heading in ("in scope", "out of scope rejected", "emergency recall", "false emergencies",
                    "Per service", "Confusion matrix", "Accuracy by tag", "Misclassified"):
        assert heading in proc.stdout


def test_evaluate_json(tmp_path: Path) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "cases:\n"
        "  - {text: 'my shopping please', expect: groceries, tags: [short]}\n"
        "  - {text: 'pothole', expect: null}\n"
        "  - {text: 'Tá ocras orm', expect: hot_meals, tags: [irish]}\n",
        encoding="utf-8",
    )
    proc = run("evaluate", str(cases), "--json", "--exclude-tag", "irish")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["cases"] == 2
    assert data["accuracy"]["in_scope"]["rate"] == 1.0
    assert data["out_of_scope_rejection"]["rate"] == 1.0
    assert data["misclassified"] == []


def test_config_from_environment_and_bad_config_fails_kindly(tmp_path: Path) -> None:
    broken = tmp_path / "routing.yaml"
    broken.write_text(CONFIG.read_text(encoding="utf-8").replace("      chemist: 1.0", "      chemist: lots"),
                      encoding="utf-8")
    proc = run("classify", "--json", "chemist", env={"ROUTING_FILE": str(broken)})
    assert proc.returncode == 2
    assert "chemist" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_cases_file_fails_kindly(tmp_path: Path) -> None:
    proc = run("evaluate", str(tmp_path / "nope.yaml"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_cli_builds_the_classifier_through_routing() -> None:
    from intents.__main__ import load_classifier

    classifier = load_classifier(str(CONFIG))
    assert classifier.classify("perscription").intent == "prescriptions"