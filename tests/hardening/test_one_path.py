"""One path for every turn: the scenarios the two former paths (a lean path for plain
messages, the SDK's turn for the rest) had to agree on, now run through the one core, each
step checked for what the citizen receives and how it is addressed (Teams threads, Web Chat
does not; locale and tenant as they came), and failures on that path counted and logged."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from tests.referrals.support import routing_with_referrals
from tests.support import activities as act
from tests.support.connector import ConnectorCall, ConnectorStandIn

from .conftest import CapturedLogs, MakeClient

Check = Callable[[list[dict[str, Any]]], bool]


def _msg(text: str | None, conversation: str = "c1", **kw: Any) -> dict[str, Any]:
    return act.activity("{connector}", text=text, conversation_id=conversation, **kw)


def _press(choice: str, conversation: str = "c1", **kw: Any) -> dict[str, Any]:
    return act.button_press("{connector}", choice, conversation_id=conversation, **kw)


def says(*words: str) -> Check:
    return lambda replies: len(replies) >= 1 and all(w in replies[-1].get("text", "") for w in words)


def card_for(title: str) -> Check:
    def check(replies: list[dict[str, Any]]) -> bool:
        attachments = replies[-1].get("attachments") or [] if replies else []
        return any(title in str(a["content"]) for a in attachments)

    return check


def nothing(replies: list[dict[str, Any]]) -> bool:
    return replies == []


HELPLINE = "094 906 4660"
_TEAMS = {
    "channel_id": "msteams",
    "conversation_type": "personal",
    "locale": "en-IE",
    "entities": [{"type": "clientInfo", "locale": "en-IE", "platform": "Web"}],
    "channelData": {"tenant": {"id": "tenant-1"}},
}

# (name, settings overrides, steps); a step is (activity, what the citizen must receive).
SCENARIOS: list[tuple[str, dict[str, Any], list[tuple[dict[str, Any], Check]]]] = [
    (
        "citizen",
        {"routing_file": "with callbacks"},  # the shipped file with a staff channel enabled
        [
            (_msg("can someone collect my prescription"), card_for("Prescription")),
            (_msg("whats the weather like in galway"), says(HELPLINE)),
            (_msg("Talk to someone"), says("person", HELPLINE)),  # a button's label, typed
            (_press("service:hot_meals"), card_for("meals")),
            (_msg(None, attachments=[{"contentType": "image/png", "contentUrl": "http://x/p.png"}]),
             says(HELPLINE)),
            (_msg("   "), nothing),  # nothing to answer
            (_msg("my dad collapsed and isnt breathing"), says("112", "999")),
            (_msg("need groceries and my tablets collected"), card_for("Grocery")),
            (_msg("can someone bring a hot dinner to my mam"), card_for("meals")),
            (_msg("what happened to MAY-7KQ3-XN9"), says("can't find a request")),
            (_msg("can someone collect my prescription", "c2"), card_for("Prescription")),
            (_press("callback:prescriptions", "c2"), says("name")),  # the form starts
            (_msg("Mary", "c2"), says("phone")),  # ... and carries on
            (_msg("cancel", "c2"), says("stopped")),
            (_msg("i need my shopping done", "c2"), card_for("Grocery")),  # the form is over
            (_msg("delete my details", "c2"), says("deleted")),
        ],
    ),
    (
        "teams-personal",
        {},
        [
            (_msg("hi", "a:1", **_TEAMS), says("Hello")),
            (_msg("can someone collect my prescription", "a:1", **_TEAMS), card_for("Prescription")),
            (_msg("blah blah", "a:1", **_TEAMS), says(HELPLINE)),
            (_press("talk_to_someone", "a:1", **_TEAMS), says(HELPLINE)),
        ],
    ),
    (
        "web-chat",
        {},
        [
            (_msg("hi", "w1", channel_id="webchat"), says("Hello")),
            (_msg("volunteers in westport", "w1", channel_id="webchat"), card_for("olunteer")),
            (_msg("shopping", "w1", channel_id="webchat", locale=""), card_for("Grocery")),
        ],
    ),
    (
        "rate-limited",
        {"rate_limit_messages": 2, "rate_limit_window": 60.0},
        [
            (_msg("groceries", "r1"), card_for("Grocery")),
            (_msg("groceries", "r1"), card_for("Grocery")),
            (_msg("groceries", "r1"), says("faster than I can answer")),  # told once ...
            (_msg("groceries", "r1"), nothing),  # ... then not answered
        ],
    ),
]


def _fill(value: Any, url: str) -> Any:
    if isinstance(value, str):
        return value.replace("{connector}", url)
    if isinstance(value, dict):
        return {k: _fill(v, url) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, url) for v in value]
    return value


@pytest.mark.parametrize(("name", "overrides", "steps"), SCENARIOS, ids=[s[0] for s in SCENARIOS])
async def test_every_step_is_answered_and_addressed_as_it_should_be(
    make_client: MakeClient,
    connector: ConnectorStandIn,
    logs: CapturedLogs,
    tmp_path: Path,
    name: str,
    overrides: dict[str, Any],
    steps: list[tuple[dict[str, Any], Check]],
) -> None:
    if overrides.get("routing_file") == "with callbacks":
        overrides = {**overrides, "routing_file": routing_with_referrals(tmp_path / "r.yaml")}
    client = await make_client(**overrides)
    for n, (template, check) in enumerate(steps):
        body = _fill(template, connector.url)
        before = len(connector.calls)
        response = await client.post("/api/messages", json=body)
        assert response.status == 200, (n, await response.text())
        new = [c for c in connector.calls[before:] if c.method == "POST"]
        replies = [c.body for c in new]
        assert check(replies), (n, body.get("text"), replies)
        for call in new:  # each reply answers this activity, in its conversation
            reply = call.body
            assert call.conversation_id == body["conversation"]["id"]
            assert reply["recipient"] == body["from"] and reply["conversation"] == body["conversation"]
            threaded = body["channelId"] not in ("webchat", "directline")
            assert (call.activity_id == body["id"]) is threaded
            assert ("replyToId" in reply) is threaded
            if body.get("locale") is not None:
                assert reply["locale"] == body["locale"]
    turns = logs.turns()
    assert len(turns) == len(steps) and all(t["status"] == 200 for t in turns)


async def test_failures_are_logged_counted_and_apologised_for(
    make_client: MakeClient,
    connector: ConnectorStandIn,
    logs: CapturedLogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.web.app import METRICS
    from routing.router import Router

    client = await make_client(connector_attempts=1)

    def broken(self: Router, *args: Any, **kw: Any) -> Any:  # a bug, injected
        raise KeyError("Mary Murphy 087 123 4567")

    with monkeypatch.context() as patch:
        patch.setattr(Router, "respond", broken)
        body = act.message(connector.url, "pharmacy", **{"from": {"id": "u-9", "name": "Mary Murphy"}})
        assert (await client.post("/api/messages", json=body)).status == 200
    apology = (await connector.wait_for(1))[-1]
    assert apology["text"].startswith("Sorry, something went wrong")
    assert apology["replyToId"] == body["id"]
    turn = logs.turns()[-1]
    assert (turn["outcome"], turn["error"]) == ("error", "KeyError")
    assert "087 123 4567" not in logs.text and "Mary Murphy" not in logs.text

    async def refuse(call: ConnectorCall) -> web.Response:
        return web.Response(status=403)

    connector.behaviour = refuse
    assert (await client.post("/api/messages", json=act.message(connector.url, "groceries"))).status == 200
    assert logs.turns()[-1]["outcome"] == "reply_failed"
    metrics = client.server.app[METRICS]
    assert metrics.turns_failed.labels(error="bug")._value.get() == 1
    assert metrics.turns_failed.labels(error="http_4xx")._value.get() == 1
    assert len(connector.messages()) == 1, "no apology sent into a connector that refuses"


async def test_a_rate_limit_notice_that_cannot_be_delivered_is_counted_not_a_503(
    make_client: MakeClient, connector: ConnectorStandIn, logs: CapturedLogs
) -> None:
    client = await make_client(rate_limit_messages=1, rate_limit_window=60.0, connector_attempts=1)
    body = act.message(connector.url, "groceries", conversation_id="g")
    assert (await client.post("/api/messages", json=body)).status == 200

    async def refuse(call: ConnectorCall) -> web.Response:
        return web.Response(status=403)

    connector.behaviour = refuse
    over = act.message(connector.url, "groceries again", conversation_id="g")
    assert (await client.post("/api/messages", json=over)).status == 200
    turn = logs.turns()[-1]
    assert (turn["outcome"], turn["status"]) == ("reply_failed", 200)
