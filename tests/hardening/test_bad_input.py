"""Bad input gets a specific 4xx with a short JSON reason, is logged once without the body,
and leaves the server answering the next request normally."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.core.turn import MAX_TEXT
from bot.web.inbound import MAX_BODY_BYTES
from routing.router import Router
from tests.support import activities as act
from tests.support.connector import ConnectorStandIn

from .conftest import CapturedLogs

HELPLINE_PHONE = "094 906 4660"
SECRET = "SECRET-BODY-MARKER"  # in every bad body: it must never reach the logs


def _activity(url: str, **changes: Any) -> dict[str, Any]:
    body = act.message(url, f"prescription {SECRET}")
    for key, value in changes.items():
        if value is _DROP:
            body.pop(key, None)
        else:
            body[key] = value
    return body


_DROP = object()


def _json(body: Any) -> bytes:
    return json.dumps(body).encode()


def _nested(levels: int) -> bytes:
    return (b'{"type": "message", "a": ' + b"[" * levels + b"]" * levels + b"}")


# (id, method, content type, body factory taking the connector URL, status)
BAD_REQUESTS = [
    ("not-json", "POST", "application/json", lambda u: f"hello {SECRET}".encode(), 400),
    ("truncated-json", "POST", "application/json", lambda u: _json(_activity(u))[:-5], 400),
    ("invalid-utf8", "POST", "application/json", lambda u: b'{"text": "\xff\xfe' + SECRET.encode() + b'"}', 400),
    ("json-array", "POST", "application/json", lambda u: _json([_activity(u)]), 400),
    ("json-string", "POST", "application/json", lambda u: _json(SECRET), 400),
    ("json-null", "POST", "application/json", lambda u: b"null", 400),
    ("empty-body", "POST", "application/json", lambda u: b"", 400),
    ("nested-5000", "POST", "application/json", lambda u: _nested(5000), 400),
    ("nested-100000", "POST", "application/json", lambda u: _nested(100_000), 400),
    ("nested-200", "POST", "application/json", lambda u: _nested(200), 400),
    ("huge-integer", "POST", "application/json", lambda u: b'{"type": "message", "n": ' + b"9" * 5000 + b"}", 400),
    ("missing-type", "POST", "application/json", lambda u: _json(_activity(u, type=_DROP)), 400),
    ("type-not-string", "POST", "application/json", lambda u: _json(_activity(u, type=["message"])), 400),
    ("missing-conversation", "POST", "application/json", lambda u: _json(_activity(u, conversation=_DROP)), 400),
    ("missing-conversation-id", "POST", "application/json", lambda u: _json(_activity(u, conversation={"name": SECRET})), 400),
    ("conversation-not-object", "POST", "application/json", lambda u: _json(_activity(u, conversation=SECRET)), 400),
    ("missing-serviceurl", "POST", "application/json", lambda u: _json(_activity(u, serviceUrl=_DROP)), 400),
    ("serviceurl-ftp", "POST", "application/json", lambda u: _json(_activity(u, serviceUrl="ftp://127.0.0.1/")), 400),
    ("serviceurl-javascript", "POST", "application/json", lambda u: _json(_activity(u, serviceUrl="javascript:alert(1)")), 400),
    ("serviceurl-no-host", "POST", "application/json", lambda u: _json(_activity(u, serviceUrl="http://")), 400),
    ("serviceurl-bad-port", "POST", "application/json", lambda u: _json(_activity(u, serviceUrl="http://127.0.0.1:port/")), 400),
    ("serviceurl-number", "POST", "application/json", lambda u: _json(_activity(u, serviceUrl=12)), 400),
    ("missing-from", "POST", "application/json", lambda u: _json(_activity(u, **{"from": _DROP})), 400),
    ("from-not-object", "POST", "application/json", lambda u: _json(_activity(u, **{"from": SECRET})), 400),
    ("text-not-string", "POST", "application/json", lambda u: _json(_activity(u, text={"a": SECRET})), 400),
    ("no-content-type", "POST", None, lambda u: _json(_activity(u)), 415),
    ("text-plain", "POST", "text/plain", lambda u: _json(_activity(u)), 415),
    ("form", "POST", "application/x-www-form-urlencoded", lambda u: b"text=" + SECRET.encode(), 415),
    ("get", "GET", None, lambda u: b"", 405),
    ("put", "PUT", "application/json", lambda u: _json(_activity(u)), 405),
    ("delete", "DELETE", None, lambda u: b"", 405),
    ("too-large", "POST", "application/json", lambda u: _json(_activity(u, text=SECRET + "x" * MAX_BODY_BYTES)), 413),
]


async def _assert_still_works(client: TestClient, connector: ConnectorStandIn) -> None:
    before = len(connector.messages())
    response = await client.post("/api/messages", json=act.message(connector.url, "pharmacy"))
    assert response.status == 200
    replies = await connector.wait_for(before + 1)
    assert HELPLINE_PHONE in replies[-1]["text"]


@pytest.mark.parametrize(
    "method, content_type, make_body, status",
    [case[1:] for case in BAD_REQUESTS],
    ids=[case[0] for case in BAD_REQUESTS],
)
async def test_bad_request_gets_specific_status_and_short_reason(
    client: TestClient,
    connector: ConnectorStandIn,
    logs: CapturedLogs,
    method: str,
    content_type: str | None,
    make_body: Any,
    status: int,
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    data = make_body(connector.url)
    response = await client.request(
        method, "/api/messages", data=data, headers=headers, skip_auto_headers=["Content-Type"]
    )
    assert response.status == status
    assert response.content_type == "application/json"
    body = await response.json()
    assert set(body) == {"error"} and 0 < len(body["error"]) <= 100
    assert "Traceback" not in body["error"] and SECRET not in body["error"]
    refusals = [line for line in logs.lines() if line["msg"].startswith("refused ")]
    assert len(refusals) == 1, refusals
    assert str(status) in refusals[0]["msg"]
    assert SECRET not in logs.text, "the body must not be logged"
    assert connector.messages() == [], "nothing is sent for a refused request"
    await _assert_still_works(client, connector)


async def _chunks(total: int) -> AsyncIterator[bytes]:
    sent = 0
    piece = b" " * 16384
    while sent < total:
        yield piece
        sent += len(piece)


async def test_chunked_body_over_the_limit_is_refused_while_reading(
    client: TestClient, connector: ConnectorStandIn
) -> None:
    # No Content-Length: the size is only known while reading. 4 MB would be sent if the
    # server read it all; it must answer 413 once past 256 KB.
    response = await client.post(
        "/api/messages",
        data=_chunks(4 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 413
    assert (await response.json())["error"].startswith("body is larger than")
    await _assert_still_works(client, connector)


async def test_chunked_body_under_the_limit_is_accepted(
    client: TestClient, connector: ConnectorStandIn
) -> None:
    payload = _json(act.message(connector.url, "pharmacy"))

    async def one_chunk() -> AsyncIterator[bytes]:
        yield payload

    response = await client.post(
        "/api/messages", data=one_chunk(), headers={"Content-Type": "application/json"}
    )
    assert response.status == 200
    assert len(await connector.wait_for(1)) == 1


async def test_content_length_over_the_limit_is_refused_before_reading(
    client: TestClient, connector: ConnectorStandIn
) -> None:
    # The header alone decides: a body that never arrives is not waited for.
    async def never_finished() -> AsyncIterator[bytes]:
        yield b"{"

    response = await client.post(
        "/api/messages",
        data=never_finished(),
        headers={"Content-Type": "application/json", "Content-Length": str(MAX_BODY_BYTES + 1)},
    )
    assert response.status == 413


@pytest.mark.parametrize(
    "text",
    [
        "prescription " + "a" * 100_000,
        "x" * 100_000,
        "\x00\x01\x02\ufffd\ud7ff\U0001f600" * 2_000,
        "".join(chr(c) for c in range(0x20, 0x3000)) * 2,
        "\u202e\u200b\u0000" * 10_000,
    ],
    ids=["long-service-request", "long-junk", "binary-controls", "every-plane", "bidi-zero-width"],
)
async def test_huge_or_junk_text_gets_a_polite_reply_from_bounded_classification(
    client: TestClient, connector: ConnectorStandIn, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    seen: list[int] = []
    real_respond = Router.respond

    def spy(self: Router, message: str, *args: Any, **kw: Any) -> Any:
        seen.append(len(message))
        return real_respond(self, message, *args, **kw)

    monkeypatch.setattr(Router, "respond", spy)
    response = await client.post("/api/messages", json=act.message(connector.url, text))
    assert response.status == 200
    reply = (await connector.wait_for(1))[0]
    assert HELPLINE_PHONE in reply["text"]
    assert seen and max(seen) <= MAX_TEXT, "the classifier gets at most MAX_TEXT characters"


@pytest.mark.parametrize(
    "extra",
    [
        {"type": "somethingNew"},
        {"type": "message", "text": "pharmacy", "brandNewField": {"deep": [1, 2, {"x": None}]}},
        {"type": "message", "text": "pharmacy", "channelData": {"tenant": {"id": 5}}, "locale": 7},
        {"type": "event", "name": None, "value": [1, "two", None]},
    ],
    ids=["unknown-type", "unknown-field", "odd-channeldata", "event-odd-value"],
)
async def test_unknown_types_and_fields_are_ignored(
    client: TestClient, connector: ConnectorStandIn, extra: dict[str, Any]
) -> None:
    body = act.activity(connector.url)
    body.update(extra)
    response = await client.post("/api/messages", json=body)
    assert 200 <= response.status < 300
    await _assert_still_works(client, connector)


@pytest.mark.parametrize("path", ["/", "/api", "/api/messages/x", "/.env"], ids=str)
async def test_unknown_path_is_json_404(client: TestClient, path: str) -> None:
    response = await client.get(path)
    assert response.status == 404
    assert set(await response.json()) == {"error"}
