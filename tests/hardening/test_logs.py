"""Structured JSON logs, one line per turn, and no personal data in any of them, whichever
logger wrote it."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
from aiohttp.test_utils import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ops.logs import (
    _EMAIL,
    EIRCODE,
    EMAIL,
    MAX_LOGGED_CHARS,
    MAX_TRACEBACK_CHARS,
    NAME,
    PHONE,
    ConversationHasher,
    RedactingFilter,
    citizen_name,
    clip,
    configure_logging,
    redact,
)
from tests.support import activities as act
from tests.support.connector import ConnectorStandIn

from .conftest import CapturedLogs

PERSONAL = [
    "087 123 4567", "0871234567", "+353 87 123 4567", "+353871234567", "00353 87 123 4567",
    "(094) 906 4660", "094-906-4660", "01 234 5678", "+44 20 7946 0958", "+1 (555) 123-4567",
    "+33 1 23 45 67 89",
    "mary.kelly@example.ie", "PAT_1980+bins@mail.example.com",
    "F23 X2K4", "F23X2K4", "f23 x2k4", "D6W XY12", "H91 E2K3",
    "Siobhán", "Bhriain", "Padraig", "Aoife Gallagher", "Seamus",
]

MESSAGES = [
    "my name is Siobhán Ní Bhriain, ring me on 087 123 4567 about my prescription",
    "I'm Padraig, I live at F23 X2K4 and need groceries, email mary.kelly@example.ie",
    "I am Aoife Gallagher +353 87 123 4567 hot meals please to F23X2K4",
    "call my son Seamus on +44 20 7946 0958 or +1 (555) 123-4567",
    "volunteer? PAT_1980+bins@mail.example.com (094) 906 4660 f23 x2k4 D6W XY12",
    "collect my mams tablets 0871234567 00353 87 123 4567 094-906-4660 H91 E2K3",
    "01 234 5678 or +33 1 23 45 67 89, my name's Bhriain",
]


async def test_personal_data_never_reaches_the_logs(
    client: TestClient, connector: ConnectorStandIn, logs: CapturedLogs
) -> None:
    for n, text in enumerate(MESSAGES):
        body = act.message(
            connector.url,
            text,
            conversation_id=f"conv-mary.kelly@example.ie-{n}",
            **{"from": {"id": f"user-{n}", "name": "Padraig Seamus O'Malley"}},
        )
        response = await client.post("/api/messages", json=body)
        assert response.status == 200
    await connector.wait_for(len(MESSAGES))
    # The SDK and other libraries log through the same handlers: a DEBUG line from the
    # SDK's logger with personal data in its arguments is redacted too.
    with citizen_name("Aoife Gallagher"):
        logging.getLogger("botbuilder.core.turn_context").debug(
            "activity from %s at %s: %s", "Aoife Gallagher", "F23 X2K4", MESSAGES[0]
        )
    written = logs.text
    assert len(logs.turns()) == len(MESSAGES)
    for item in PERSONAL:
        assert item.lower() not in written.lower(), f"{item!r} reached the logs"
    assert "O'Malley" not in written
    assert PHONE in written and EIRCODE in written and NAME in written


async def test_message_text_is_not_logged_at_info(
    client: TestClient, connector: ConnectorStandIn, logs: CapturedLogs
) -> None:
    text = "pharmacy zebracrossing xylophone"
    await client.post("/api/messages", json=act.message(connector.url, text))
    await connector.wait_for(1)
    info = [line for line in logs.lines() if line["level"] != "DEBUG"]
    assert info and not any("zebracrossing" in json.dumps(line) for line in info)


async def test_one_structured_line_per_turn(
    client: TestClient, connector: ConnectorStandIn, logs: CapturedLogs
) -> None:
    body = act.message(connector.url, "could someone collect my prescription", conversation_id="conv-77")
    response = await client.post("/api/messages", json=body, headers={"X-Correlation-Id": "abc-123"})
    assert response.headers["X-Correlation-Id"] == "abc-123"
    await client.post("/api/messages", json=act.message(connector.url, "qwertyuiop asdf"))
    await client.post("/api/messages", json=act.activity(connector.url, type="typing"))
    turns = logs.turns()
    assert len(turns) == 3
    routed, fallback, typing = turns
    assert set(routed) >= {
        "ts", "level", "correlation_id", "conversation", "channel", "intent", "score", "route",
        "latency_ms", "outcome",
    }
    assert routed["correlation_id"] == "abc-123"
    assert routed["intent"] == "prescriptions" and routed["route"] == "routed"
    assert routed["score"] > 0 and routed["latency_ms"] > 0 and routed["outcome"] == "replied"
    assert routed["channel"] == "emulator"
    # (The connector stand-in's own access log names it in URLs; the bot's lines never do.)
    bots = [line for line in logs.lines() if line["logger"] != "aiohttp.access"]
    assert "conv-77" not in json.dumps(bots), "the raw conversation id is never logged"
    assert len(routed["conversation"]) == 16
    assert fallback["route"] == "fallback" and fallback["intent"] is None
    assert fallback["correlation_id"] != routed["correlation_id"]
    assert typing["type"] == "typing" and typing["outcome"] == "ok" and typing["route"] is None


@pytest.mark.parametrize(
    "header", ["x" * 65, "a b", "<script>", "é"], ids=["too-long", "space", "markup", "non-ascii"]
)
async def test_unsafe_correlation_ids_are_replaced(
    client: TestClient, connector: ConnectorStandIn, header: str
) -> None:
    response = await client.post(
        "/api/messages", json=act.activity(connector.url, type="typing"),
        headers={"X-Correlation-Id": header},
    )
    assert response.headers["X-Correlation-Id"] != header


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ring 087 123 4567", f"ring {PHONE}"),
        ("ring 0871234567 now", f"ring {PHONE} now"),
        ("+353 87 123 4567", PHONE),
        ("00353 87 123 4567", PHONE),
        ("(094) 906 4660", PHONE),
        ("094-906-4660", PHONE),
        ("+44 20 7946 0958", PHONE),
        ("+1 (555) 123-4567", PHONE),
        ("mail me: mary.kelly@example.ie", f"mail me: {EMAIL}"),
        ("F23 X2K4", EIRCODE),
        ("F23X2K4", EIRCODE),
        ("at d6w xy12.", f"at {EIRCODE}."),
        ("my name is Siobhán Ní Bhriain and", f"my name is {NAME} and"),
        ("I'm Pat", f"I'm {NAME}"),
        ("I am worried about Mam", f"I am {NAME} about Mam"),
        ("score 87.5 in 12.3 ms", "score 87.5 in 12.3 ms"),
        ("loaded 2026-11-28", "loaded 2026-11-28"),
        ("retry 2 of 3 in 0.25 s", "retry 2 of 3 in 0.25 s"),
    ],
    ids=[
        "mobile-spaced", "mobile-plain", "plus353", "00353", "landline-brackets", "dashes",
        "uk", "us", "email", "eircode-spaced", "eircode-joined", "eircode-dublin6w",
        "name-is", "im", "i-am-over-redacts-safely", "keep-scores", "keep-dates", "keep-counts",
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_display_name_is_redacted_only_within_its_turn() -> None:
    with citizen_name("Brigid Nic Giolla"):
        assert redact("hello Brigid, Nic Giolla here") == f"hello {NAME}, {NAME} {NAME} here"
    assert redact("hello Brigid") == "hello Brigid"


@pytest.fixture
def production_logging() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    configure_logging("DEBUG", "json", stream)
    try:
        yield stream
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])


@pytest.mark.parametrize(
    "logger_name", ["aiohttp.access", "botbuilder.core", "msrest.http_logger", "anything.else"],
    ids=str,
)
def test_configure_logging_redacts_every_logger(
    production_logging: io.StringIO, logger_name: str
) -> None:
    assert any(
        isinstance(f, RedactingFilter) for h in logging.getLogger().handlers for f in h.filters
    )
    try:
        raise ValueError("bad number 087 765 4321")
    except ValueError:
        logging.getLogger(logger_name).exception("from %s", "mary.kelly@example.ie")
    line = json.loads(production_logging.getvalue().splitlines()[-1])
    assert line["logger"] == logger_name and line["level"] == "ERROR"
    assert "mary.kelly" not in production_logging.getvalue()
    assert "765 4321" not in line["exc"] and "ValueError" in line["exc"]


def test_conversation_hash_is_stable_per_key_and_hides_the_id() -> None:
    one, other = ConversationHasher("k1"), ConversationHasher("k2")
    assert one("conv-1") == one("conv-1") != one("conv-2")
    assert one("conv-1") != other("conv-1")
    assert "conv" not in one("conv-1") and len(one("conv-1")) == 16
    assert one(None) == ""


# ---- issue 12: redaction is linear, and what one record costs is bounded ------------------
# The email pattern before issue 12: a match could start anywhere inside a run of address
# characters, so a long run with no "@" was scanned again from each of its characters.
_QUADRATIC_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab1.+-_@ xé", max_size=60))
def test_email_redaction_finds_exactly_what_it_found_before(text: str) -> None:
    assert _EMAIL.sub(EMAIL, text) == _QUADRATIC_EMAIL.sub(EMAIL, text)


def test_a_long_message_is_cut_before_it_is_redacted_and_says_so() -> None:
    record = logging.LogRecord(
        "t", logging.INFO, __file__, 1, "refused GET %s", ("/" + "a" * 100_000,), None
    )
    RedactingFilter().filter(record)
    message = record.getMessage()
    assert len(message) <= MAX_LOGGED_CHARS + 60
    assert message.startswith("refused GET /aaa") and "characters not logged]" in message


@pytest.mark.parametrize(
    "tail",
    ["087 123 4567", "mary.kelly@example.ie", "my name is Siobhán Ní Bhriain", "F23 X2K4"],
    ids=["phone", "email", "introduced-name", "eircode"],
)
def test_a_cut_never_leaves_a_fragment_of_personal_data(tail: str) -> None:
    for at in range(1, len(tail)):
        text = "x " * ((MAX_LOGGED_CHARS - at) // 2) + "-" * ((MAX_LOGGED_CHARS - at) % 2) + tail
        kept = clip(text).split("...")[0]
        assert not kept.endswith(tail[:at]), (at, kept[-30:])


def test_a_long_traceback_keeps_its_end() -> None:
    record = logging.LogRecord("t", logging.ERROR, __file__, 1, "boom", None, None)
    record.exc_text = "Traceback\n" + "  frame\n" * 10_000 + "ValueError: ring 087 123 4567"
    RedactingFilter().filter(record)
    assert record.exc_text is not None
    assert len(record.exc_text) <= MAX_TRACEBACK_CHARS + 60
    assert record.exc_text.endswith(f"ValueError: ring {PHONE}")


def test_a_huge_display_name_is_still_redacted_word_by_word() -> None:
    name = "Brigid Brigid Nic Giolla " + "Padraig " * 5_000
    with citizen_name(name):
        assert redact("hello Brigid Nic Giolla, Padraig") == f"hello {NAME} {NAME} {NAME}, {NAME}"


async def test_a_404_for_a_long_path_logs_a_short_line(
    client: TestClient, logs: CapturedLogs
) -> None:
    response = await client.get("/" + "a" * 8000)
    assert response.status == 404
    refused = [line for line in logs.lines() if line["msg"].startswith("refused GET")]
    assert len(refused) == 1 and len(refused[0]["msg"]) < 300, refused
