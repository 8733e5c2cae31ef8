"""Issue 12, point 4: safe by default when authentication is off. A blank or misspelt
identity setting, or an app type without an app id, stops start-up naming the variable;
without an app id the bot listens on 127.0.0.1 unless ALLOW_UNAUTHENTICATED=true says
otherwise; /healthz says whether authentication is on."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.web.app import create_app
from config.settings import Settings, SettingsError, is_loopback, misspelt_auth_variable

from .factories import ROOT, SHIPPED_ROUTING

APP_ID = "5b1c3c7e-0000-4000-8000-00000000b075"
TENANT_ID = "72f988bf-0000-4000-8000-0000000000aa"
AUTH_ON = {"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "s3cret"}


@pytest.mark.parametrize(
    "env, variable, right",
    [
        ({"MicrosoftAppId": "   "}, "MicrosoftAppId", None),
        ({"MicrosoftAppId": "\t"}, "MicrosoftAppId", None),
        ({**AUTH_ON, "MicrosoftAppPassword": "  "}, "MicrosoftAppPassword", None),
        ({"MicrosoftAppTenantId": " "}, "MicrosoftAppTenantId", None),
        ({"MICROSOFT_APP_ID": APP_ID}, "MICROSOFT_APP_ID", "MicrosoftAppId"),
        ({"MicrosoftAppID": APP_ID}, "MicrosoftAppID", "MicrosoftAppId"),
        ({"microsoftappid": APP_ID}, "microsoftappid", "MicrosoftAppId"),
        ({**AUTH_ON, "MicrosoftAppPasword": "x"}, "MicrosoftAppPasword", "MicrosoftAppPassword"),
        ({"MICROSOFT_APP_PASSWORD": "x"}, "MICROSOFT_APP_PASSWORD", "MicrosoftAppPassword"),
        ({"MicrosoftAppTenantID": TENANT_ID}, "MicrosoftAppTenantID", "MicrosoftAppTenantId"),
        ({"MicrosoftAppTyp": "SingleTenant"}, "MicrosoftAppTyp", "MicrosoftAppType"),
        ({**AUTH_ON, "MICROSOFT_APP_ID": APP_ID}, "MICROSOFT_APP_ID", "MicrosoftAppId"),
        ({"MicrosoftAppType": "SingleTenant"}, "MicrosoftAppId", None),
        ({"MicrosoftAppType": "UserAssignedMSI"}, "MicrosoftAppId", None),
        ({"MicrosoftAppType": "MultiTenant"}, "MicrosoftAppId", None),
        ({"HOST": "0.0.0.0"}, "ALLOW_UNAUTHENTICATED", None),
        ({"HOST": "10.1.2.3"}, "ALLOW_UNAUTHENTICATED", None),
        ({"HOST": "bot.example.ie"}, "ALLOW_UNAUTHENTICATED", None),
        ({"HOST": "0.0.0.0", "ALLOW_UNAUTHENTICATED": "yes please"}, "ALLOW_UNAUTHENTICATED", None),
    ],
    ids=[
        "app-id-spaces", "app-id-tab", "password-spaces", "tenant-spaces",
        "upper-snake-app-id", "app-ID", "lower-case-app-id", "password-typo", "upper-snake-password",
        "tenant-ID", "type-typo", "lookalike-beside-the-real-one",
        "single-tenant-without-app-id", "msi-without-app-id", "multi-tenant-without-app-id",
        "unauthenticated-on-all-interfaces", "unauthenticated-on-a-private-address",
        "unauthenticated-on-a-host-name", "allow-not-true-or-false",
    ],
)
def test_unsafe_configurations_stop_start_up_naming_the_variable(
    env: dict[str, str], variable: str, right: str | None
) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)
    message = str(raised.value)
    assert variable in message
    if right is not None:
        assert right in message
    for secret in ("s3cret", APP_ID):
        assert secret not in message  # a misspelt secret's value is never echoed


def test_host_defaults_to_loopback_in_local_mode_and_all_interfaces_with_auth() -> None:
    assert Settings.from_env({}).host == "127.0.0.1"
    assert Settings().host == "127.0.0.1"
    assert Settings.from_env(AUTH_ON).host == "0.0.0.0"
    assert Settings.from_env({**AUTH_ON, "HOST": "10.1.2.3"}).host == "10.1.2.3"


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_local_mode_may_listen_on_any_loopback_address(host: str) -> None:
    settings = Settings.from_env({"HOST": host})
    assert settings.host == host and not settings.auth_enabled and is_loopback(host)


def test_serving_unauthenticated_elsewhere_needs_an_explicit_yes() -> None:
    settings = Settings.from_env({"HOST": "0.0.0.0", "ALLOW_UNAUTHENTICATED": "TRUE"})
    assert settings.host == "0.0.0.0" and settings.allow_unauthenticated
    assert not settings.auth_enabled


@pytest.mark.parametrize(
    "name",
    ["MicrosoftAppId", "MicrosoftAppPassword", "MicrosoftAppType", "MicrosoftAppTenantId",
     "PATH", "APP_ID", "MicrosoftAppCertificate", "ToChannelFromBotOAuthScope", "HOME"],
)
def test_exact_names_and_unrelated_variables_are_not_lookalikes(name: str) -> None:
    assert misspelt_auth_variable(name) is None


async def test_healthz_says_whether_authentication_is_on() -> None:
    from aiohttp.test_utils import TestClient, TestServer

    for values, expected in (({}, "off"), ({"app_id": APP_ID, "app_password": "s3cret"}, "on")):
        settings = dataclasses.replace(Settings(), routing_file=SHIPPED_ROUTING, **values)
        client = TestClient(TestServer(create_app(settings), host="127.0.0.1"))
        await client.start_server()
        try:
            assert (await (await client.get("/healthz")).json())["auth"] == expected
        finally:
            await client.close()


# ---- the real app.py ------------------------------------------------------------------------
def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if misspelt_auth_variable(k) is None and not k.startswith("MicrosoftApp")
        and k not in ("HOST", "ALLOW_UNAUTHENTICATED")
    }
    return {**env, "HELPLINE_DB": str(tmp_path / "helpline.db"), **extra}


@pytest.mark.parametrize(
    "extra, variable",
    [
        ({"MICROSOFT_APP_ID": APP_ID}, "MicrosoftAppId"),
        ({"MicrosoftAppId": "   "}, "MicrosoftAppId"),
        ({"MicrosoftAppType": "SingleTenant"}, "MicrosoftAppId"),
        ({"HOST": "0.0.0.0"}, "ALLOW_UNAUTHENTICATED"),
    ],
    ids=["misspelt", "blank", "type-without-id", "public-without-auth"],
)
def test_app_py_exits_2_naming_the_variable(
    tmp_path: Path, extra: dict[str, str], variable: str
) -> None:
    done = subprocess.run(
        [sys.executable, "app.py"], cwd=ROOT, env=_clean_env(tmp_path, PORT="1", **extra),
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert variable in done.stderr and "Traceback" not in done.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _non_loopback_address() -> str | None:
    """An address of this machine that is not loopback, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: nothing is sent
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if is_loopback(address) else address


