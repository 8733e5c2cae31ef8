"""The dependency direction, inside bot/ too, the Bot Framework SDK confined to the adapter
(and used through its public API only), and ruff and mypy clean.

    app.py -> bot/web -> bot/botframework -> bot/core -> bot/handoff -> bot/referrals -> bot/storage
    (bot/ops beside them; bot/conversation.py, bot/cards.py and bot/waiting.py are shared leaves)
    bot/ -> routing/ -> intents/
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SDK = {"botbuilder", "botframework", "msrest"}

# package (a folder, or one module) -> modules it must never import. A rule naming "bot.x"
# forbids that package and everything under it.
FORBIDDEN: dict[str, set[str]] = {
    "intents": SDK | {"bot", "routing", "app", "config"},
    "routing": SDK | {"bot", "app"},
    "config": SDK | {"bot", "routing", "intents", "app"},
    "bot/conversation.py": SDK | {"bot", "aiohttp"},
    "bot/cards.py": SDK | {"bot"},
    "bot/waiting.py": SDK | {"bot", "aiohttp"},
    # (bot.ops.logs, the personal-data redaction, is the one part of ops storage may use:
    # recorded messages are masked before they are kept.)
    "bot/storage": SDK | {"bot.core", "bot.web", "bot.botframework", "bot.referrals", "bot.staff",
                          "bot.ops.metrics", "bot.ops.observe", "routing", "intents", "aiohttp"},
    "bot/ops": SDK | {"bot.core", "bot.web", "bot.botframework", "bot.referrals", "bot.storage"},
    "bot/referrals": SDK | {"bot.core", "bot.web", "bot.botframework"},
    "bot/core": SDK | {"bot.web", "bot.botframework", "bot.ops", "aiohttp"},
    # Live chat with staff: SDK-free, below the core (the core's handlers use it).
    "bot/handoff": SDK | {"bot.core", "bot.web", "bot.botframework", "bot.ops", "bot.staff", "aiohttp"},
    "bot/botframework": {"bot.web"},
    "bot/web": SDK,
    "tools": SDK | {"bot"},
    "app.py": SDK,
}


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, absolute (relative imports resolved)."""
    package = ".".join(path.relative_to(REPO).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def _hits(imported: set[str], forbidden: set[str]) -> set[str]:
    return {
        module
        for module in imported
        for rule in forbidden
        if module == rule or module.startswith(rule + ".")
    }


def _files(target: str) -> list[Path]:
    path = REPO / target
    return [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))


CASES = [(target, path) for target in FORBIDDEN for path in _files(target)]


@pytest.mark.parametrize("target, path", CASES, ids=[str(p.relative_to(REPO)) for _, p in CASES])
def test_dependencies_point_one_way(target: str, path: Path) -> None:
    assert not _hits(_imports(path), FORBIDDEN[target])


def test_the_sdk_is_imported_only_by_the_adapter() -> None:
    importers = {
        str(path.relative_to(REPO))
        for path in [*REPO.glob("bot/**/*.py"), REPO / "app.py"]
        if _hits(_imports(path), SDK)
    }
    assert importers and all(p.startswith("bot/botframework/") for p in importers), importers


def test_no_private_sdk_api_is_used() -> None:
    """Names starting with "_" from the SDK (modules, classes, attributes) are its internals:
    they change without notice and would make the port to its successor harder."""
    problems = []
    for path in sorted((REPO / "bot" / "botframework").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        sdk_names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in SDK:
                if any(part.startswith("_") for part in (node.module or "").split(".")):
                    problems.append(f"{path.name}: imports {node.module}")
                for alias in node.names:
                    if alias.name.startswith("_"):
                        problems.append(f"{path.name}: imports {alias.name}")
                    sdk_names.add(alias.asname or alias.name)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name)
                and node.value.id in sdk_names
            ):
                problems.append(f"{path.name}:{node.lineno}: {node.value.id}.{node.attr}")
    assert problems == []


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, timeout=600
    )


def test_ruff_is_clean() -> None:
    result = _run("ruff", "check", "bot", "routing", "intents", "config", "tools", "app.py", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = _run("mypy", "--no-error-summary", "--cache-dir", "/tmp/helpline-mypy-cache")
    assert result.returncode == 0, result.stdout + result.stderr
