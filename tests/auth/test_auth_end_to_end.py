"""Authentication end to end: the real ``python app.py`` with authentication on, against a
local OpenID issuer (its keys over HTTP), a local client-credentials token endpoint over
HTTPS (or Azure App Service's managed-identity endpoint) and a connector stand-in, all
configured through the settings the Bot Framework SDK's own configuration reads
(``ToBotFromChannelOpenIdMetadataUrl``, ``ToChannelFromBotLoginUrl``, ``ValidateAuthority``).

Inbound tokens are shaped exactly as the Bot Connector's (``aud``, ``iss``, ``serviceurl``,
``nbf``, ``exp``, no ``appid``/``azp``) and as the Emulator's v1 (``appid``) and v2
(``azp``). Every reply, card update and staff card must reach the connector with
``Authorization: Bearer <a token the bot's own identity was issued>``: a bot that derives
its outbound identity from ``appid``/``azp`` sends Bot Connector replies with no token at
all, and real Teams refuses them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml

from bot.referrals.codes import find_reference
from tests.support.bot_process import BotProcess, clean_env
from tests.support.connector import ConnectorStandIn
from tests.support.token_endpoint import ManagedIdentityEndpoint, TokenEndpoint
from tests.support.token_issuer import TokenIssuer

APP_ID = "5b1c3c7e-0000-4000-8000-00000000e2e0"
SECRET = "e2e-client-secret"
TENANT = "72f988bf-0000-4000-8000-0000000000aa"
BOT = {"id": f"28:{APP_ID}", "name": "Helpline"}
STAFF = "19:staff-e2e@thread.tacv2"
EMULATOR_V1 = "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/"
EMULATOR_V2 = "https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0"
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def issuer() -> Iterator[TokenIssuer]:
    with TokenIssuer() as running:
        yield running


def _routing(path: Path) -> Path:
    """The shipped routing file with the staff channel enabled and NO service URL for it:
    where the channel lives is learned from a channel-authenticated activity only. A test
    that wrote its own version first keeps it."""
    if path.exists():
        return path
    data = yaml.safe_load((ROOT / "config" / "routing.yaml").read_text(encoding="utf-8"))
    ref = data["referrals"]
    ref["destinations"] = {
        "staff_channel": {"type": "teams", "name": "Staff", "enabled": True, "conversation": STAFF}
    }
    ref["default"]["to"] = ["staff_channel"]
    ref.pop("fallback", None)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _activity(url: str, conversation: dict[str, Any], **extra: Any) -> dict[str, Any]:
    body = {
        "type": "message",
        "id": f"act-{id(extra)}-{len(str(extra))}",
        "channelId": "msteams",
        "serviceUrl": url,
        "from": {"id": "29:citizen", "name": "Citizen"},
        "recipient": dict(BOT),
        "conversation": conversation,
        "channelData": {"tenant": {"id": TENANT}},
    }
    body.update(extra)
    return body


PERSONAL = {"id": "a:personal-e2e", "conversationType": "personal", "tenantId": TENANT}
CHANNEL = {"id": STAFF, "conversationType": "channel", "isGroup": True, "tenantId": TENANT}


class Bot:
    def __init__(self, process: BotProcess, session: aiohttp.ClientSession, connector: ConnectorStandIn) -> None:
        self.process = process
        self.session = session
        self.connector = connector

    async def post(self, body: dict[str, Any], authorization: str | None) -> tuple[int, Any]:
        headers = {"Authorization": authorization} if authorization else {}
        async with self.session.post(
            f"{self.process.url}/api/messages", json=body, headers=headers
        ) as response:
            answer = await response.json() if response.content_type == "application/json" else None
            return response.status, answer


@pytest.fixture
async def connector() -> AsyncIterator[ConnectorStandIn]:
    stand_in = ConnectorStandIn()
    await stand_in.start()
    yield stand_in
    await stand_in.close()


async def _start(
    tmp_path: Path, issuer: TokenIssuer, connector: ConnectorStandIn, app_type: str
) -> tuple[Bot, TokenEndpoint | ManagedIdentityEndpoint, aiohttp.ClientSession]:
    env = clean_env(
        MicrosoftAppId=APP_ID,
        MicrosoftAppType=app_type,
        MicrosoftAppTenantId=TENANT,
        ToBotFromChannelOpenIdMetadataUrl=issuer.openid_metadata_url,
        ToBotFromChannelTokenIssuer=issuer.issuer,
        ToBotFromEmulatorOpenIdMetadataUrl=issuer.openid_metadata_url,
        ROUTING_FILE=str(_routing(tmp_path / "routing.yaml")),
        HELPLINE_DB=str(tmp_path / "var" / "helpline.db"),
        REFERRAL_RETRY_SECONDS="0.05",
        LOG_FORMAT="text",
    )
    tokens: TokenEndpoint | ManagedIdentityEndpoint
    if app_type == "UserAssignedMSI":
        tokens = ManagedIdentityEndpoint(APP_ID).start()
        env.update(tokens.env())
    else:
        tokens = TokenEndpoint(tmp_path / "tls", APP_ID, SECRET, tenant=TENANT).start()
        env.update(
            MicrosoftAppPassword=SECRET,
            ToChannelFromBotLoginUrl=tokens.authority,
            ValidateAuthority="false",
            REQUESTS_CA_BUNDLE=str(tokens.ca_file),
        )
    session = aiohttp.ClientSession()
    process = BotProcess(env, log=tmp_path / "bot.log")
    await process.start(session)
    return Bot(process, session, connector), tokens, session


def _assert_every_call_carries_a_minted_token(
    connector: ConnectorStandIn, minted: list[str], at_least: int
) -> None:
    assert len(connector.calls) >= at_least
    for call in connector.calls:
        authorization = call.headers.get("Authorization", "")
        assert authorization.startswith("Bearer "), (call.method, call.conversation_id, "no token")
        assert authorization.removeprefix("Bearer ") in minted, "a token the bot was not issued"


async def _wait(predicate: Any, what: str, timeout: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def test_replies_staff_cards_and_card_updates_carry_the_bots_own_token(
    tmp_path: Path, issuer: TokenIssuer, connector: ConnectorStandIn
) -> None:
    bot, tokens, session = await _start(tmp_path, issuer, connector, "SingleTenant")
    url = connector.url
    channel_token = issuer.header(APP_ID, url)  # Bot Connector shape: aud, iss, serviceurl
    assert "appid" not in issuer.claims(APP_ID, url) and "azp" not in issuer.claims(APP_ID, url)
    try:
        # The staff channel adds the bot: an authenticated activity, so it is remembered.
        joined = _activity(url, CHANNEL, type="conversationUpdate", membersAdded=[dict(BOT)])
        assert (await bot.post(joined, channel_token))[0] == 200
        await connector.wait_for(1)

        # A citizen asks, takes the call-back, answers every question.
        for text in (
            "can someone do my grocery shopping",
            "Ask them to call me back",
            "Mary Walsh",
            "087 123 4567",
            "Castlebar",
            "I need my weekly shopping done",
            "Yes, share my details",
        ):
            status, _ = await bot.post(_activity(url, PERSONAL, text=text), channel_token)
            assert status == 200, bot.process.log_text()
        reference = find_reference(connector.messages(PERSONAL["id"])[-1]["text"])
        assert reference, connector.messages(PERSONAL["id"])[-1]

        # The outbox posts the staff card into the channel learned above.
        await _wait(lambda: connector.messages(STAFF)[1:], "the staff card")
        card_id = next(
            c for c in connector.calls if c.conversation_id == STAFF and c.body.get("attachments")
        )
        staff_card_activity = f"reply-{connector.calls.index(card_id) + 1}"

        # Staff claim it: the card is updated in place and the citizen told.
        claim = _activity(
            url,
            CHANNEL,
            type="invoke",
            name="adaptiveCard/action",
            replyToId=staff_card_activity,
            value={"action": {"type": "Action.Execute", "data": {"claim_referral": reference}}},
            **{"from": {"id": "29:staff", "name": "Siobhan Walsh"}},
        )
        status, answer = await bot.post(claim, channel_token)
        assert status == 200 and "Siobhan Walsh" in str(answer["value"])
        await _wait(lambda: any(c.method == "PUT" for c in connector.calls), "the card update")
        await _wait(
            lambda: any("Siobhan" in (m.get("text") or "") for m in connector.messages(PERSONAL["id"])),
            "the citizen's notice",
        )
        _assert_every_call_carries_a_minted_token(connector, tokens.minted, at_least=11)
        form = tokens.requests[0]
        assert form["client_id"] == [APP_ID]
        assert form["scope"] == ["https://api.botframework.com/.default"]
    finally:
        bot.process.stop()
        tokens.stop()
        await session.close()


@pytest.mark.parametrize("app_type", ["MultiTenant", "UserAssignedMSI"])
async def test_every_app_type_replies_as_its_configured_identity(
    tmp_path: Path, issuer: TokenIssuer, connector: ConnectorStandIn, app_type: str
) -> None:
    bot, tokens, session = await _start(tmp_path, issuer, connector, app_type)
    try:
        body = _activity(connector.url, PERSONAL, text="prescription please")
        status, _ = await bot.post(body, issuer.header(APP_ID, connector.url))
        assert status == 200, bot.process.log_text()
        await connector.wait_for(1)
        _assert_every_call_carries_a_minted_token(connector, tokens.minted, at_least=1)
    finally:
        bot.process.stop()
        tokens.stop()
        await session.close()


async def test_emulator_tokens_and_the_service_urls_they_may_reach(
    tmp_path: Path, issuer: TokenIssuer, connector: ConnectorStandIn
) -> None:
    bot, tokens, session = await _start(tmp_path, issuer, connector, "SingleTenant")
    url = connector.url
    v1 = issuer.header(APP_ID, url, iss=EMULATOR_V1, appid=APP_ID, ver="1.0", serviceurl=None)
    v2 = issuer.header(APP_ID, url, iss=EMULATOR_V2, azp=APP_ID, ver="2.0", serviceurl=None)
    emulator = {"id": "emu-conv"}
    try:
        for n, header in enumerate((v1, v2), start=1):
            body = _activity(url, emulator, channelId="emulator", text="hot meals")
            status, answer = await bot.post(body, header)
            assert status == 200, (answer, bot.process.log_text())
            await connector.wait_for(n)
        _assert_every_call_carries_a_minted_token(connector, tokens.minted, at_least=2)

        # An Emulator token vouches for no serviceUrl: replies only ever go to loopback.
        elsewhere = _activity("https://smba.trafficmanager.net/emea/", emulator,
                              channelId="emulator", text="hot meals")
        status, answer = await bot.post(elsewhere, v1)
        assert status == 401 and "serviceUrl" in answer["error"]

        # A token for another bot is refused: 401, never 503.
        other = issuer.header("another-bots-app-id", url)
        status, answer = await bot.post(_activity(url, PERSONAL, text="meals"), other)
        assert status == 401 and answer == {"error": "wrong token audience"}
        assert len(connector.calls) == 2, "nothing was sent for the refused requests"
    finally:
        bot.process.stop()
        tokens.stop()
        await session.close()


async def test_live_chat_with_authentication_on_learns_the_channel_and_carries_the_bots_token(
    tmp_path: Path, issuer: TokenIssuer, connector: ConnectorStandIn
) -> None:
    """Issue 15 with real tokens: the staff channel (not the team's General channel: no
    "bot added" update for it) is learned from a staff member's channel-authenticated
    message in one of its threads; the chat's thread is opened there, and every call
    (the new thread, relays, the card update) carries the bot's own token."""
    routing = _routing(tmp_path / "routing.yaml")
    data = yaml.safe_load(routing.read_text(encoding="utf-8"))
    data["opening_hours"]["always"] = {"every_day": "24 hours"}  # the rota, whatever the time
    data["handoff"]["hours"] = "always"
    routing.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    bot, tokens, session = await _start(tmp_path, issuer, connector, "SingleTenant")
    url = connector.url
    token = issuer.header(APP_ID, url)
    staff = {"id": "29:siobhan", "name": "Siobhan Walsh"}
    try:
        earlier_thread = {**CHANNEL, "id": f"{STAFF};messageid=1700000000009"}
        hello = _activity(url, earlier_thread, text="morning all", **{"from": staff})
        assert (await bot.post(hello, token))[0] == 200  # not for the bot: nothing said
        assert connector.calls == []

        status, _ = await bot.post(_activity(url, PERSONAL, text="can I talk to a real person"), token)
        assert status == 200
        await _wait(lambda: connector.threads(), "the chat's thread")
        created = connector.threads()[0]
        assert created.conversation_id == STAFF and created.body["channelData"]["tenant"]["id"] == TENANT
        thread = {**CHANNEL, "id": f"{STAFF};messageid={created.activity_id}"}
        chat_id = created.body["activity"]["attachments"][0]["content"]["actions"][0]["data"]["chat"]

        take = _activity(
            url, thread, type="invoke", name="adaptiveCard/action", replyToId=created.activity_id,
            value={"action": {"type": "Action.Execute", "data": {"handoff": "take", "chat": chat_id}}},
            **{"from": staff},
        )
        status, answer = await bot.post(take, token)
        assert status == 200 and "Siobhan Walsh has this chat" in str(answer["value"])
        await bot.post(_activity(url, thread, text="Hello, Siobhan here", **{"from": staff}), token)
        await _wait(
            lambda: any((m.get("text") or "") == "Siobhan: Hello, Siobhan here" for m in connector.messages(PERSONAL["id"])),
            "the staff member's message at the citizen",
        )
        await _wait(lambda: any(c.method == "PUT" for c in connector.calls), "the card update")
        _assert_every_call_carries_a_minted_token(connector, tokens.minted, at_least=5)
    finally:
        bot.process.stop()
        tokens.stop()
        await session.close()
