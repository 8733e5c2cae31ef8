"""Issue 17.1 through the running app (a real ``python app.py`` and a connector stand-in):
a file cut short keeps the call-back button until the cut is accepted, and a restart with a
broken file starts from the last good version and says so in /healthz, /readyz and the log."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.support import activities as act
from tests.support.connector import ConnectorStandIn

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = (ROOT / "config" / "routing.yaml").read_text(encoding="utf-8")
OFFER = "Ask them to call me back"


def _with_staff_channel(service_url: str) -> str:
    """The shipped file with the staff channel enabled, so the call-back button is offered."""
    text = SHIPPED.replace(
        "enabled: false  # placeholder: set the real channel id below, then enable\n"
        '      conversation: "PASTE-THE-STAFF-CHANNEL-CONVERSATION-ID-HERE"',
        f'enabled: true\n      conversation: "19:staff@thread.tacv2"\n      service_url: "{service_url}"',
    )
    return text.replace("  fallback: case_system\n", "")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RunningApp:
    def __init__(self, folder: Path, routing: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = folder / f"bot-{self.port}.log"
        env = {
            **os.environ,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "MicrosoftAppId": "",
            "MicrosoftAppPassword": "",
            "MicrosoftAppTenantId": "",
            "ROUTING_FILE": str(routing),
            "ROUTING_RELOAD_SECONDS": "0.2",
            "HELPLINE_DB": str(folder / "helpline.db"),
            "LOG_LEVEL": "INFO",
            "SHUTDOWN_GRACE_SECONDS": "2",
        }
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=log
            )

    def lines(self) -> list[dict[str, Any]]:
        out = []
        for line in self.log.read_text(encoding="utf-8").splitlines():
            if line.startswith("{"):
                out.append(json.loads(line))
        return out

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                return self.proc.wait(10)
        return self.proc.returncode


@asynccontextmanager
async def running(folder: Path, routing: Path) -> AsyncIterator[tuple[RunningApp, aiohttp.ClientSession]]:
    app = RunningApp(folder, routing)
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:

            async def up() -> bool:
                assert app.proc.poll() is None, app.log.read_text(encoding="utf-8")
                try:
                    async with session.get(f"{app.base}/healthz") as response:
                        return response.status == 200
                except aiohttp.ClientError:
                    return False

            await _until(up, "the bot answers /healthz")
            yield app, session
    finally:
        app.stop()


async def _until(predicate: Callable[[], Any], what: str, timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await predicate():
        if loop.time() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        await asyncio.sleep(0.1)


async def _json(session: aiohttp.ClientSession, url: str) -> tuple[int, dict[str, Any]]:
    async with session.get(url) as response:
        return response.status, await response.json()


async def _ask(
    app: RunningApp, session: aiohttp.ClientSession, connector: ConnectorStandIn, text: str, n: int
) -> dict[str, Any]:
    before = len(connector.messages(f"c{n}"))
    body = act.message(connector.url, text, conversation_id=f"c{n}", user_id=f"u{n}")
    async with session.post(f"{app.base}/api/messages", json=body) as response:
        assert response.status == 200, await response.text()
    await _until(lambda: _arrived(connector, f"c{n}", before), "the reply")
    return connector.messages(f"c{n}")[-1]


async def _arrived(connector: ConnectorStandIn, conversation: str, before: int) -> bool:
    return len(connector.messages(conversation)) > before


def _buttons(reply: dict[str, Any]) -> list[str]:
    actions = (reply.get("suggestedActions") or {}).get("actions") or []
    return [a["title"] for a in actions]


async def test_a_file_cut_short_keeps_the_call_back_button_until_accepted(
    tmp_path: Path, connector: ConnectorStandIn
) -> None:
    routing = tmp_path / "routing.yaml"
    complete = _with_staff_channel(connector.url)
    routing.write_text(complete, encoding="utf-8")
    async with running(tmp_path, routing) as (app, session):
        ask = "can someone collect my prescription"
        assert OFFER in _buttons(await _ask(app, session, connector, ask, 1))

        # An editor or sync tool saves half the file: still valid YAML, the call-back gone.
        routing.write_text(complete[: complete.index("# CALLBACK REFERRALS")], encoding="utf-8")

        async def pending() -> bool:
            _, health = await _json(session, f"{app.base}/healthz")
            return health["config"]["pending_confirmation"] is not None

        await _until(pending, "the cut is reported")
        status, health = await _json(session, f"{app.base}/healthz")
        config = health["config"]
        assert config["status"] == "error" and config["serving"] == "file"
        assert config["pending_confirmation"]["removes"] == [
            "the whole section the call-back requests (referrals:)",
            "the whole section the small talk and other matters (conversation:)",
            "the whole section live chat with staff (handoff:)",
            "the whole section the examples (examples:)",
        ]
        status, ready = await _json(session, f"{app.base}/readyz")
        assert status == 200 and ready["status"] == "ready"  # still serving, just says so
        assert ready["checks"]["config_file"].startswith(
            "serving the last good version: an edit of"
        )
        assert OFFER in _buttons(await _ask(app, session, connector, ask, 2)), "nothing lost"
        metrics = await (await session.get(f"{app.base}/metrics")).text()
        assert "helpline_config_ok 0.0" in metrics

        accepted = subprocess.run(
            [sys.executable, "-m", "routing", "accept", str(routing)],
            cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True, text=True, timeout=60, check=False,
        )
        assert accepted.returncode == 0, accepted.stdout + accepted.stderr
        assert "Accepted removal: the whole section the call-back requests (referrals:)" in accepted.stdout

        async def confirmed() -> bool:
            _, health = await _json(session, f"{app.base}/healthz")
            return bool(health["config"]["status"] == "ok")

        await _until(confirmed, "the accepted file is used")
        assert OFFER not in _buttons(await _ask(app, session, connector, ask, 3))
    reloads = [line["msg"] for line in app.lines() if "reloaded:" in line.get("msg", "")]
    assert reloads and "call-back settings changed" in reloads[-1]


async def test_restart_with_a_broken_file_starts_from_the_last_good_version(
    tmp_path: Path, connector: ConnectorStandIn
) -> None:
    routing = tmp_path / "routing.yaml"
    routing.write_text(SHIPPED, encoding="utf-8")
    async with running(tmp_path, routing) as (app, session):
        assert "094 906 4660" in (await _ask(app, session, connector, "I need shopping", 1))["text"]
    assert app.proc.returncode == 0
    assert (tmp_path / ".routing.yaml.last-good").read_text(encoding="utf-8") == SHIPPED

    broken = SHIPPED.replace('    phone: "094 906 4660"\n', '    phone: "094 906 4660\n', 1)
    routing.write_text(broken, encoding="utf-8")
    async with running(tmp_path, routing) as (app, session):
        status, health = await _json(session, f"{app.base}/healthz")
        config = health["config"]
        assert config["status"] == "error" and config["serving"] == "last good version"
        assert config["serving_file"] == str(tmp_path / ".routing.yaml.last-good")
        line = broken.splitlines().index('    phone: "094 906 4660') + 1
        assert config["errors"] == [
            f'{routing}:{line}: the file is not valid YAML: the quote " at column 12 is not closed '
            'on this line — add the closing " at the end of the text'
        ]
        status, ready = await _json(session, f"{app.base}/readyz")
        assert status == 200
        assert ready["checks"]["config_file"] == (
            f"serving the last good version: {routing} has 1 problem"
        )
        reply = await _ask(app, session, connector, "I need shopping", 2)
        assert "094 906 4660" in reply["text"]
    errors = [line for line in app.lines() if line["level"] == "ERROR" and line["logger"] == "routing.store"]
    assert len(errors) == 1 and "started from the last good version" in errors[0]["msg"]


def test_a_broken_file_and_no_last_good_version_still_stops_start_up(tmp_path: Path) -> None:
    routing = tmp_path / "routing.yaml"
    routing.write_text(SHIPPED.replace("helpline:\n  contact: county_helpline", "helpline:\n  contact: nobody"), encoding="utf-8")
    app = RunningApp(tmp_path, routing)
    assert app.proc.wait(60) == 2
    text = app.log.read_text(encoding="utf-8")
    assert f"{routing} is not valid; the bot did not start:" in text
    assert 'helpline.contact: "nobody" is not defined under contacts: — use one of: county_helpline' in text


@pytest.mark.parametrize("size_mb", [50])
def test_a_huge_file_is_refused_at_start_up_in_a_few_seconds(tmp_path: Path, size_mb: int) -> None:
    routing = tmp_path / "routing.yaml"
    with routing.open("wb") as f:
        f.truncate(size_mb * 1024 * 1024)
    app = RunningApp(tmp_path, routing)
    assert app.proc.wait(60) == 2
    assert "a routing file may be at most 1 MB" in app.log.read_text(encoding="utf-8")
