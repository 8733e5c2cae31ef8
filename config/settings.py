"""Process settings, read once from the environment and validated before anything starts."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from .channel import ChannelEndpoints, ChannelSettingError
from .staff import StaffSettings, StaffSettingsError

APP_TYPES = ("MultiTenant", "SingleTenant", "UserAssignedMSI")
# The Bot Framework identity settings, spelt exactly as the bot (and the SDK) reads them.
AUTH_VARIABLES = ("MicrosoftAppId", "MicrosoftAppPassword", "MicrosoftAppType", "MicrosoftAppTenantId")
# Where the bot listens when HOST is not set: only this machine in local mode (no app id:
# the Emulator and the Agents Playground run here), every interface with authentication on.
LOCAL_HOST = "127.0.0.1"
PUBLIC_HOST = "0.0.0.0"


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the environment variable."""


IRISH_TIME = ZoneInfo("Europe/Dublin")


def _helpline_now(env: Mapping[str, str], auth_enabled: bool) -> dt.datetime | None:
    """``HELPLINE_NOW=2026-12-01T10:00``: start the bot's clock at that Irish time (it then
    runs on from there), to try opening hours and the live-chat rota in local mode. Refused
    with authentication on: a deployed bot keeps the real time."""
    raw = env.get("HELPLINE_NOW", "").strip()
    if not raw:
        return None
    if auth_enabled:
        raise SettingsError(
            "HELPLINE_NOW is only for trying the bot in local mode (authentication off); "
            "unset it when MicrosoftAppId is set"
        )
    try:
        when = dt.datetime.fromisoformat(raw.replace(" ", "T", 1))
    except ValueError:
        raise SettingsError(
            f"HELPLINE_NOW={raw!r} is not a date and time: write it like 2026-12-01T10:00 "
            "(Irish time)"
        ) from None
    return when.replace(tzinfo=IRISH_TIME) if when.tzinfo is None else when


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


