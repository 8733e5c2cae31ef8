"""Inbound authentication with real signed tokens from a local issuer (its own RSA key, an
OpenID configuration and JWKS over HTTP), wired in through the SDK's parameterised settings.
Nothing in the validator is patched: every token below goes through the SDK's own checks
and ours in ``bot/auth.py``."""

from __future__ import annotations

import time
from pathlib import Path
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.referrals.codes import new_reference
from bot.storage import Storage, open_database
from bot.web.app import create_app
from config.channel import ChannelEndpoints
from config.settings import Settings
from tests.support.token_issuer import TokenIssuer, new_key

from .factories import OPEN_TIME, SHIPPED_ROUTING, teams_message

APP_ID = "5b1c3c7e-0000-4000-8000-00000000b075"
TENANT_ID = "72f988bf-0000-4000-8000-0000000000aa"
SERVICE_URL = "https://smba.trafficmanager.net/emea/"
HELPLINE_PHONE = "094 906 4660"


def settings(app_type: str = "SingleTenant", issuer: TokenIssuer | None = None) -> Settings:
    return Settings(
        channel=issuer.endpoints() if issuer is not None else ChannelEndpoints(),
        routing_file=SHIPPED_ROUTING,
        app_id=APP_ID,
        app_password="" if app_type == "UserAssignedMSI" else "not-used-inbound",
        app_type=app_type,
        tenant_id=TENANT_ID,
    )


@pytest.fixture(scope="module")
def issuer() -> Iterator[TokenIssuer]:
    with TokenIssuer() as running:
        yield running


async def start(issuer: TokenIssuer, app_type: str = "SingleTenant") -> TestClient:
    app = create_app(settings(app_type, issuer), clock=lambda: OPEN_TIME)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    return client


@pytest.fixture
async def client(issuer: TokenIssuer) -> AsyncIterator[TestClient]:
    test_client = await start(issuer)
    yield test_client
    await test_client.close()


def question(**extra: Any) -> dict[str, Any]:
    """A Teams personal-chat message that asks for the replies in the HTTP response, so an
    accepted request shows the bot's answer without any outbound call."""
    return teams_message(
        SERVICE_URL, "can someone collect my prescription", deliveryMode="expectReplies", **extra
    )


async def post(client: TestClient, body: dict[str, Any], authorization: str | None) -> Any:
    headers = {"Authorization": authorization} if authorization is not None else {}
    return await client.post("/api/messages", json=body, headers=headers)


@pytest.mark.parametrize("app_type", ["SingleTenant", "MultiTenant", "UserAssignedMSI"])
async def test_valid_token_is_accepted_and_answered(issuer: TokenIssuer, app_type: str) -> None:
    client = await start(issuer, app_type)
    try:
        response = await post(client, question(), issuer.header(APP_ID, SERVICE_URL))
        assert response.status == 200, await response.text()
        replies = (await response.json())["activities"]
        assert len(replies) == 1 and HELPLINE_PHONE in replies[0]["text"]
    finally:
        await client.close()


OTHER_KEY = new_key()
NOW = int(time.time())

# (id, how to build the Authorization header from the issuer, the reason the bot gives)
REFUSALS: list[tuple[str, Any, str]] = [
    ("missing-header", lambda i: None, "missing Authorization header"),
    ("empty-header", lambda i: "", "missing Authorization header"),
    ("blank-header", lambda i: "   ", "missing Authorization header"),
    ("basic-scheme", lambda i: "Basic dXNlcjpwYXNz", "malformed Authorization header"),
    ("bearer-without-token", lambda i: "Bearer", "malformed Authorization header"),
    ("lowercase-bearer", lambda i: "bearer " + i.token(APP_ID, SERVICE_URL),
     "malformed Authorization header"),
    ("token-with-spaces", lambda i: "Bearer abc def", "malformed Authorization header"),
    ("not-a-jwt", lambda i: "Bearer not-a-jwt", "malformed token"),
    ("no-key-id", lambda i: "Bearer " + jwt_without_kid(i), "malformed token"),
    ("bad-signature", lambda i: i.header(APP_ID, SERVICE_URL, key=OTHER_KEY), "bad token signature"),
    ("unknown-key-id", lambda i: i.header(APP_ID, SERVICE_URL, key=OTHER_KEY, kid="other-key"),
     "token signed with an unknown key"),
    ("wrong-audience", lambda i: i.header("another-bots-app-id", SERVICE_URL),
     "wrong token audience"),
    ("no-audience", lambda i: i.header(APP_ID, SERVICE_URL, aud=None), "wrong token audience"),
    ("wrong-issuer", lambda i: i.header(APP_ID, SERVICE_URL, iss="https://issuer.example.org"),
     "wrong token issuer"),
    ("expired", lambda i: i.header(APP_ID, SERVICE_URL, exp=NOW - 3600, nbf=NOW - 7200,
                                   iat=NOW - 7200), "token expired"),
    ("not-yet-valid", lambda i: i.header(APP_ID, SERVICE_URL, nbf=NOW + 3600),
     "token not valid yet"),
    ("other-serviceurl", lambda i: i.header(APP_ID, "https://smba.example.org/evil/"),
     "token serviceurl claim does not match the activity's serviceUrl"),
    ("no-serviceurl", lambda i: i.header(APP_ID, SERVICE_URL, serviceurl=None),
     "token serviceurl claim does not match the activity's serviceUrl"),
    ("hmac-signed", lambda i: "Bearer " + hmac_token(i), "token signing algorithm not allowed"),
]


