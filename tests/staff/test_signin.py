"""Who may use the staff page: sign-in by one-time link (no Entra ID, loopback only) and by
Entra ID against a local OpenID provider (tests/support/oidc_issuer.py); refusal without
sign-in, with another tenant's or group's token, a forged token, a forged CSRF token; the
idle timeout."""

from __future__ import annotations

import base64
import io
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer, make_mocked_request, unused_port

from bot.staff.__main__ import main as staff_cli
from config.staff import EntraSettings, StaffSettings, StaffSettingsError
from bot.staff.web import is_loopback
from tests.support.oidc_issuer import (
    CLIENT_ID,
    CLIENT_SECRET,
    OTHER_GROUP,
    OTHER_TENANT,
    STAFF_GROUP,
    STAFF_ROLE,
    TENANT,
    OidcIssuer,
)

from .conftest import CSRF, StaffHarness, build_app, csrf_of, sign_in, staff_settings

PAGES = [
    "/staff/requests",
    "/staff/requests/MAY-1000",
    "/staff/requests.csv",
    "/staff/not-understood",
    "/staff/teach?text=turf",
    "/staff/numbers",
    "/staff/audit",
    "/staff/",
]
ACTIONS = [
    "/staff/requests/MAY-1000/claim",
    "/staff/requests/MAY-1000/outcome",
    "/staff/requests/MAY-1000/handover",
    "/staff/teach/save",
]


