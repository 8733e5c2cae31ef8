"""Two real ``python app.py`` instances on one PostgreSQL database: any instance takes any turn
of any conversation (the call-back form, the area asked, the rate limit), and a referral made
across both reaches staff once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.referrals.codes import find_reference
from bot.storage import open_database
from bot.storage import referrals as store_ops
from tests.referrals.support import HAPPY_ANSWERS, WebhookReceiver, eventually, suggested
from tests.support.connector import ConnectorStandIn

from .support import Talk, instance_env, log_errors, routing_for_instances, start_instances

RATE_LIMIT = 8  # more than the call-back form needs



@pytest.fixture
async def two(
    tmp_path: Path, postgres_url: str, connector: ConnectorStandIn, receiver: WebhookReceiver
) -> AsyncIterator[Talk]:
    routing = routing_for_instances(tmp_path / "routing.yaml", receiver.url)
    env = instance_env(postgres_url, routing, RATE_LIMIT_MESSAGES=str(RATE_LIMIT),
                       RATE_LIMIT_WINDOW_SECONDS="60")
    bots = start_instances(env, tmp_path)
    async with aiohttp.ClientSession() as session:
        try:
            await asyncio.gather(*(bot.start(session) for bot in bots))
            yield Talk(session, bots, connector)
        finally:
            for bot in bots:
                bot.stop()


def _text(reply: dict[str, object]) -> str:
    return str(reply.get("text") or "")


@pytest.mark.timeout(120)
async def test_a_callback_form_alternating_between_instances(
    two: Talk, receiver: WebhookReceiver, postgres_url: str
) -> None:
    conversation = "conv-alternating"
    steps = [
        ("prescription collection please", "Ask them to call me back"),
        ("Ask them to call me back", "what's your name?"),
        (HAPPY_ANSWERS[0], "What phone number should they ring?"),
        (HAPPY_ANSWERS[1], "Which town or area are you in?"),
        (HAPPY_ANSWERS[2], "what would you like help with?"),
        (HAPPY_ANSWERS[3], "I'll share your name, phone number, area"),
        ("Yes, share my details", "Your reference is"),
    ]
    for n, (text, expected) in enumerate(steps):
        sent = await two.say(n % 2, conversation, text)
        assert sent.status == 200, sent
        reply = two.last_reply(sent)
        shown = _text(reply) + " " + " ".join(suggested(reply))
        assert expected in shown, (n, text, shown)
    reference = find_reference(_text(reply))
    assert reference is not None

    db = open_database(postgres_url)
    try:
        referral = db.call_sync(lambda c: store_ops.get(c, reference))
        assert referral is not None
        assert (referral.name, referral.area) == ("Mary Walsh", "castlebar")
        assert referral.service_id == "prescriptions"
        await receiver.wait_for(1)
        await eventually(
            lambda: [d.status for d in db.call_sync(lambda c: store_ops.deliveries_of(c, reference))]
            == ["delivered"],
            what="the delivery recorded as delivered",
        )
        await asyncio.sleep(1.5)  # both outboxes had time to look again: nothing more is sent
        assert [r.body["reference"] for r in receiver.requests] == [reference]
        assert list(receiver.acknowledged.values()) == [1]
        assert receiver.duplicates == 0
    finally:
        db.close()
    assert log_errors(two.bots) == []


@pytest.mark.timeout(60)
async def test_the_area_asked_on_one_instance_is_answered_on_the_other(two: Talk) -> None:
    asked = await two.say(0, "conv-area", "can someone do my grocery shopping")
    assert "Which town or area are you in?" in _text(two.last_reply(asked))
    answered = await two.say(1, "conv-area", "Castlebar")
    reply = _text(two.last_reply(answered))
    assert "Castlebar Shopping Volunteers" in reply, reply
    # Remembered for the rest of the conversation, whichever instance answers.
    again = await two.say(0, "conv-area", "groceries again please")
    assert "Castlebar Shopping Volunteers" in _text(two.last_reply(again))


@pytest.mark.timeout(60)
async def test_the_rate_limit_is_shared_by_both_instances(two: Talk) -> None:
    sent = [await two.say(n % 2, "conv-busy", "prescription collection please")
            for n in range(RATE_LIMIT + 3)]
    assert all(s.status == 200 for s in sent)
    answers = [two.replies_to(s.activity_id) for s in sent]
    assert all(len(a) == 1 for a in answers[:RATE_LIMIT])
    [notice] = answers[RATE_LIMIT]
    assert "wait a few seconds" in _text(notice) or "please wait" in _text(notice).lower(), notice
    assert answers[RATE_LIMIT + 1:] == [[], []], "told once, then not answered in this window"
    # Another conversation is not limited by this one.
    other = await two.say(1, "conv-calm", "prescription collection please")
    assert len(two.replies_to(other.activity_id)) == 1



@pytest.mark.timeout(120)
async def test_one_conversation_written_by_both_instances_at_once(two: Talk) -> None:
    """Bursts of one conversation's messages to both instances at once: turns that raced
    the other instance's write are decided again on the new state (each message is still
    answered once); none fails."""
    texts = ["hot meals please", "prescription collection please"]
    sent = []
    for c in range(10):  # a burst of the most one conversation may send, per conversation
        burst = [two.say(n % 2, f"conv-race-{c}", texts[(n // 2) % 2]) for n in range(RATE_LIMIT)]
        sent += await asyncio.gather(*burst)
    assert all(s.status == 200 for s in sent), [s for s in sent if s.status != 200]
    answers = [two.replies_to(s.activity_id) for s in sent]
    assert all(len(a) == 1 for a in answers), [len(a) for a in answers]
    kinds = [a[0].get("text", "")[:40] for a in answers]
    assert not any("wait a few seconds" in k for k in kinds)
    assert log_errors(two.bots) == []
    raced = sum(bot.log_text().count("deciding the turn again") for bot in two.bots)
    print("turns decided again after another instance's write:", raced)
    assert raced > 0, "the instances did race"
