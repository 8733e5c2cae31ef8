"""Bot Framework app settings: each supported configuration starts; each mistake stops
start-up with a message naming the environment variable to fix."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.botframework.auth import Authenticator
from bot.botframework.credentials import ClientSecretSource, ManagedIdentitySource, token_source
from config.settings import Settings, SettingsError

from .factories import ROOT

APP_ID = "5b1c3c7e-0000-4000-8000-00000000b075"
TENANT_ID = "72f988bf-0000-4000-8000-0000000000aa"


@pytest.mark.parametrize(
    "env, app_type",
    [
        ({"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "s3cret", "MicrosoftAppType": "SingleTenant",
          "MicrosoftAppTenantId": TENANT_ID}, "SingleTenant"),
        ({"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "s3cret", "MicrosoftAppType": "MultiTenant"},
         "MultiTenant"),
        ({"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "s3cret"}, "MultiTenant"),
        ({"MicrosoftAppId": APP_ID, "MicrosoftAppType": "UserAssignedMSI",
          "MicrosoftAppTenantId": TENANT_ID}, "UserAssignedMSI"),
        ({"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "s3cret", "MicrosoftAppType": "singletenant",
          "MicrosoftAppTenantId": TENANT_ID}, "SingleTenant"),
    ],
    ids=["single-tenant", "multi-tenant", "multi-tenant-by-default", "user-assigned-msi", "any-case"],
)
def test_supported_configurations(env: dict[str, str], app_type: str) -> None:
    settings = Settings.from_env(env)
    assert settings.auth_enabled and settings.app_type == app_type
    assert Authenticator(settings).enabled
    source = token_source(settings)
    expected = ManagedIdentitySource if app_type == "UserAssignedMSI" else ClientSecretSource
    assert isinstance(source, expected)


def _authority(settings: Settings) -> str:
    source = token_source(settings)
    assert isinstance(source, ClientSecretSource)
    return source.authority + "/"


def test_single_tenant_logs_in_at_its_own_tenant() -> None:
    settings = Settings.from_env(
        {"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "s3cret",
         "MicrosoftAppType": "SingleTenant", "MicrosoftAppTenantId": TENANT_ID}
    )
    assert f"/{TENANT_ID}/" in _authority(settings)
    multi = Settings.from_env({"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "s3cret"})
    assert "/botframework.com/" in _authority(multi)


@pytest.mark.parametrize(
    "env, variable",
    [
        ({"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "s3cret", "MicrosoftAppType": "SingleTenant"},
         "MicrosoftAppTenantId"),
        ({"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "s3cret", "MicrosoftAppType": "SingleTenant",
          "MicrosoftAppTenantId": "   "}, "MicrosoftAppTenantId"),
        ({"MicrosoftAppId": APP_ID, "MicrosoftAppType": "UserAssignedMSI"}, "MicrosoftAppTenantId"),
        ({"MicrosoftAppId": APP_ID, "MicrosoftAppType": "MultiTenant"}, "MicrosoftAppPassword"),
        ({"MicrosoftAppId": APP_ID, "MicrosoftAppType": "SingleTenant",
          "MicrosoftAppTenantId": TENANT_ID}, "MicrosoftAppPassword"),
        ({"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "s3cret", "MicrosoftAppType": "Federated"},
         "MicrosoftAppType"),
        ({"MicrosoftAppPassword": "s3cret"}, "MicrosoftAppId"),
        ({"MicrosoftAppTenantId": TENANT_ID, "MicrosoftAppType": "SingleTenant"}, "MicrosoftAppId"),
    ],
    ids=[
        "single-tenant-without-tenant",
        "single-tenant-blank-tenant",
        "msi-without-tenant",
        "multi-tenant-without-password",
        "single-tenant-without-password",
        "unknown-app-type",
        "password-without-app-id",
        "single-tenant-without-app-id",
    ],
)
def test_configuration_mistakes_name_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)
    assert variable in str(raised.value)


def test_empty_app_id_is_local_mode_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings.from_env({})
    assert not settings.auth_enabled
    assert not Authenticator(settings).enabled and token_source(settings) is None
    warning = [r for r in caplog.records if r.levelname == "WARNING"]
    assert warning and "authentication is OFF" in warning[0].getMessage()


def test_app_py_refuses_to_start_and_names_the_variable() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MicrosoftApp")}
    env.update(
        MicrosoftAppId=APP_ID, MicrosoftAppPassword="s3cret", MicrosoftAppType="SingleTenant",
        PORT="1",
    )
    done = subprocess.run(
        [sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "MicrosoftAppTenantId" in done.stderr
    assert "Traceback" not in done.stderr
