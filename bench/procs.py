"""Start, watch and stop benchmark processes; read their CPU time and memory from /proc."""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listening on port {port} after {timeout}s")


def _cpu_of(stat: str) -> tuple[int, float]:
    """(parent pid, CPU seconds) from a /proc/PID/stat line."""
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _CLK_TCK


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of ``pid`` and its children alive now (a PostgreSQL server: the postmaster
    and its backends, which live as long as the connections of the app's pool)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent, cpu = _cpu_of((entry / "stat").read_text())
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        if int(entry.name) == pid or parent == pid:
            total += cpu
    return total


@dataclass
class Proc:
    name: str
    port: int
    popen: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.popen.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _CLK_TCK

    def _status_kb(self, key: str) -> int:
        for line in Path(f"/proc/{self.popen.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
        return 0

    def rss_mb(self) -> float:
        return self._status_kb("VmRSS") / 1024

    def peak_rss_mb(self) -> float:
        return self._status_kb("VmHWM") / 1024

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


_DATA_DIR = tempfile.mkdtemp(prefix="helpline-bench-")
atexit.register(shutil.rmtree, _DATA_DIR, True)


def start(name: str, args: list[str], env: dict[str, str] | None = None) -> Proc:
    """Start ``args`` with the interpreter; each process gets its own SQLite database."""
    port = free_port()
    full_env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HELPLINE_DB": str(Path(_DATA_DIR) / f"{name}.db"),
        **(env or {}),
    }
    argv = [sys.executable, *[a.replace("{port}", str(port)) for a in args]]
    full_env = {k: v.replace("{port}", str(port)) for k, v in full_env.items()}
    popen = subprocess.Popen(
        argv, cwd=ROOT, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    proc = Proc(name, port, popen)
    try:
        wait_for_port(port)
    except RuntimeError:
        proc.stop()
        err = popen.stderr.read().decode(errors="replace")[-2000:] if popen.stderr else ""
        raise RuntimeError(f"{name} did not start: {err}") from None
    return proc
