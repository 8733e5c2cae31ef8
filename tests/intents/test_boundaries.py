"""intents/ stays a library: no YAML, no Bot Framework, no routing (except the CLI)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.intents.conftest import REPO

FORBIDDEN = ("yaml", "botbuilder", "routing")
LIBRARY = sorted(p for p in (REPO / "intents").glob("*.py") if p.name != "__main__.py")


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module.split(".")[0])
    return modules


@pytest.mark.parametrize("path", LIBRARY, ids=[p.name for p in LIBRARY])
def test_library_module_imports_nothing_forbidden(path: Path) -> None:
    assert not imported_modules(path) & set(FORBIDDEN)


def test_library_modules_found() -> None:
    assert {p.name for p in LIBRARY} >= {"classifier.py", "vocabulary.py", "evaluation.py"}
