"""The lean path for plain messages (bot/plain_messages.py) answers exactly as the SDK's turn
does: the same activities reach the connector, at the same URLs, with the same HTTP answers,
whatever the conversation does (routing, buttons, emergencies, the callback dialog, the rate
limit, Teams, Web Chat). Each scenario runs through two real apps, one with the lean path
and one with ``LEAN_PATH=off``, against real connector stand-ins."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from tests.referrals.support import routing_with_referrals
from tests.support import activities as act
from tests.support.connector import ConnectorCall, ConnectorStandIn

from .conftest import CapturedLogs, MakeClient

URL = "{connector}"  # replaced by each app's own connector stand-in


def _msg(text: str | None, conversation: str = "c1", **kw: Any) -> dict[str, Any]:
    return act.activity(URL, text=text, conversation_id=conversation, **kw)


def _press(choice: str, conversation: str = "c1", **kw: Any) -> dict[str, Any]:
    return act.button_press(URL, choice, conversation_id=conversation, **kw)


_TEAMS = {
    "channel_id": "msteams",
    "conversation_type": "personal",
    "locale": "en-IE",
    "entities": [{"type": "clientInfo", "locale": "en-IE", "platform": "Web"}],
    "channelData": {"tenant": {"id": "tenant-1"}},
}

# (name, settings overrides, steps); a step is (activity, path it must take on the lean app).
SCENARIOS: list[tuple[str, dict[str, Any], list[tuple[dict[str, Any], str]]]] = [
    (
        "citizen",
        {"routing_file": "with callbacks"},  # the shipped file with a staff channel enabled
        [
            # The first of a channel too: its token is checked before the turn (issue 12).
            (_msg("hello", "warm-up"), "lean"),
            (_msg("can someone collect my prescription"), "lean"),
            (_msg("whats the weather like in galway"), "lean"),
            (_msg("Talk to someone"), "lean"),  # a suggested action's label, typed
            (_press("service:hot_meals"), "lean"),
            (_msg(None, attachments=[{"contentType": "image/png", "contentUrl": "http://x/p.png"}]), "lean"),
            (_msg("   "), "lean"),  # nothing to answer
            (_msg("my dad collapsed and isnt breathing"), "lean"),
            (_msg("need groceries and my tablets collected"), "lean"),
            (_msg("can someone bring a hot dinner to my mam"), "lean"),
            (_msg("Béal an Átha"), "lean"),
            (_msg("what happened to MAY-7KQ3"), "sdk"),  # a reference enquiry
            (_msg("can someone collect my prescription", "c2"), "lean"),
            (_press("callback:prescriptions", "c2"), "sdk"),  # the callback dialog starts
            (_msg("Mary", "c2"), "sdk"),  # ... and carries on
            (_msg("cancel", "c2"), "sdk"),
            (_msg("i need my shopping done", "c2"), "lean"),  # the dialog is over
            (_msg("delete my details", "c2"), "sdk"),
            (_msg("hot meals please", "c3", deliveryMode="expectReplies"), "sdk"),
        ],
    ),
    (
        "teams-personal",
        {},
        [
            (_msg("hi", "a:1", **_TEAMS), "lean"),
            (_msg("can someone collect my prescription", "a:1", **_TEAMS), "lean"),
            (_msg("blah blah", "a:1", **_TEAMS), "lean"),
            (_press("talk_to_someone", "a:1", **_TEAMS), "lean"),
        ],
    ),
    (
        "web-chat",
        {},
        [
            (_msg("hi", "w1", channel_id="webchat"), "lean"),
            (_msg("volunteers in westport", "w1", channel_id="webchat"), "lean"),
            (_msg("shopping", "w1", channel_id="webchat", locale=""), "lean"),
        ],
    ),
    (
        "rate-limited",
        {"rate_limit_messages": 2, "rate_limit_window": 60.0},
        [
            (_msg("hi", "warm-up"), "lean"),
            (_msg("groceries", "r1"), "lean"),
            (_msg("groceries", "r1"), "lean"),
            (_msg("groceries", "r1"), "lean"),  # over the limit: told once ...
            (_msg("groceries", "r1"), "lean"),  # ... then not answered
        ],
    ),
]


def _swap(value: Any, old: str, new: str) -> Any:
    """``value`` with ``old`` replaced by ``new`` in every string inside it."""
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, dict):
        return {k: _swap(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_swap(v, old, new) for v in value]
    return value


async def _run(
    make_client: MakeClient, overrides: dict[str, Any], steps: list[dict[str, Any]], lean: bool
) -> tuple[list[tuple[Any, ...]], list[tuple[int, Any]]]:
    connector = ConnectorStandIn()
    await connector.start()
    try:
        client = await make_client(lean_path=lean, **overrides)
        answers: list[tuple[int, Any]] = []
        for body in steps:
            response = await client.post("/api/messages", json=_swap(body, URL, connector.url))
            payload = await response.json() if response.content_type == "application/json" else None
            answers.append((response.status, _swap(payload, connector.url, URL)))
        calls = [
            (c.method, c.conversation_id, c.activity_id, _swap(c.body, connector.url, URL))
            for c in connector.calls
        ]
        return calls, answers
    finally:
        await connector.close()


@pytest.mark.parametrize(("name", "overrides", "steps"), SCENARIOS, ids=[s[0] for s in SCENARIOS])
async def test_lean_path_sends_what_the_sdk_turn_sends(
    make_client: MakeClient,
    logs: CapturedLogs,
    tmp_path: Path,
    name: str,
    overrides: dict[str, Any],
    steps: list[tuple[dict[str, Any], str]],
) -> None:
    if overrides.get("routing_file") == "with callbacks":
        overrides = {**overrides, "routing_file": routing_with_referrals(tmp_path / "r.yaml")}
    bodies = [body for body, _ in steps]
    lean_calls, lean_answers = await _run(make_client, overrides, bodies, lean=True)
    lean_paths = [turn["path"] for turn in logs.turns()]
    sdk_calls, sdk_answers = await _run(make_client, overrides, bodies, lean=False)
    sdk_paths = [turn["path"] for turn in logs.turns()][len(lean_paths):]

    assert lean_paths == [path for _, path in steps], "each step took the expected path"
    assert sdk_paths == ["sdk"] * len(steps), "LEAN_PATH=off sends everything through the SDK"
    assert lean_answers == sdk_answers
    assert len(lean_calls) == len(sdk_calls)
    for lean_call, sdk_call in zip(lean_calls, sdk_calls):
        assert lean_call == sdk_call
    assert any(c[0] == "POST" for c in lean_calls)
    if name == "citizen":  # the callback dialog really ran (on the SDK path)
        assert any("what's your name" in (c[3].get("text") or "") for c in lean_calls)


def _replies_by_url(connector: ConnectorStandIn) -> list[str | None]:
    return [c.activity_id for c in connector.calls]


async def test_web_chat_replies_are_not_threaded_and_teams_replies_are(
    make_client: MakeClient, connector: ConnectorStandIn
) -> None:
    client = await make_client()
    for channel in ("webchat", "webchat", "msteams", "msteams"):
        body = act.message(connector.url, "groceries", channel_id=channel, conversation_id=channel)
        assert (await client.post("/api/messages", json=body)).status == 200
    first_webchat, lean_webchat, first_teams, lean_teams = _replies_by_url(connector)
    assert first_webchat is None and lean_webchat is None
    assert first_teams is not None and lean_teams is not None


async def test_lean_path_failures_are_logged_counted_and_apologised_for(
    make_client: MakeClient,
    connector: ConnectorStandIn,
    logs: CapturedLogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.server import METRICS
    from routing.router import Router

    client = await make_client(connector_attempts=1)
    await client.post("/api/messages", json=act.message(connector.url, "hi", conversation_id="w"))

    def broken(self: Router, *args: Any, **kw: Any) -> Any:
        raise KeyError("Mary Murphy 087 123 4567")

    with monkeypatch.context() as patch:
        patch.setattr(Router, "respond", broken)
        body = act.message(connector.url, "pharmacy", **{"from": {"id": "u-9", "name": "Mary Murphy"}})
        assert (await client.post("/api/messages", json=body)).status == 200
    apology = (await connector.wait_for(2))[-1]
    assert apology["text"].startswith("Sorry, something went wrong")
    assert apology["replyToId"] == body["id"]
    turn = logs.turns()[-1]
    assert (turn["path"], turn["outcome"], turn["error"]) == ("lean", "error", "KeyError")
    assert "087 123 4567" not in logs.text and "Mary Murphy" not in logs.text

    async def refuse(call: ConnectorCall) -> web.Response:
        return web.Response(status=403)

    connector.behaviour = refuse
    assert (await client.post("/api/messages", json=act.message(connector.url, "groceries"))).status == 200
    turn = logs.turns()[-1]
    assert (turn["path"], turn["outcome"]) == ("lean", "reply_failed")
    metrics = client.server.app[METRICS]
    assert metrics.turns_failed.labels(error="bug")._value.get() == 1
    assert metrics.turns_failed.labels(error="http_4xx")._value.get() == 1
    assert len(connector.messages()) == 2, "no apology sent into a connector that refuses"


async def test_a_rate_limit_notice_that_cannot_be_delivered_is_counted_not_a_503(
    make_client: MakeClient, connector: ConnectorStandIn, logs: CapturedLogs
) -> None:
    client = await make_client(rate_limit_messages=1, rate_limit_window=60.0, connector_attempts=1)
    for text in ("hi", "groceries"):
        body = act.message(connector.url, text, conversation_id=text)
        assert (await client.post("/api/messages", json=body)).status == 200

    async def refuse(call: ConnectorCall) -> web.Response:
        return web.Response(status=403)

    connector.behaviour = refuse
    over = act.message(connector.url, "groceries again", conversation_id="groceries")
    assert (await client.post("/api/messages", json=over)).status == 200
    turn = logs.turns()[-1]
    assert (turn["path"], turn["outcome"], turn["status"]) == ("lean", "reply_failed", 200)