def jwt_without_kid(issuer: TokenIssuer) -> str:
    import jwt

    return jwt.encode(issuer.claims(APP_ID, SERVICE_URL), issuer.key, algorithm="RS256")


def hmac_token(issuer: TokenIssuer) -> str:
    import jwt

    return jwt.encode(
        issuer.claims(APP_ID, SERVICE_URL), "a-shared-secret-of-32-bytes-or-more!",
        algorithm="HS256", headers={"kid": issuer.kid},
    )


@pytest.mark.parametrize(
    "make_header, reason", [(m, r) for _, m, r in REFUSALS], ids=[i for i, _, _ in REFUSALS]
)
async def test_refused_with_401_and_a_short_reason(
    client: TestClient, issuer: TokenIssuer, make_header: Any, reason: str
) -> None:
    response = await post(client, question(), make_header(issuer))
    assert response.status == 401, await response.text()
    assert response.content_type == "application/json"
    body = await response.json()
    assert body["error"].startswith(reason), body
    assert "Traceback" not in body["error"] and len(body["error"]) < 100


def _state_rows(storage: Storage) -> int:
    row = storage.db.call_sync(lambda c: c.one("SELECT COUNT(*) AS n FROM bot_state"))
    return int(row["n"]) if row else 0


async def test_refused_request_never_reaches_the_bot(issuer: TokenIssuer, tmp_path: Path) -> None:
    """A refused request leaves no trace: no conversation state is written until a request
    with a valid token arrives."""
    storage = Storage.build(open_database(str(tmp_path / "h.db")), new_reference)
    app = create_app(settings(issuer=issuer), storage=storage, clock=lambda: OPEN_TIME)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        for _, make_header, _ in REFUSALS:
            response = await post(client, question(), make_header(issuer))
            assert response.status == 401
        assert _state_rows(storage) == 0
        # "hello" is not understood: the reply offers buttons, which the bot remembers.
        hello = teams_message(SERVICE_URL, "hello", deliveryMode="expectReplies")
        accepted = await post(client, hello, issuer.header(APP_ID, SERVICE_URL))
        assert accepted.status == 200
        assert _state_rows(storage) == 1


async def test_signing_key_not_endorsed_for_teams_is_refused() -> None:
    with TokenIssuer(endorsements=("webchat",)) as webchat_only:
        client = await start(webchat_only)
        try:
            response = await post(client, question(), webchat_only.header(APP_ID, SERVICE_URL))
            assert response.status == 401
            assert (await response.json())["error"] == (
                "token signing key is not endorsed for this channel"
            )
            # The same key is fine for a channel it does endorse.
            body = question(channelId="webchat")
            accepted = await post(client, body, webchat_only.header(APP_ID, SERVICE_URL))
            assert accepted.status == 200, await accepted.text()
        finally:
            await client.close()


async def test_unreachable_key_server_is_our_failure_not_the_callers() -> None:
    gone = TokenIssuer().start()
    header = gone.header(APP_ID, SERVICE_URL)
    gone.stop()
    client = await start(gone)
    try:
        response = await post(client, question(), header)
        assert response.status == 503, await response.text()
        assert "error" in await response.json()
    finally:
        await client.close()


async def test_keys_are_fetched_once_not_per_request(client: TestClient, issuer: TokenIssuer) -> None:
    before = issuer.metadata_requests
    for _ in range(3):
        response = await post(client, question(), issuer.header(APP_ID, SERVICE_URL))
        assert response.status == 200
    assert issuer.metadata_requests - before <= 1


async def test_local_mode_accepts_requests_without_a_header(caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(Settings(routing_file=SHIPPED_ROUTING), clock=lambda: OPEN_TIME)
    assert "authentication is OFF" in caplog.text
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        response = await post(client, question(), None)
        assert response.status == 200, await response.text()


async def test_local_mode_still_refuses_a_bad_token(issuer: TokenIssuer) -> None:
    """With no app id nothing is required, but a token that is sent is still checked."""
    app = create_app(Settings(routing_file=SHIPPED_ROUTING, channel=issuer.endpoints()))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        response = await post(client, question(), "Bearer not-a-jwt")
        assert response.status == 401
