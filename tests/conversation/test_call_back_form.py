"""Issue 13, point 4: the call-back form lets people through. Numbers inside a sentence are
accepted; a rejected answer reminds that "cancel" works; moving on (a new request, "actually
forget it") leaves the form with a short note instead of being stored as an answer; everyday
yeses are yes; a question or a phone number is not a name; an unfinished form expires after
30 idle minutes; staff see the town the citizen gave; the claim notice reads as English."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot.referrals.codes import find_reference
from bot.referrals.staff_card import staff_card_for
from bot.storage import staff as staff_store
from bot.web.app import RUNTIME, STORAGE, STORE
from tests.referrals.support import suggested

from .conftest import World


async def _to_step(world: World, answers: tuple[str, ...]) -> None:
    citizen = world.citizen()
    await citizen.say("can someone do my grocery shopping")
    asked = await citizen.say("Ask them to call me back")
    assert "name" in asked["text"]
    for answer in answers:
        await citizen.say(answer)


async def test_a_number_inside_a_sentence_is_accepted(world: World) -> None:
    await _to_step(world, ("Mary Walsh",))
    reply = await world.citizen().say("my number is 087 123 4567 thanks")
    assert "town or area" in reply["text"], reply["text"]


@pytest.mark.parametrize("answer", ["what do you need my name for?", "087 123 4567", ""])
async def test_a_question_or_a_number_is_not_a_name_and_cancel_is_mentioned(
    world: World, answer: str
) -> None:
    await _to_step(world, ())
    if not answer:
        reply = await world.citizen().say(None, attachments=[{"contentType": "image/png"}])
    else:
        reply = await world.citizen().say(answer)
    assert "name" in reply["text"] and "cancel" in reply["text"], reply["text"]


async def test_a_wrong_phone_reminds_that_cancel_works(world: World) -> None:
    await _to_step(world, ("Mary Walsh",))
    reply = await world.citizen().say("I don't have one")
    assert "phone" in reply["text"] and "cancel" in reply["text"], reply["text"]


@pytest.mark.parametrize("answers", [(), ("Mary Walsh",), ("Mary Walsh", "087 123 4567", "Castlebar")])
async def test_actually_forget_it_leaves_the_form(world: World, answers: tuple[str, ...]) -> None:
    await _to_step(world, answers)
    reply = await world.citizen().say("actually forget it")
    assert "stopped the call-back request" in reply["text"], reply["text"]
    assert await world.referrals() == []


async def test_a_new_request_mid_form_leaves_it_and_is_answered(world: World) -> None:
    await _to_step(world, ("Mary Walsh",))
    citizen = world.citizen()
    before = len(citizen.replies())
    await citizen.say("can someone bring me a bag of coal")
    replies = citizen.replies()[before:]
    assert "stopped the call-back request" in replies[0]["text"]
    assert "Fuel" in str(replies[-1].get("attachments")), replies[-1]
    assert await world.referrals() == []


@pytest.mark.parametrize("yes", ["yes please", "grand", "go on so", "Yes, share my details"])
async def test_everyday_yeses_are_yes(world: World, yes: str) -> None:
    await _to_step(world, ("Mary Walsh", "087 123 4567", "Castlebar", "weekly shopping please"))
    confirmed = await world.citizen().say(yes)
    assert find_reference(confirmed["text"]), confirmed["text"]


async def test_an_unclear_consent_is_asked_again_with_the_buttons(world: World) -> None:
    await _to_step(world, ("Mary Walsh", "087 123 4567", "Castlebar", "weekly shopping please"))
    reply = await world.citizen().say("what do you mean")
    assert "yes or no" in reply["text"] and "cancel" in reply["text"]
    assert suggested(reply) == ["Yes, share my details", "No, don't share them"]


async def test_an_unfinished_form_expires_and_never_swallows_a_later_request(world: World) -> None:
    await _to_step(world, ("Mary Walsh",))
    world.clock.now += dt.timedelta(minutes=31)
    reply = await world.citizen().say("hot dinners for my mam")
    assert "meal" in str(reply.get("attachments")).lower(), reply
    assert "What phone number should they ring" not in reply["text"]


async def test_staff_see_the_town_the_citizen_gave(world: World) -> None:
    await _to_step(world, ("Mary Walsh", "087 123 4567", "Balla", "weekly shopping please"))
    await world.citizen().say("yes")
    (referral,) = await world.referrals()
    assert (referral.area, referral.town) == ("castlebar", "Balla")
    table = world.client.server.app[STORE].router.table
    card = staff_card_for(referral, table.referrals, table)
    assert "Balla (Castlebar)" in str(card)


async def test_the_claim_notice_reads_as_english(world: World) -> None:
    await _to_step(world, ("Mary Walsh", "087 123 4567", "Castlebar", "weekly shopping please"))
    confirmed = await world.citizen().say("yes")
    reference = find_reference(confirmed["text"])
    storage = world.client.server.app[STORAGE]
    # Claimed on the staff page (the same claim as the Teams card's).
    await storage.db.call(
        lambda c: staff_store.claim(c, reference, "Siobhan Walsh", 1.0, lambda _c: None)
    )
    world.client.server.app[RUNTIME].outbox.wake()
    citizen = world.citizen()
    notices: list[dict[str, object]] = []
    for _ in range(250):
        notices = [m for m in citizen.replies() if "Good news" in str(m.get("text") or "")]
        if notices:
            break
        await asyncio.sleep(0.02)
    (notice,) = notices
    assert str(notice["text"]).startswith(
        f"Good news: Siobhan from the Community Support team has your request {reference}"
    ), notice["text"]
