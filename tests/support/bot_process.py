"""A real ``python app.py`` process for end-to-end tests: started with an environment, waited
for on /healthz, stopped with SIGTERM or killed with SIGKILL. Its log goes to a file the test
can read (``log_text``)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    """The test runner's environment without the bot's own settings, plus ``extra``."""
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("Microsoft", "HELPLINE", "REFERRAL", "ToBot", "ToChannel"))
        and k not in ("DATABASE_URL", "ROUTING_FILE", "PORT", "HOST", "ALLOWED_SERVICE_URLS")
    }
    keep.update(extra)
    return keep


class BotProcess:
    def __init__(self, env: dict[str, str], port: int | None = None, log: Path | None = None) -> None:
        self.port = port or free_port()
        self.env = {**env, "PORT": str(self.port), "HOST": env.get("HOST", "127.0.0.1")}
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self, session: aiohttp.ClientSession, timeout: float = 30.0) -> None:
        if self.log is not None:
            with open(self.log, "ab") as output:  # the child keeps its own copy of the file
                self.proc = subprocess.Popen(
                    [sys.executable, "app.py"], cwd=ROOT, env=self.env, stdout=output, stderr=output
                )
        else:
            self.proc = subprocess.Popen(
                [sys.executable, "app.py"], cwd=ROOT, env=self.env,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"app.py exited with {self.proc.returncode}:\n{self.log_text()}")
            try:
                async with session.get(f"{self.url}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if loop.time() > deadline:
                raise AssertionError(f"app.py did not start:\n{self.log_text()}")
            await asyncio.sleep(0.1)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log and self.log.exists() else ""

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