async def _healthz(url: str, proc: subprocess.Popen[bytes]) -> dict[str, object]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
        for _ in range(200):
            assert proc.poll() is None, "app.py exited"
            try:
                async with session.get(url) as response:
                    return dict(await response.json())
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
    raise AssertionError(f"{url} never answered")


async def _refused(host: str, port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection(host, port)
    except OSError:
        return True
    writer.close()
    await writer.wait_closed()
    return False


@pytest.mark.parametrize("allow", [False, True], ids=["default", "allowed"])
async def test_app_py_in_local_mode_listens_only_where_it_was_told(
    tmp_path: Path, allow: bool
) -> None:
    port = _free_port()
    extra = {"PORT": str(port)}
    if allow:
        extra.update(HOST="0.0.0.0", ALLOW_UNAUTHENTICATED="true")
    log = tmp_path / "bot.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "app.py"], cwd=ROOT, env=_clean_env(tmp_path, **extra),
            stdout=out, stderr=out,
        )
    try:
        health = await _healthz(f"http://127.0.0.1:{port}/healthz", proc)
        assert health["auth"] == "off"
        other = _non_loopback_address()
        if other is not None:
            assert await _refused(other, port) is not allow
        if allow:
            assert "authentication is OFF and the bot listens on 0.0.0.0" in log.read_text()
    finally:
        proc.terminate()
        proc.wait(30)
