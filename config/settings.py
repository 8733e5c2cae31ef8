"""Process settings, read once from the environment and validated before anything starts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

APP_TYPES = ("MultiTenant", "SingleTenant", "UserAssignedMSI")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the environment variable."""


_N = TypeVar("_N", int, float)


def _number(
    env: Mapping[str, str], name: str, default: _N, minimum: _N, parse: type[_N], what: str
) -> _N:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = parse(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not {what}") from None
    if value < minimum:
        raise SettingsError(f"{name}={value} must be at least {minimum}")
    return value


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    return _number(env, name, default, minimum, int, "a whole number")


def _float(env: Mapping[str, str], name: str, default: float, minimum: float = 0.0) -> float:
    return _number(env, name, default, minimum, float, "a number")


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in choices:
        raise SettingsError(f"{name}={raw!r} is not one of {', '.join(choices)}")
    return raw


def _without_password(url: str) -> str:
    """``url`` as it may be shown in an error: no password in the user part or the query."""
    if "://" not in url:
        return "…"  # not a URL (e.g. "host=… password=…"): show nothing of it
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed "[": show no more than the scheme
        return url.split(":", 1)[0] + "://…"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, hostport = netloc.rsplit("@", 1)
        netloc = f"{userinfo.split(':', 1)[0]}@{hostport}"
    query = "&".join(
        pair
        for pair in parts.query.split("&")
        if pair and pair.split("=", 1)[0].lower() not in ("password", "sslpassword")
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def _database_url(env: Mapping[str, str]) -> str:
    """``DATABASE_URL``: ``postgresql://USER:PASSWORD@HOST:PORT/DBNAME`` (several instances
    on one database) or ``sqlite:///PATH``; empty: the SQLite file ``HELPLINE_DB``. Checked
    here so a typo stops start-up with a clear message; never echoes the password."""
    raw = env.get("DATABASE_URL", "").strip()
    if not raw:
        return ""
    shown = _without_password(raw)
    scheme = raw.split(":", 1)[0].lower() if ":" in raw else ""
    if scheme in ("postgresql", "postgres"):
        from psycopg import ProgrammingError
        from psycopg.conninfo import conninfo_to_dict

        try:
            # libpq's own parser (several hosts for fail-over, unknown options, escapes).
            params = conninfo_to_dict(raw)
        except ProgrammingError:
            params = None
        ports = str(params.get("port") or "") if params else ""
        if params is None or not all(p.isdigit() for p in ports.split(",") if p):
            raise SettingsError(
                f"DATABASE_URL={shown!r} is not a valid PostgreSQL URL "
                "(postgresql://USER:PASSWORD@HOST:PORT/DBNAME)"
            ) from None
        return raw
    if scheme == "sqlite":
        if not raw.startswith("sqlite:///") or raw == "sqlite:///":
            raise SettingsError(f"DATABASE_URL={shown!r}: write sqlite:///path/to/helpline.db")
        return raw
    raise SettingsError(
        f"DATABASE_URL={shown!r} must be postgresql://USER:PASSWORD@HOST:PORT/DBNAME "
        "(or sqlite:///PATH; unset, the SQLite file HELPLINE_DB is used)"
    )


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the process needs to start. Build with :meth:`from_env`."""

    host: str = "0.0.0.0"
    port: int = 3978
    routing_file: Path = Path("config/routing.yaml")
    reload_interval: float = 1.0
    app_id: str = ""
    app_password: str = ""
    app_type: str = "MultiTenant"
    tenant_id: str = ""
    log_level: str = "INFO"
    # Outbound calls to the channel's connector service.
    connector_timeout: float = 10.0
    connector_attempts: int = 3  # tries per call, the first included
    connector_backoff: float = 0.25  # first retry waits up to this long (full jitter)
    connector_backoff_max: float = 4.0  # no wait between tries is longer (Retry-After too)
    # Limits (bot/limits.py).
    rate_limit_messages: int = 20  # messages per conversation ...
    rate_limit_window: float = 10.0  # ... in this many seconds
    max_concurrent_turns: int = 200  # more in flight at once: 503 + Retry-After
    # Plain one-to-one messages answered without the SDK's turn pipeline (bot/plain_messages.py);
    # False sends every activity through the SDK (same answers, about half the throughput).
    lean_path: bool = True
    # Shutdown (SIGTERM): finish in-flight turns for at most this long, then exit.
    shutdown_grace: float = 20.0
    # Logs: "json" (one JSON object a line) or "text".
    log_format: str = "json"
    # Key for the conversation hash in logs; empty: a random key per process.
    log_hash_key: str = ""
    # Callback referrals (bot/referrals). database: the SQLite file holding conversation
    # state, referrals and the outbox; None: in memory (tests only; ``from_env`` always sets it).
    database: Path | None = None
    # DATABASE_URL: postgresql://… for several instances on one database (or sqlite:///…);
    # empty: the SQLite file ``database``. Kept out of repr: it may hold a password.
    database_url: str = field(default="", repr=False)
    referral_retention_days: float = 30.0  # referrals are deleted this long after closure
    referral_purge_interval: float = 3600.0  # seconds between background purges
    referral_max_attempts: int = 8  # delivery tries before giving up and escalating
    referral_retry_seconds: float = 2.0  # wait before the 2nd try; doubles each try ...
    referral_retry_max_seconds: float = 600.0  # ... up to this
    referral_webhook_timeout: float = 10.0

    @property
    def storage_url(self) -> str:
        """What to open (``bot.storage.open_database``): ``DATABASE_URL`` when set, else the
        SQLite file ``database``, else an in-memory database (tests)."""
        if self.database_url:
            return self.database_url
        return str(self.database) if self.database is not None else ":memory:"

    @property
    def auth_enabled(self) -> bool:
        """Empty app id means local Emulator mode: no inbound or outbound authentication."""
        return bool(self.app_id)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "Settings":
        app_id = env.get("MicrosoftAppId", "").strip()
        app_password = env.get("MicrosoftAppPassword", "")
        app_type = env.get("MicrosoftAppType", "").strip() or "MultiTenant"
        tenant_id = env.get("MicrosoftAppTenantId", "").strip()
        matches = [t for t in APP_TYPES if t.lower() == app_type.lower()]
        if not matches:
            raise SettingsError(
                f"MicrosoftAppType={app_type!r} is not one of {', '.join(APP_TYPES)}"
            )
        app_type = matches[0]
        if not app_id and (app_password or tenant_id):
            # A password or tenant without an app id would silently run with authentication
            # off: almost certainly a deployment mistake, so refuse to start.
            raise SettingsError(
                "MicrosoftAppId is empty but MicrosoftAppPassword or MicrosoftAppTenantId is "
                "set; set MicrosoftAppId (or clear them all for local testing)"
            )
        if app_id:
            if app_type in ("SingleTenant", "UserAssignedMSI") and not tenant_id:
                raise SettingsError(
                    f"MicrosoftAppTenantId is required when MicrosoftAppType is {app_type}"
                )
            if app_type != "UserAssignedMSI" and not app_password:
                raise SettingsError(
                    f"MicrosoftAppPassword is required when MicrosoftAppId is set "
                    f"and MicrosoftAppType is {app_type}"
                )
        return cls(
            host=env.get("HOST", "").strip() or "0.0.0.0",
            port=_int(env, "PORT", 3978, minimum=1),
            routing_file=Path(env.get("ROUTING_FILE", "").strip() or "config/routing.yaml"),
            reload_interval=_float(env, "ROUTING_RELOAD_SECONDS", 1.0, minimum=0.1),
            app_id=app_id,
            app_password=app_password,
            app_type=app_type,
            tenant_id=tenant_id,
            log_level=(env.get("LOG_LEVEL", "").strip() or "INFO").upper(),
            connector_timeout=_float(env, "CONNECTOR_TIMEOUT_SECONDS", 10.0, minimum=0.1),
            connector_attempts=_int(env, "CONNECTOR_ATTEMPTS", 3, minimum=1),
            connector_backoff=_float(env, "CONNECTOR_BACKOFF_SECONDS", 0.25),
            connector_backoff_max=_float(env, "CONNECTOR_BACKOFF_MAX_SECONDS", 4.0),
            rate_limit_messages=_int(env, "RATE_LIMIT_MESSAGES", 20, minimum=1),
            rate_limit_window=_float(env, "RATE_LIMIT_WINDOW_SECONDS", 10.0, minimum=0.1),
            max_concurrent_turns=_int(env, "MAX_CONCURRENT_TURNS", 200, minimum=1),
            lean_path=_choice(env, "LEAN_PATH", ("on", "off"), "on") == "on",
            shutdown_grace=_float(env, "SHUTDOWN_GRACE_SECONDS", 20.0),
            log_format=_choice(env, "LOG_FORMAT", ("json", "text"), "json"),
            log_hash_key=env.get("LOG_HASH_KEY", ""),
            database=Path(env.get("HELPLINE_DB", "").strip() or "var/helpline.db"),
            database_url=_database_url(env),
            referral_retention_days=_float(env, "REFERRAL_RETENTION_DAYS", 30.0),
            referral_purge_interval=_float(env, "REFERRAL_PURGE_INTERVAL_SECONDS", 3600.0, minimum=1.0),
            referral_max_attempts=_int(env, "REFERRAL_MAX_ATTEMPTS", 8, minimum=1),
            referral_retry_seconds=_float(env, "REFERRAL_RETRY_SECONDS", 2.0, minimum=0.001),
            referral_retry_max_seconds=_float(env, "REFERRAL_RETRY_MAX_SECONDS", 600.0, minimum=0.001),
            referral_webhook_timeout=_float(env, "REFERRAL_WEBHOOK_TIMEOUT_SECONDS", 10.0, minimum=0.1),
        )
