"""The callback conversation, end to end through /api/messages and the connector stand-in."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from bot.referrals.codes import find_reference
from tests.support.connector import ConnectorCall, ConnectorStandIn

from .conftest import AppFactory, referral_store
from .support import HAPPY_ANSWERS, Citizen, request_callback, routing_with_referrals, suggested


async def test_happy_path_commits_before_confirming(
    citizen: Citizen, connector: ConnectorStandIn, teams_client: TestClient
) -> None:
    store = referral_store(teams_client)
    stored_when_confirmed: list[bool] = []

    async def check_store(call: ConnectorCall) -> None:
        reference = find_reference(call.body.get("text") or "")
        if call.conversation_id == "conv-1" and reference:
            stored_when_confirmed.append(await store.get(reference) is not None)
        return None

    connector.behaviour = check_store
    routed = await citizen.say("can someone do my grocery shopping")
    assert "Ask them to call me back" in suggested(routed)
    asked_name = await citizen.say("Ask them to call me back")
    assert "name" in asked_name["text"]
    asked_phone = await citizen.say("Mary Walsh")
    assert "Mary Walsh" in asked_phone["text"] and "phone" in asked_phone["text"]
    asked_area = await citizen.say("087 123 4567")
    assert "Castlebar" in suggested(asked_area)
    asked_need = await citizen.say("Castlebar")
    assert "sentence" in asked_need["text"]
    consent = await citizen.say("I need my weekly shopping done")
    assert "https://www.mayo.ie/" in consent["text"], "privacy notice with its link"
    assert suggested(consent) == ["Yes, share my details", "No, don't share them"]
    confirmed = await citizen.say("Yes, share my details")

    reference = find_reference(confirmed["text"])
    assert reference is not None and reference.startswith("MAY-")
    assert stored_when_confirmed == [True], "the referral was committed before the citizen was told"
    # Who will ring and roughly when: 4 opening hours after 11am on a Wednesday.
    assert (
        "Someone from the Community Support Helpline will ring you on 087 123 4567 by 3pm today"
        in confirmed["text"]
    )
    referral = await store.get(reference)
    assert (referral.name, referral.phone, referral.area, referral.need) == (
        "Mary Walsh",
        "087 123 4567",
        "castlebar",
        "I need my weekly shopping done",
    )
    assert referral.service_id == "groceries"


@pytest.mark.parametrize(
    "bad",
    ["12345", "call me maybe", "112", "1800 700 700", "+44 20 7946 0000"],
    ids=["too-short", "words", "emergency-number", "freephone", "uk-number"],
)
async def test_invalid_phone_is_asked_again_kindly(citizen: Citizen, bad: str) -> None:
    await citizen.say("can someone do my grocery shopping")
    await citizen.say("Ask them to call me back")
    await citizen.say("Mary Walsh")
    again = await citizen.say(bad)
    assert "doesn't look like an Irish phone number" in again["text"]
    asked_area = await citizen.say("094 902 1234")
    assert "town or area" in asked_area["text"]


@pytest.mark.parametrize("step", range(5), ids=["name", "phone", "area", "need", "consent"])
@pytest.mark.parametrize("word", ["cancel", "Stop"])
async def test_cancel_at_every_step(
    citizen: Citizen, teams_client: TestClient, step: int, word: str
) -> None:
    await citizen.say("can someone do my grocery shopping")
    await citizen.say("Ask them to call me back")
    for answer in HAPPY_ANSWERS[:step]:
        await citizen.say(answer)
    cancelled = await citizen.say(word)
    assert "Nothing has been shared" in cancelled["text"]
    assert (
        await referral_store(teams_client).for_conversation("emulator/conversations/conv-1") == []
    )
    after = await citizen.say("hot meals")  # back to normal routing
    assert "Here is who can help" in after["text"]


async def test_start_again_goes_back_to_the_first_question(citizen: Citizen) -> None:
    await citizen.say("can someone do my grocery shopping")
    await citizen.say("Ask them to call me back")
    await citizen.say("Mary Walsh")
    again = await citizen.say("start again")
    assert "what's your name" in again["text"]
    asked_phone = await citizen.say("Máire")
    assert "Máire" in asked_phone["text"]


async def test_no_consent_stores_nothing_and_shows_the_contact(
    citizen: Citizen, teams_client: TestClient
) -> None:
    reply = await request_callback(citizen, consent="No, don't share them")
    assert "I haven't shared anything" in reply["text"]
    assert "094 906 4660" in reply["text"], "the service's contact instead"
    assert reply["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert (
        await referral_store(teams_client).for_conversation("emulator/conversations/conv-1") == []
    )


async def test_unclear_consent_is_asked_again(citizen: Citizen) -> None:
    await citizen.say("can someone do my grocery shopping")
    await citizen.say("Ask them to call me back")
    for answer in HAPPY_ANSWERS:
        await citizen.say(answer)
    unclear = await citizen.say("what do you mean")
    assert "choose yes or no" in unclear["text"]
    confirmed = await citizen.say("yes")
    assert find_reference(confirmed["text"])


async def test_known_area_is_not_asked_again(citizen: Citizen, teams_client: TestClient) -> None:
    await citizen.say("I live in Westport and need my shopping done")
    await citizen.say("Ask them to call me back")
    await citizen.say("Mary Walsh")
    asked_need = await citizen.say("0871234567")
    assert "sentence" in asked_need["text"], "the area is known from earlier"
    await citizen.say("Shopping on Fridays please")
    confirmed = await citizen.say("yes")
    referral = await referral_store(teams_client).get(find_reference(confirmed["text"]))
    assert referral.area == "west_mayo"


async def test_dialog_resumes_after_restart(
    tmp_path: Path, connector: ConnectorStandIn, make_client: AppFactory
) -> None:
    routing = routing_with_referrals(tmp_path / "routing.yaml", teams_service_url=connector.url)
    db = tmp_path / "shared.db"
    first = await make_client(routing, db)
    citizen = Citizen(first, connector)
    await citizen.say("can someone do my grocery shopping")
    await citizen.say("Ask them to call me back")
    await citizen.say("Mary Walsh")
    await first.close()  # the bot stops mid-dialog

    second = await make_client(routing, db)
    citizen = Citizen(second, connector)
    asked_area = await citizen.say("087 123 4567")  # answers the question asked before
    assert "town or area" in asked_area["text"]
    await citizen.say("Ballina")
    await citizen.say("A lift to the shops")
    confirmed = await citizen.say("yes")
    referral = await referral_store(second).get(find_reference(confirmed["text"]))
    assert referral is not None and referral.name == "Mary Walsh"
