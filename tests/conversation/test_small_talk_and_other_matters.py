"""Issue 13, point 3: a conversation, not a menu. Greetings, thanks, "are you a robot",
"what's the number", "is it open now", "is anyone there" and "what's happening with my
request" get short, kind answers; "talk to a person" in any wording leads to a person; other
council matters, COVID, scams and places outside Mayo get where to go instead; short words
are not spelling-corrected into a service ("sinner" is not "dinner")."""

from __future__ import annotations

import pytest

from bot.referrals.codes import find_reference
from tests.referrals.support import request_callback, suggested

from .conftest import CLOSED, World

HELPLINE = "094 906 4660"
FALLBACK = "didn't quite understand"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("hello", "Hello"),
        ("good morning", "Hello"),
        ("thanks a million", "welcome"),
        ("bye now", "Take care"),
        ("ok", "anything else"),
        ("👍", "anything else"),
        ("help", "Tell me in a few words"),
        ("are you a robot", "automated assistant"),
        ("is this a real person", "automated assistant"),
        ("what's the number again", HELPLINE),
        ("is it open now", "Open now"),
        ("is anyone there", "I'm here"),
    ],
)
async def test_small_talk_gets_a_short_kind_answer(world: World, text: str, expected: str) -> None:
    reply = await world.citizen().say(text)
    assert expected in reply["text"], reply["text"]
    assert FALLBACK not in reply["text"]
    assert not reply.get("attachments"), "no contact card for small talk"


async def test_is_it_open_says_when_it_opens_when_closed(world: World) -> None:
    world.clock.now = CLOSED
    reply = await world.citizen().say("are you open now?")
    assert "Closed now. Opens tomorrow at 9am" in reply["text"], reply["text"]


@pytest.mark.parametrize(
    "text",
    ["can I talk to a real person please", "put me through to someone", "I want a human",
     "Talk to someone"],
)
async def test_talk_to_a_person_always_leads_to_a_person(world: World, text: str) -> None:
    reply = await world.citizen().say(text)
    assert HELPLINE in reply["text"] and "Open now" in reply["text"], reply["text"]
    buttons = suggested(reply) + [
        a["title"] for att in reply.get("attachments") or [] for a in att["content"].get("actions", [])
    ]
    assert "Ask them to call me back" in buttons, "the call-back is offered where configured"


async def test_the_call_back_from_talk_to_a_person_reaches_staff_as_a_general_request(
    world: World,
) -> None:
    citizen = world.citizen()
    await citizen.say("can I talk to a real person please")
    await citizen.say("Ask them to call me back")
    for answer in ("Mary Walsh", "087 123 4567", "Balla", "I'd like to talk about help at home"):
        await citizen.say(answer)
    confirmed = await citizen.say("yes please")
    assert find_reference(confirmed["text"]), confirmed["text"]
    (referral,) = await world.referrals()
    assert referral.service_id == "talk_to_person" and referral.town == "Balla"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("when are my bins collected", "094 902 4444"),
        ("how do I renew my motor tax", "094 902 4444"),
        ("where can I get a covid booster", "1800 700 700"),
        ("a man rang saying he was from the council and wanted my bank details", "1800 666 111"),
    ],
)
async def test_other_matters_say_where_to_go_instead(world: World, text: str, expected: str) -> None:
    reply = await world.citizen().say(text)
    assert expected in reply["text"], reply["text"]
    assert not reply.get("attachments") and not suggested(reply)


async def test_outside_mayo_is_told_the_service_covers_mayo(world: World) -> None:
    reply = await world.citizen().say("I live in Galway city, does this cover me")
    assert "covers County Mayo" in reply["text"] and "0818 222 024" in reply["text"], reply["text"]


async def test_a_short_word_one_letter_from_a_service_word_is_not_that_service(world: World) -> None:
    reply = await world.citizen().say("sinner")
    assert "meal" not in str(reply.get("attachments") or "").lower()


async def test_my_request_without_a_reference_lists_this_conversations_own(world: World) -> None:
    citizen = world.citizen()
    none = await citizen.say("what's happening with my request")
    assert "can't see a request" in none["text"], none["text"]
    confirmed = await request_callback(citizen)
    reference = find_reference(confirmed["text"])
    status = await citizen.say("any news on my request?")
    assert reference in status["text"] and "passed to" in status["text"], status["text"]
    other = await world.citizen("conv-2").say("what's happening with my request")
    assert reference not in other["text"], "another conversation's requests are never shown"


async def test_not_understood_twice_offers_a_person(world: World) -> None:
    citizen = world.citizen()
    first = await citizen.say("qwertyuiop asdf")
    assert FALLBACK in first["text"] and "talk to a person" not in first["text"]
    second = await citizen.say("zxcvbnm lkjh")
    assert second["text"].startswith("Would you like to talk to a person?"), second["text"]
