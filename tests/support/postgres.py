"""A real, throwaway PostgreSQL server for tests and benchmarks, from Debian's server binaries.

One server per test session: ``initdb`` and ``pg_ctl`` in a temporary folder (as the
``postgres`` user under ``runuser`` when we are root, since ``initdb`` refuses root), listening
only on a unix socket in that folder, with ``fsync`` off. Each test gets a fresh database
(``CREATE DATABASE`` from an empty template takes a few milliseconds), dropped afterwards;
the server is stopped and its folder deleted at the end of the session.

Where the binaries are missing (``apt-get install postgresql``; ``scripts/test`` does it on
CI) the tests that need PostgreSQL are skipped with the reason, and pytest's ``-rs`` summary
lists them. ``POSTGRES_BIN`` names another folder holding ``initdb``/``pg_ctl``.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

USER = "app"  # the superuser initdb creates; tests connect as it, trusted on the socket


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server can be started here; the message says why and what to install."""


def find_binaries() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl``: ``POSTGRES_BIN``, else the newest
    ``/usr/lib/postgresql/*/bin``, else whatever is on PATH."""
    override = os.environ.get("POSTGRES_BIN", "").strip()
    if override:
        candidates = [Path(override)]
    else:
        found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
        found.sort(key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
        candidates = [Path(p).parent for p in reversed(found)]
        on_path = shutil.which("initdb")
        if on_path:
            candidates.append(Path(on_path).parent)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    where = f"POSTGRES_BIN={override}" if override else "/usr/lib/postgresql/*/bin or PATH"
    raise PostgresUnavailable(
        f"no initdb and pg_ctl in {where}; install the Debian package `postgresql` "
        "(scripts/test does on CI)"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PostgresServer:
    """A running throwaway server. Connect with :meth:`url`."""

    folder: Path
    binaries: Path
    port: int
    run_as: str | None  # "postgres" when we are root (initdb refuses root)
    _names: Iterator[int] = field(default_factory=itertools.count)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "postgres.log"

    def url(self, dbname: str = "postgres") -> str:
        """A ``postgresql://`` URL for ``dbname`` over the server's unix socket."""
        return f"postgresql://{USER}@/{dbname}?host={quote(str(self.folder))}&port={self.port}"

    def _command(self, *args: str) -> list[str]:
        if self.run_as:
            return ["runuser", "-u", self.run_as, "--", *args]
        return list(args)

    def _run(self, *args: str, timeout: float = 60) -> None:
        result = subprocess.run(
            self._command(*args), capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise PostgresUnavailable(
                f"{Path(args[0]).name} failed ({result.returncode}): "
                f"{result.stdout[-1000:]}{result.stderr[-1000:]}\n{log}"
            )

    def initdb(self) -> None:
        self._run(
            str(self.binaries / "initdb"),
            "-D", str(self.data),
            "-A", "trust",
            "-U", USER,
            "-E", "UTF8",
            "--locale=C",
            "--no-sync",
        )

    def start(self) -> None:
        options = " ".join(
            [
                f"-p {self.port}",
                f"-k {self.folder}",
                "-c listen_addresses=''",
                "-c fsync=off",
                "-c full_page_writes=off",
                "-c max_connections=200",
            ]
        )
        self._run(
            str(self.binaries / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
            "-w", "-t", "60", "-o", options, "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.binaries / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        """Stop (dropping every connection) and start again on the same socket."""
        self.stop()
        self.start()

    def admin(self, sql: str) -> None:
        """Run one statement outside a transaction on the ``postgres`` database."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def create_database(self) -> str:
        """A new empty database (its name); schema is created by whoever opens it first."""
        name = f"test_{os.getpid()}_{next(self._names)}"
        self.admin(f"CREATE DATABASE {name} TEMPLATE template0 STRATEGY FILE_COPY")
        return name

    def drop_database(self, name: str) -> None:
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def destroy(self) -> None:
        try:
            self.stop("immediate")
        except (PostgresUnavailable, subprocess.TimeoutExpired):
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


def start_server() -> PostgresServer:
    """Start a throwaway server or raise :class:`PostgresUnavailable` saying why."""
    binaries = find_binaries()
    run_as: str | None = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable(
                "running as root and there is no `postgres` user to run initdb as "
                "(the Debian package `postgresql` creates it)"
            ) from None
        if shutil.which("runuser") is None:
            raise PostgresUnavailable("running as root and `runuser` is missing")
        run_as = "postgres"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise PostgresUnavailable("psycopg is not installed (scripts/setup --dev)") from None
    folder = Path(tempfile.mkdtemp(prefix="helpline-pg-"))
    if run_as:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    os.chmod(folder, 0o700)
    server = PostgresServer(folder=folder, binaries=binaries, port=_free_port(), run_as=run_as)
    try:
        server.initdb()
        server.start()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    atexit.register(server.destroy)  # a session that dies still stops its server
    return server


# ---- pytest fixtures (registered for every test by tests/conftest.py) ------------------------
@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server; skips the test (saying why) when none can start."""
    try:
        server = start_server()
    except PostgresUnavailable as reason:
        pytest.skip(f"PostgreSQL not available: {reason}")
    yield server
    server.destroy()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A URL to a fresh, empty database of its own, dropped after the test."""
    name = postgres_server.create_database()
    yield postgres_server.url(name)
    postgres_server.drop_database(name)
