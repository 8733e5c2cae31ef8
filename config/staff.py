"""The staff page's settings, read once from the environment (``StaffSettings.from_env``).

| variable | default | meaning |
| --- | --- | --- |
| ``STAFF_ENTRA_TENANT_ID`` | empty | the council's Entra ID tenant; with the next two, turns Entra sign-in on |
| ``STAFF_ENTRA_CLIENT_ID`` | empty | the staff page's app registration (application id) |
| ``STAFF_ENTRA_CLIENT_SECRET`` | empty | its client secret |
| ``STAFF_ENTRA_GROUPS`` | empty | group object ids (comma-separated) whose members may sign in |
| ``STAFF_ENTRA_ROLES`` | empty | app roles (comma-separated) that may sign in; one of the two is required |
| ``STAFF_ENTRA_AUTHORITY_HOST`` | ``https://login.microsoftonline.com`` | other clouds |
| ``STAFF_PUBLIC_URL`` | empty | the bot's public address (``https://...``); required with Entra: the redirect URI is ``STAFF_PUBLIC_URL/staff/auth/callback`` |
| ``STAFF_SESSION_KEY`` | random per process | 32 bytes, url-safe base64 (a Fernet key); required with Entra so sessions survive restarts and work across instances |
| ``STAFF_SESSION_IDLE_MINUTES`` | 30 | signed out after this long without a request |
| ``STAFF_SESSION_MAX_HOURS`` | 12 | signed out this long after signing in, however busy |
| ``STAFF_PAGE_CAN_EDIT_ROUTING`` | false | "Teach the bot" may save the routing file (else it shows the YAML to paste) |
| ``STAFF_INSIGHTS_RETENTION_DAYS`` | 30 | not-understood messages and per-turn rows are kept this long |
| ``STAFF_AUDIT_RETENTION_DAYS`` | 365 | audit log entries are kept this long |
| ``STAFF_PURGE_INTERVAL_SECONDS`` | 3600 | how often old rows are purged |

Without the Entra settings the page is served to loopback only and staff sign in with a
one-time link (``python -m bot.staff link --name NAME``).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

PUBLIC_CLOUD = "https://login.microsoftonline.com"
LINK_MINUTES = 10


class StaffSettingsError(ValueError):
    """A staff page setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True, slots=True)
class EntraSettings:
    tenant_id: str
    client_id: str
    client_secret: str
    public_url: str  # https://host (no trailing slash)
    groups: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    authority_host: str = PUBLIC_CLOUD
    # TLS verification for the token endpoint and keys: True, or a CA bundle path (tests).
    verify: bool | str = True

    @property
    def authority(self) -> str:
        return f"{self.authority_host}/{self.tenant_id}"

    @property
    def redirect_uri(self) -> str:
        return f"{self.public_url}/staff/auth/callback"

    @property
    def public_cloud(self) -> bool:
        return self.authority_host == PUBLIC_CLOUD


@dataclass(frozen=True, slots=True)
class StaffSettings:
    entra: EntraSettings | None = None
    session_key: bytes = b""  # 32 raw bytes; empty: a random key per process
    idle_minutes: float = 30.0
    max_hours: float = 12.0
    can_edit_routing: bool = False
    insights_retention_days: float = 30.0
    audit_retention_days: float = 365.0
    purge_interval: float = 3600.0
    public_url: str = ""

    @property
    def link_sign_in(self) -> bool:
        """One-time links (and loopback only) when Entra is not configured."""
        return self.entra is None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "StaffSettings":
        def get(name: str) -> str:
            return env.get(name, "").strip()

        def number(name: str, default: float, minimum: float) -> float:
            raw = get(name)
            if not raw:
                return default
            try:
                value = float(raw)
            except ValueError:
                raise StaffSettingsError(f"{name}={raw!r} is not a number") from None
            if value < minimum:
                raise StaffSettingsError(f"{name}={raw} must be at least {minimum:g}")
            return value

        def listed(name: str) -> tuple[str, ...]:
            return tuple(p.strip() for p in get(name).split(",") if p.strip())

        tenant, client, secret = (
            get("STAFF_ENTRA_TENANT_ID"),
            get("STAFF_ENTRA_CLIENT_ID"),
            env.get("STAFF_ENTRA_CLIENT_SECRET", ""),
        )
        public_url = get("STAFF_PUBLIC_URL").rstrip("/")
        entra: EntraSettings | None = None
        if tenant or client or secret:
            missing = [
                n
                for n, v in (
                    ("STAFF_ENTRA_TENANT_ID", tenant),
                    ("STAFF_ENTRA_CLIENT_ID", client),
                    ("STAFF_ENTRA_CLIENT_SECRET", secret),
                    ("STAFF_PUBLIC_URL", public_url),
                )
                if not v
            ]
            if missing:
                raise StaffSettingsError(
                    f"{', '.join(missing)} must be set for Entra ID sign-in to the staff page"
                )
            groups, roles = listed("STAFF_ENTRA_GROUPS"), listed("STAFF_ENTRA_ROLES")
            if not groups and not roles:
                raise StaffSettingsError(
                    "STAFF_ENTRA_GROUPS or STAFF_ENTRA_ROLES must name who may sign in to the "
                    "staff page (a group object id or an app role)"
                )
            host = (get("STAFF_ENTRA_AUTHORITY_HOST") or PUBLIC_CLOUD).rstrip("/")
            for name, url in (("STAFF_ENTRA_AUTHORITY_HOST", host), ("STAFF_PUBLIC_URL", public_url)):
                parts = urlsplit(url)
                local = parts.hostname in ("127.0.0.1", "localhost", "::1")
                if not parts.hostname or not (
                    parts.scheme == "https" or (parts.scheme == "http" and local)
                ):
                    raise StaffSettingsError(f"{name}={url!r} must be an https:// address")
            entra = EntraSettings(tenant, client, secret, public_url, groups, roles, host)
        raw_key = get("STAFF_SESSION_KEY")
        key = b""
        if raw_key:
            try:
                key = base64.urlsafe_b64decode(raw_key.encode())
            except (binascii.Error, ValueError):
                key = b""
            if len(key) != 32:
                raise StaffSettingsError(
                    "STAFF_SESSION_KEY must be 32 bytes in url-safe base64; make one with: "
                    "python -c \"import secrets,base64;print(base64.urlsafe_b64encode("
                    "secrets.token_bytes(32)).decode())\""
                )
        elif entra is not None:
            raise StaffSettingsError(
                "STAFF_SESSION_KEY is required with Entra ID sign-in (sessions must survive a "
                "restart and work on every instance)"
            )
        can_edit = get("STAFF_PAGE_CAN_EDIT_ROUTING").lower()
        if can_edit not in ("", "true", "false", "1", "0", "yes", "no"):
            raise StaffSettingsError(f"STAFF_PAGE_CAN_EDIT_ROUTING={can_edit!r} is not true or false")
        return cls(
            entra=entra,
            session_key=key,
            idle_minutes=number("STAFF_SESSION_IDLE_MINUTES", 30.0, 1.0),
            max_hours=number("STAFF_SESSION_MAX_HOURS", 12.0, 0.1),
            can_edit_routing=can_edit in ("true", "1", "yes"),
            insights_retention_days=number("STAFF_INSIGHTS_RETENTION_DAYS", 30.0, 1.0),
            audit_retention_days=number("STAFF_AUDIT_RETENTION_DAYS", 365.0, 1.0),
            purge_interval=number("STAFF_PURGE_INTERVAL_SECONDS", 3600.0, 1.0),
            public_url=public_url,
        )