def _squashed(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of
    neighbours (``Pasword``, ``Passowrd``) each count 1."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def misspelt_auth_variable(name: str) -> str | None:
    """The identity setting ``name`` looks like when it is not exactly one of them (other
    case, underscores, or up to two letters wrong), else None."""
    if name in AUTH_VARIABLES:
        return None
    squashed = _squashed(name)
    close = [
        (_edit_distance(squashed, _squashed(t)), t)
        for t in AUTH_VARIABLES
        if abs(len(squashed) - len(t)) <= 2  # two edits change the length by two at most
    ]
    distance, target = min(close, default=(3, ""))
    return target if distance <= 2 else None


def _check_auth_spelling(env: Mapping[str, str]) -> None:
    for name in sorted(env):
        target = misspelt_auth_variable(name)
        if target is not None:
            raise SettingsError(
                f"{name} is set, but the bot reads {target} (spelt exactly so, same case): "
                f"rename {name} to {target}"
            )
    for name in AUTH_VARIABLES:
        value = env.get(name, "")
        if value and not value.strip():
            raise SettingsError(
                f"{name} is set but blank (only spaces): give it a value, or remove it "
                "(an empty MicrosoftAppId means local mode, authentication off)"
            )


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach (127.x, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may well resolve to a public address


def url_without_password(url: str) -> str:
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
    shown = url_without_password(raw)
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

    host: str = LOCAL_HOST  # PUBLIC_HOST by default when authentication is on (from_env)
    port: int = 3978
    routing_file: Path = Path("config/routing.yaml")
    reload_interval: float = 1.0
    app_id: str = ""
    app_password: str = ""
    app_type: str = "MultiTenant"
    tenant_id: str = ""
    # Serve without authentication on an address other machines can reach (HOST not
    # loopback and no app id): only when ALLOW_UNAUTHENTICATED=true says so on purpose.
    allow_unauthenticated: bool = False
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
    # Slow callers (bot/web/guard.py, bot/web/inbound.py): a request's line and headers must
    # arrive within header_read_timeout seconds of its first byte (else the connection is
    # closed), and an activity's body within body_read_timeout seconds (else 408).
    header_read_timeout: float = 10.0
    body_read_timeout: float = 10.0
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
    # Seconds a delivery stays leased to an instance that stopped renewing it (it died):
    # how long it waits before another instance takes it over (bot/storage/referrals.py).
    referral_lease_seconds: float = 15.0
    # Where tokens come from and are checked (config/channel.py: the SDK's setting names).
    channel: ChannelEndpoints = ChannelEndpoints()
    # Service URLs replies may go to when no token vouches for one (Emulator tokens carry no
    # serviceurl claim): loopback only unless listed here (ALLOWED_SERVICE_URLS, comma-separated).
    allowed_service_urls: tuple[str, ...] = ()
    # The staff page (config/staff.py: sign-in, sessions, retention).
    staff: StaffSettings = StaffSettings()
    # HELPLINE_NOW (local mode only): the bot's clock starts at this time and runs on.
    helpline_now: dt.datetime | None = None
    # Live chat (bot/handoff): how often waiting chats are checked (the call-back offered
    # when nobody took one in time, the card's waiting minutes).
    handoff_check_seconds: float = 2.0

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
        _check_auth_spelling(env)
        app_id = env.get("MicrosoftAppId", "").strip()
        app_password = env.get("MicrosoftAppPassword", "")
        app_type_set = env.get("MicrosoftAppType", "").strip()
        app_type = app_type_set or "MultiTenant"
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
        if not app_id and app_type_set:
            # An app type says "this is a real deployment": without an app id it would run
            # with authentication off.
            raise SettingsError(
                f"MicrosoftAppId is empty but MicrosoftAppType={app_type} is set; set "
                "MicrosoftAppId (or remove MicrosoftAppType for local testing)"
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
        host = env.get("HOST", "").strip() or (PUBLIC_HOST if app_id else LOCAL_HOST)
        allow_unauthenticated = (
            _choice(env, "ALLOW_UNAUTHENTICATED", ("true", "false"), "false") == "true"
        )
        if not app_id and not is_loopback(host) and not allow_unauthenticated:
            raise SettingsError(
                f"HOST={host} would serve the bot without authentication (MicrosoftAppId is "
                "empty) on an address other machines can reach: set MicrosoftAppId (and its "
                "password), or leave HOST unset (127.0.0.1), or set ALLOW_UNAUTHENTICATED=true "
                "if that is really what you want"
            )
        return cls(
            host=host,
            port=_int(env, "PORT", 3978, minimum=1),
            routing_file=Path(env.get("ROUTING_FILE", "").strip() or "config/routing.yaml"),
            reload_interval=_float(env, "ROUTING_RELOAD_SECONDS", 1.0, minimum=0.1),
            app_id=app_id,
            app_password=app_password,
            app_type=app_type,
            tenant_id=tenant_id,
            allow_unauthenticated=allow_unauthenticated,
            log_level=(env.get("LOG_LEVEL", "").strip() or "INFO").upper(),
            connector_timeout=_float(env, "CONNECTOR_TIMEOUT_SECONDS", 10.0, minimum=0.1),
            connector_attempts=_int(env, "CONNECTOR_ATTEMPTS", 3, minimum=1),
            connector_backoff=_float(env, "CONNECTOR_BACKOFF_SECONDS", 0.25),
            connector_backoff_max=_float(env, "CONNECTOR_BACKOFF_MAX_SECONDS", 4.0),
            rate_limit_messages=_int(env, "RATE_LIMIT_MESSAGES", 20, minimum=1),
            rate_limit_window=_float(env, "RATE_LIMIT_WINDOW_SECONDS", 10.0, minimum=0.1),
            max_concurrent_turns=_int(env, "MAX_CONCURRENT_TURNS", 200, minimum=1),
            header_read_timeout=_float(env, "HEADER_READ_TIMEOUT_SECONDS", 10.0, minimum=0.1),
            body_read_timeout=_float(env, "BODY_READ_TIMEOUT_SECONDS", 10.0, minimum=0.1),
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
            referral_lease_seconds=_float(env, "REFERRAL_LEASE_SECONDS", 15.0, minimum=1.0),
            channel=_channel(env),
            allowed_service_urls=_service_urls(env),
            staff=_staff(env),
            helpline_now=_helpline_now(env, bool(app_id)),
            handoff_check_seconds=_float(env, "HANDOFF_CHECK_SECONDS", 2.0, minimum=0.05),
        )


def _staff(env: Mapping[str, str]) -> StaffSettings:
    try:
        return StaffSettings.from_env(env)
    except StaffSettingsError as error:
        raise SettingsError(str(error)) from None


def _channel(env: Mapping[str, str]) -> ChannelEndpoints:
    try:
        return ChannelEndpoints.from_env(env)
    except ChannelSettingError as error:
        raise SettingsError(str(error)) from None


def _service_urls(env: Mapping[str, str]) -> tuple[str, ...]:
    raw = env.get("ALLOWED_SERVICE_URLS", "")
    urls = tuple(u.strip().rstrip("/") for u in raw.split(",") if u.strip())
    for url in urls:
        if not url.startswith(("https://", "http://")):
            raise SettingsError(
                f"ALLOWED_SERVICE_URLS: {url!r} is not an http(s) URL (list them comma-separated)"
            )
    return urls