# ---- without sign-in -------------------------------------------------------------------------
@pytest.mark.parametrize("path", PAGES, ids=PAGES)
async def test_every_page_needs_sign_in(client: TestClient, harness: StaffHarness, path: str) -> None:
    await harness.referral()
    response = await client.get(path, allow_redirects=False)
    if path == "/staff/":
        response = await client.get("/staff/requests", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/staff/login"


@pytest.mark.parametrize("path", ACTIONS, ids=ACTIONS)
async def test_every_action_needs_sign_in(client: TestClient, harness: StaffHarness, path: str) -> None:
    reference = await harness.referral()
    csrf = await csrf_of(client, harness.link())  # a real token of a session not signed in
    response = await client.post(
        path, data={"csrf": csrf, "outcome": "rang_sorted", "to": "x"}, allow_redirects=False
    )
    assert response.status == 403
    stored = await harness.storage.referrals.get(reference)
    assert stored is not None and stored.claimed_by is None


async def test_pages_carry_a_strict_content_security_policy(client: TestClient) -> None:
    for path in ("/staff/login", "/staff/nowhere"):
        response = await client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "<html" in await response.text()  # errors are pages too, never JSON


def _request_from(address: str) -> web.Request:
    class Transport:
        def get_extra_info(self, name: str, default: object = None) -> object:
            return (address, 50000) if name == "peername" else default

    return make_mocked_request("GET", "/staff/requests", transport=Transport())


@pytest.mark.parametrize(
    "address, allowed",
    [("127.0.0.1", True), ("::1", True), ("127.8.0.2", True), ("10.0.0.5", False),
     ("192.168.1.20", False), ("2001:db8::1", False), ("", False)],
    ids=["ipv4", "ipv6", "loopback-range", "private", "lan", "public-v6", "unknown"],
)  # fmt: skip
def test_only_loopback_counts_as_this_computer(address: str, allowed: bool) -> None:
    assert is_loopback(_request_from(address)) is allowed


# ---- one-time links ----------------------------------------------------------------------------
async def test_a_link_signs_in_once(client: TestClient, harness: StaffHarness) -> None:
    link = harness.link("Siobhan Byrne")
    page = await client.get(link)
    body = await page.text()
    assert "Sign in as Siobhan Byrne" in body
    token = link.split("token=")[1]
    csrf = CSRF.search(body).group(1)  # type: ignore[union-attr]
    first = await client.post(
        "/staff/login/link", data={"token": token, "csrf": csrf}, allow_redirects=False
    )
    assert first.status == 303 and first.headers["Location"] == "/staff/requests"
    assert "Signed in as Siobhan Byrne" in await (await client.get("/staff/requests")).text()
    # The same link again (in another browser) is refused.
    other = TestClient(TestServer(client.server.app, host="127.0.0.1"))
    async with other:
        page = await other.get(link)
        assert "expired or has been used" in await page.text()
    log = await harness.storage.db.call(lambda c: __import__("bot.storage.staff", fromlist=["x"]).audit_log(c))
    assert [(e.staff, e.action, e.detail) for e in log] == [("Siobhan Byrne", "signed_in", "link")]


async def test_a_link_expires_after_ten_minutes(client: TestClient, harness: StaffHarness) -> None:
    link = harness.link()
    harness.clock.advance(minutes=10, seconds=1)
    assert "expired or has been used" in await (await client.get(link)).text()
    response = await client.post(
        "/staff/login/link",
        data={"token": link.split("token=")[1], "csrf": await csrf_of(client, harness.link())},
        allow_redirects=False,
    )
    assert response.headers["Location"] == "/staff/login/link"  # not signed in
    assert (await client.get("/staff/requests", allow_redirects=False)).status == 303


async def test_the_command_prints_a_link_the_server_accepts(
    client: TestClient, harness: StaffHarness, tmp_path: Path
) -> None:
    env = {"HELPLINE_DB": str(tmp_path / "var" / "helpline.db"), "PORT": "3978"}
    out, err = io.StringIO(), io.StringIO()
    harness.clock.now = __import__("datetime").datetime.now(__import__("datetime").timezone.utc)
    with redirect_stdout(out), redirect_stderr(err):
        assert staff_cli(["link", "--name", "Declan Moran"], env) == 0
    url = out.getvalue().strip()
    assert url.startswith("http://127.0.0.1:3978/staff/login/link?token=")
    assert "10 minutes" in err.getvalue()
    page = await client.get(urlsplit(url).path + "?" + urlsplit(url).query)
    assert "Sign in as Declan Moran" in await page.text()


def test_the_command_refuses_when_entra_is_configured(tmp_path: Path) -> None:
    env = {
        "HELPLINE_DB": str(tmp_path / "helpline.db"),
        "STAFF_ENTRA_TENANT_ID": TENANT,
        "STAFF_ENTRA_CLIENT_ID": CLIENT_ID,
        "STAFF_ENTRA_CLIENT_SECRET": "s",
        "STAFF_ENTRA_GROUPS": STAFF_GROUP,
        "STAFF_PUBLIC_URL": "https://helpline.example.ie",
        "STAFF_SESSION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    }
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert staff_cli(["link", "--name", "X"], env) == 2
    assert out.getvalue() == "" and "Entra ID sign-in is configured" in err.getvalue()
    assert not (tmp_path / "helpline.db").exists()


# ---- CSRF --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "csrf, headers",
    [("forged-token", {}), ("", {}), (None, {}), ("REAL", {"Origin": "https://evil.example"})],
    ids=["forged", "empty", "missing", "cross-origin"],
)
async def test_a_form_without_this_sessions_token_is_refused(
    client: TestClient, harness: StaffHarness, csrf: str | None, headers: dict[str, str]
) -> None:
    reference = await harness.referral()
    await sign_in(client, harness)
    real = await csrf_of(client, f"/staff/requests/{reference}")
    data = {"outcome": "rang_sorted", "note": "x"}
    if csrf is not None:
        data["csrf"] = real if csrf == "REAL" else csrf
    response = await client.post(
        f"/staff/requests/{reference}/outcome", data=data, headers=headers, allow_redirects=False
    )
    assert response.status == 403
    assert "did not come from this page" in await response.text()
    assert (await harness.storage.referrals.get(reference)).claimed_by is None  # type: ignore[union-attr]


# ---- sessions ----------------------------------------------------------------------------------
async def test_idle_sessions_end(client: TestClient, harness: StaffHarness) -> None:
    await sign_in(client, harness)
    harness.clock.advance(minutes=20)
    assert (await client.get("/staff/requests", allow_redirects=False)).status == 200
    harness.clock.advance(minutes=31)
    response = await client.get("/staff/requests", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/staff/login"
    assert "signed out after a while" in await (await client.get("/staff/login")).text()


async def test_sign_out(client: TestClient, harness: StaffHarness) -> None:
    await sign_in(client, harness)
    csrf = await csrf_of(client, "/staff/requests")
    response = await client.post("/staff/logout", data={"csrf": csrf}, allow_redirects=False)
    assert response.headers["Location"] == "/staff/login"
    assert (await client.get("/staff/requests", allow_redirects=False)).status == 303


async def test_the_session_cookie_is_encrypted_and_http_only(
    client: TestClient, harness: StaffHarness
) -> None:
    link = harness.link("Siobhan Byrne")
    page = await client.get(link)
    body = await page.text()
    response = await client.post(
        "/staff/login/link",
        data={"token": link.split("token=")[1], "csrf": CSRF.search(body).group(1)},  # type: ignore[union-attr]
        allow_redirects=False,
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Siobhan" not in cookie


# ---- settings ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "env, message",
    [
        ({"STAFF_ENTRA_TENANT_ID": TENANT}, "STAFF_ENTRA_CLIENT_ID"),
        (
            {"STAFF_ENTRA_TENANT_ID": TENANT, "STAFF_ENTRA_CLIENT_ID": "c",
             "STAFF_ENTRA_CLIENT_SECRET": "s", "STAFF_PUBLIC_URL": "https://h"},
            "STAFF_ENTRA_GROUPS or STAFF_ENTRA_ROLES",
        ),
        (
            {"STAFF_ENTRA_TENANT_ID": TENANT, "STAFF_ENTRA_CLIENT_ID": "c",
             "STAFF_ENTRA_CLIENT_SECRET": "s", "STAFF_PUBLIC_URL": "http://helpline.example.ie",
             "STAFF_ENTRA_ROLES": "r"},
            "must be an https:// address",
        ),
        (
            {"STAFF_ENTRA_TENANT_ID": TENANT, "STAFF_ENTRA_CLIENT_ID": "c",
             "STAFF_ENTRA_CLIENT_SECRET": "s", "STAFF_PUBLIC_URL": "https://h",
             "STAFF_ENTRA_ROLES": "r"},
            "STAFF_SESSION_KEY is required",
        ),
        ({"STAFF_SESSION_KEY": "too-short"}, "32 bytes"),
        ({"STAFF_SESSION_IDLE_MINUTES": "soon"}, "not a number"),
        ({"STAFF_PAGE_CAN_EDIT_ROUTING": "maybe"}, "not true or false"),
    ],
    ids=["half-entra", "no-group", "plain-http", "no-session-key", "bad-key", "bad-number",
         "bad-bool"],
)  # fmt: skip
def test_bad_settings_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(StaffSettingsError, match=message.replace("(", r"\(")):
        StaffSettings.from_env(env)


def test_no_settings_mean_links_on_loopback() -> None:
    settings = StaffSettings.from_env({})
    assert settings.link_sign_in and not settings.can_edit_routing
    assert settings.insights_retention_days == 30 and settings.idle_minutes == 30


# ---- Entra ID ----------------------------------------------------------------------------------
@pytest.fixture
def issuer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OidcIssuer]:
    # requests prefers these to a session's own CA bundle (MSAL's ``verify``): drop them so
    # the issuer's self-signed certificate is the one trusted.
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    provider = OidcIssuer(tmp_path).start()
    yield provider
    provider.stop()


@pytest.fixture
async def entra_client(
    harness: StaffHarness, issuer: OidcIssuer
) -> AsyncIterator[TestClient]:
    port = unused_port()
    entra = EntraSettings(
        tenant_id=TENANT,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        public_url=f"http://127.0.0.1:{port}",
        groups=(STAFF_GROUP,),
        roles=(STAFF_ROLE,),
        authority_host=issuer.base_url,
        verify=str(issuer.ca_file),
    )
    settings = staff_settings(entra=entra, session_key=secrets.token_bytes(32))
    app = build_app(harness, settings)
    async with TestClient(TestServer(app, host="127.0.0.1", port=port)) as c:
        yield c


async def entra_sign_in(client: TestClient, issuer: OidcIssuer) -> web.Response:
    start = await client.get("/staff/login/entra", allow_redirects=False)
    assert start.status == 303, await start.text()
    authorize = start.headers["Location"]
    assert authorize.startswith(issuer.base_url) and "code_challenge_method=S256" in authorize
    back = requests.get(authorize, verify=str(issuer.ca_file), allow_redirects=False, timeout=10)
    assert back.status_code == 302
    callback = urlsplit(back.headers["Location"])
    assert callback.path == "/staff/auth/callback"
    return await client.get(f"{callback.path}?{callback.query}", allow_redirects=False)  # type: ignore[return-value]


@pytest.mark.parametrize(
    "membership",
    [{"groups": [OTHER_GROUP, STAFF_GROUP]}, {"roles": [STAFF_ROLE]}],
    ids=["staff-group", "app-role"],
)
async def test_council_staff_sign_in_with_entra(
    entra_client: TestClient, harness: StaffHarness, issuer: OidcIssuer, membership: dict[str, list[str]]
) -> None:
    issuer.sign_in_as("Aoife Ní Mháille", **membership)
    response = await entra_sign_in(entra_client, issuer)
    assert response.status == 303 and response.headers["Location"] == "/staff/requests"
    page = await entra_client.get("/staff/requests")
    assert "Signed in as Aoife Ní Mháille" in await page.text()
    assert issuer.token_requests == 1
    log = await harness.storage.db.call(lambda c: __import__("bot.storage.staff", fromlist=["x"]).audit_log(c))
    assert [(e.staff, e.action, e.detail) for e in log] == [("Aoife Ní Mháille", "signed_in", "entra")]


@pytest.mark.parametrize(
    "who, forge, reason",
    [
        ({"tenant": OTHER_TENANT, "groups": [STAFF_GROUP]}, False, "another organisation"),
        ({"groups": [OTHER_GROUP]}, False, "not in the helpline staff group"),
        ({"roles": ["Helpline.Reader"]}, False, "not in the helpline staff group"),
        ({"groups": [STAFF_GROUP]}, True, "could not be checked"),
        ({"_claim_names": {"groups": "src1"}}, False, "too many groups"),
    ],
    ids=["other-tenant", "other-group", "other-role", "forged-signature", "group-overage"],
)
async def test_entra_tokens_that_do_not_qualify_are_refused(
    entra_client: TestClient,
    harness: StaffHarness,
    issuer: OidcIssuer,
    who: dict[str, object],
    forge: bool,
    reason: str,
) -> None:
    issuer.sign_in_as("Outsider Person", **who)  # type: ignore[arg-type]
    issuer.forge_signature = forge
    response = await entra_sign_in(entra_client, issuer)
    assert response.status == 403
    assert reason in await response.text()
    after = await entra_client.get("/staff/requests", allow_redirects=False)
    assert after.status == 303  # still not signed in
    log = await harness.storage.db.call(lambda c: __import__("bot.storage.staff", fromlist=["x"]).audit_log(c))
    assert [e.action for e in log] == ["sign_in_refused"]


async def test_a_callback_without_a_sign_in_in_progress_is_refused(
    entra_client: TestClient, issuer: OidcIssuer
) -> None:
    response = await entra_client.get("/staff/auth/callback?code=stolen&state=x", allow_redirects=False)
    assert response.status == 403 and issuer.token_requests == 0


async def test_with_entra_the_link_sign_in_is_off(
    entra_client: TestClient, harness: StaffHarness
) -> None:
    response = await entra_client.get(harness.link(), allow_redirects=False)
    assert response.status == 404
    assert "Sign in with your council account" in await (await entra_client.get("/staff/login")).text()
