"""Process settings, read once from the environment and validated before anything starts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

APP_TYPES = ("MultiTenant", "SingleTenant", "UserAssignedMSI")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the environment variable."""


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise SettingsError(f"{name}={value} must be at least {minimum}")
    return value


def _float(env: Mapping[str, str], name: str, default: float, minimum: float = 0.0) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a number") from None
    if value < minimum:
        raise SettingsError(f"{name}={value} must be at least {minimum}")
    return value


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
        )
