"""Microsoft's Agents Playground (npm ``@microsoft/m365agentsplayground``, pinned in
package-lock.json) as a real Teams client for end-to-end tests, and the bot as a real
``app.py`` process.

The playground's HTTP and websocket API is what its own web page uses (undocumented; the
version is pinned): ``GET /_internal/v1/config``, ``POST /_debug/conversation/{id}/installation``,
``POST /_conversation/v1/conversations/{id}/messages``, ``POST /_conversation/v1/submit``
(an Action.Submit press) and the websocket ``/_ws_conversation/v1/conversations/stream``
carrying the bot's messages.
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
PLAYGROUND_BIN = ROOT / "node_modules" / ".bin" / "agentsplayground"
# Start-up deadlines: how long to wait for a process to be ready before giving up (readiness
# waits, not assertions about speed).
START_DEADLINE = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(process: subprocess.Popen[Any]) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


@dataclass
class BotProcess:
    """``python app.py`` on a free loopback port, authentication off (local mode)."""

    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "BotProcess":
        self.port = self.port or free_port()  # a port chosen beforehand (the playground first)
        env = {k: v for k, v in os.environ.items() if not k.startswith("MicrosoftApp")}
        env.update(
            HOST="127.0.0.1",
            PORT=str(self.port),
            LOG_FORMAT="text",
            SHUTDOWN_GRACE_SECONDS="1",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.env)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )
        deadline = time.monotonic() + START_DEADLINE
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"app.py exited {self.process.returncode}:\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"app.py did not listen on {self.port}:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)


@dataclass
class PlaygroundProcess:
    """The Agents Playground pointed at ``bot_endpoint`` as channel ``msteams``."""

    bot_endpoint: str
    workdir: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    _lines: "queue.Queue[str]" = field(default_factory=queue.Queue)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / "playground.log"

    def start(self) -> "PlaygroundProcess":
        if not PLAYGROUND_BIN.exists():
            raise RuntimeError(f"{PLAYGROUND_BIN} is missing: run `npm ci` (scripts/test does)")
        env = {
            **os.environ,
            "TEAMSAPPTESTER_BROWSER": "none",  # otherwise it exits trying to open a browser
            "M365_AGENTS_PLAYGROUND_LOGFILE": str(self.log_path),
        }
        self.process = subprocess.Popen(
            [str(PLAYGROUND_BIN), "-e", self.bot_endpoint, "-c", "msteams",
             "-p", str(free_port()), "--disable-telemetry"],
            cwd=self.workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        threading.Thread(target=self._drain, daemon=True).start()
        deadline = time.monotonic() + START_DEADLINE
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            if line.startswith("Listening on "):
                # It silently picks another port if the one asked for is taken.
                self.port = int(line.split()[-1])
                return self
        self.stop()
        raise RuntimeError(f"the playground did not start:\n{self.log()}")

    def _drain(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for raw in self.process.stdout:
            self._lines.put(raw.decode(errors="replace").strip())

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            if self.process.stdout is not None:
                self.process.stdout.close()


Predicate = Callable[[dict[str, Any]], bool]


class PlaygroundClient:
    """Drives the playground the way its web page does; collects the bot's messages."""

    def __init__(self, base_url: str, session: aiohttp.ClientSession) -> None:
        self.base = base_url
        self.session = session
        self.events: list[dict[str, Any]] = []  # every websocket event, for diagnosis
        self._all: list[dict[str, Any]] = []
        self._arrived = asyncio.Event()
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self.config: dict[str, Any] = {}

    async def __aenter__(self) -> "PlaygroundClient":
        async with self.session.get(f"{self.base}/_internal/v1/config") as response:
            response.raise_for_status()
            self.config = (await response.json())["config"]
        ws_url = self.base.replace("http://", "ws://") + "/_ws_conversation/v1/conversations/stream"
        self._ws = await self.session.ws_connect(ws_url)
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except asyncio.CancelledError:
                pass
        if self._ws is not None:
            await self._ws.close()

    async def _read(self) -> None:
        assert self._ws is not None
        async for frame in self._ws:
            if frame.type != aiohttp.WSMsgType.TEXT:
                continue
            event = json.loads(frame.data)
            self.events.append(event)
            if event.get("action") == "createMessage":
                self._add_part(event)
                self._arrived.set()

    def _add_part(self, event: dict[str, Any]) -> None:
        """The playground shows an activity that has text and attachments as two messages,
        the text first and then the attachments (with a new id: its timestamp, or a
        suffixed one); Teams shows one. Join them back into the activity the bot sent: a
        message with attachments and no text belongs to the message before it in that
        conversation (every reply of this bot has text)."""
        part = dict(event["message"])
        conversation = event.get("actionConversationId")
        attachments = list(part.pop("attachments", None) or [])
        previous = next(
            (m for m in reversed(self._all) if m["conversationId"] == conversation), None
        )
        if attachments and not part.get("text") and previous is not None:
            previous["attachments"] = list(previous.get("attachments") or []) + attachments
            return
        message = {k: v for k, v in part.items() if v is not None}
        message.update(conversationId=conversation, attachments=attachments)
        self._all.append(message)

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The bot's messages (activities), in arrival order."""
        return list(self._all)

    # ---- ids ---------------------------------------------------------------------------------
    @property
    def personal_chat(self) -> str:
        return str(self.config["personalChat"]["id"])

    @property
    def group_chat(self) -> str:
        return str(self.config["groupChats"][0]["id"])

    @property
    def user_id(self) -> str:
        return str(self.config["currentUser"]["id"])

    @property
    def bot(self) -> dict[str, str]:
        return dict(self.config["bot"])

    @property
    def team_channel(self) -> str:
        """The "My Team" team's General channel (its id is the team's)."""
        return str(self.config["teams"][0]["channels"][0]["id"])

    def in_conversation(self, conversation_id: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["conversationId"] == conversation_id]

    async def wait_until(self, check: Callable[[], Any], deadline: float = 30.0, what: str = "") -> Any:
        """Wait until ``check()`` (over the messages so far) returns something truthy."""
        loop = asyncio.get_running_loop()
        end = loop.time() + deadline
        while True:
            found = check()
            if found:
                return found
            remaining = end - loop.time()
            if remaining <= 0:
                raise AssertionError(f"timed out waiting for {what}; events: {self.summary()}")
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), min(remaining, 0.5))
            except asyncio.TimeoutError:
                pass

    # ---- actions -----------------------------------------------------------------------------
    async def _post(self, path: str, body: dict[str, Any]) -> Any:
        async with self.session.post(f"{self.base}{path}", json=body) as response:
            text = await response.text()
            assert response.status == 200, f"POST {path} -> {response.status}: {text}"
            return json.loads(text) if text else None

    async def install(self, conversation_id: str) -> None:
        """What the page does on opening a chat: the bot's install/welcome events."""
        await self._post(f"/_debug/conversation/{conversation_id}/installation", {})

    async def say(self, conversation_id: str, text: str, *, mention_bot: bool = False) -> str:
        body: dict[str, Any] = {"from": {"id": self.user_id}, "text": text, "textFormat": "plain"}
        if mention_bot:
            at = f"<at>{self.bot['name']}</at>"
            body["text"] = f"{at} {text}"
            body["mentions"] = [{"mentioned": {"id": self.bot["id"]}, "text": at}]
        sent = await self._post(f"/_conversation/v1/conversations/{conversation_id}/messages", body)
        return str(sent["messageId"])

    async def execute(self, message: dict[str, Any], verb: str, data: dict[str, Any]) -> Any:
        """Press an Action.Execute button on the bot's card ``message``: Teams sends an
        ``adaptiveCard/action`` invoke; returns the playground's answer (the bot's)."""
        return await self._post(
            "/_conversation/v1/invoke",
            {
                "name": "adaptiveCard/action",
                "conversation": {"id": message["conversationId"]},
                "from": {"id": self.user_id},
                "replyToId": message["messageId"],
                "value": {"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"},
            },
        )

    async def mock_activity(self, activity: dict[str, Any]) -> None:
        """The playground's "Mock an Activity": ``activity`` is sent to the bot as it is
        (the page's custom activity; used for what the page cannot send itself, such as a
        message from another member of the team)."""
        await self._post("/_internal/v1/customActivities", activity)

    async def press(self, message: dict[str, Any], data: dict[str, Any]) -> None:
        """Press an Action.Submit button on the bot's card ``message``."""
        await self._post(
            "/_conversation/v1/submit",
            {
                "conversation": {"id": message["conversationId"]},
                "from": {"id": self.user_id},
                "replyToId": message["messageId"],
                "value": data,
            },
        )

    async def wait_for(
        self, count: int, deadline: float = 30.0, *, conversation_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Wait until ``count`` bot messages have arrived in all (or in ``conversation_id``);
        return them. The deadline only bounds a hang; the replies normally take milliseconds."""
        loop = asyncio.get_running_loop()
        end = loop.time() + deadline

        def arrived() -> list[dict[str, Any]]:
            return self.messages if conversation_id is None else self.in_conversation(conversation_id)

        while len(arrived()) < count:
            self._arrived.clear()
            remaining = end - loop.time()
            if remaining <= 0:
                texts = [m.get("text", "")[:60] for m in arrived()]
                raise AssertionError(f"expected {count} bot messages, got {len(arrived())}: {texts}")
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except asyncio.TimeoutError:
                pass
        return list(arrived())

    def summary(self) -> list[tuple[str, str, int]]:
        """(message id, start of text, number of attachments) for every websocket message."""
        return [
            (str(e["message"].get("messageId")), str(e["message"].get("text", ""))[:40],
             len(e["message"].get("attachments") or []))
            for e in self.events
            if e.get("action") == "createMessage"
        ]

    async def card(self, message: dict[str, Any], deadline: float = 30.0) -> dict[str, Any]:
        """The Adaptive Card of the bot's ``message`` (its attachment part arrives as a
        separate websocket event, just after the text)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + deadline
        while True:
            cards = [
                a["content"]
                for a in message.get("attachments") or []
                if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
            ]
            if cards:
                return dict(cards[0])
            remaining = end - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"no Adaptive Card on {message.get('text', '')[:80]!r}; events: {self.summary()}"
                )
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    async def reply_to(self, conversation_id: str, text: str, **kw: Any) -> dict[str, Any]:
        """Send ``text`` and return the bot's next message in that conversation (a message the
        bot sends elsewhere meanwhile, such as a staff thread, is not the answer)."""
        before = len(self.in_conversation(conversation_id))
        await self.say(conversation_id, text, **kw)
        return (await self.wait_for(before + 1, conversation_id=conversation_id))[before]
