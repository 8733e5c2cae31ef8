"""The dependency direction app.py -> bot/ -> routing/ -> intents/, and ruff and mypy clean."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SDK = {"botbuilder", "botframework", "msrest"}

# package -> top-level modules it must never import (the Bot Framework SDK stays in bot/).
FORBIDDEN = {
    "routing": SDK | {"bot", "app"},
    "config": SDK | {"bot", "routing", "intents", "app"},
}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


CASES = [
    (package, path)
    for package in FORBIDDEN
    for path in sorted((REPO / package).rglob("*.py"))
]


@pytest.mark.parametrize(
    "package, path", CASES, ids=[str(p.relative_to(REPO)) for _, p in CASES]
)
def test_dependencies_point_one_way(package: str, path: Path) -> None:
    assert not _imports(path) & FORBIDDEN[package]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, timeout=600
    )


def test_ruff_is_clean() -> None:
    result = _run("ruff", "check", "bot", "routing", "intents", "config", "app.py", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = _run("mypy", "--no-error-summary", "--cache-dir", "/tmp/helpline-mypy-cache")
    assert result.returncode == 0, result.stdout + result.stderr
