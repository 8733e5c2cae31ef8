"""Issue 13, point 1 and 2: the emergency check runs on every message, in every state of the
conversation; an emergency leaves the call-back form (nothing half-filled is stored or sent)
and gets the emergency reply; follow-ups after it get a sensible answer; a possible
emergency is never answered with a contact card alone."""

from __future__ import annotations

import pytest

from tests.referrals.support import suggested

from .conftest import World

# Each step of the form, and the answers that lead to it.
STEPS = {
    "name": (),
    "phone": ("Mary Walsh",),
    "area": ("Mary Walsh", "087 123 4567"),
    "need": ("Mary Walsh", "087 123 4567", "Castlebar"),
    "consent": ("Mary Walsh", "087 123 4567", "Castlebar", "I need my weekly shopping done"),
}
EMERGENCIES = [
    ("my husband collapsed, he's not breathing", ("112", "999")),
    ("I don't want to be here anymore, I have my tablets saved up", ("116 123", "Samaritans")),
    ("there's smoke coming from the kitchen", ("112", "999")),
]


@pytest.mark.parametrize("step", list(STEPS))
@pytest.mark.parametrize("text, numbers", EMERGENCIES, ids=["collapse", "self-harm", "smoke"])
async def test_an_emergency_at_any_step_of_the_form_gets_the_emergency_reply(
    world: World, step: str, text: str, numbers: tuple[str, ...]
) -> None:
    citizen = world.citizen()
    await citizen.say("can someone do my grocery shopping")
    await citizen.say("Ask them to call me back")
    for answer in STEPS[step]:
        await citizen.say(answer)
    reply = await citizen.say(text)
    for number in numbers:
        assert number in reply["text"], (step, reply["text"])
    assert "Ask them to call me back" not in suggested(reply)
    # The form is gone: nothing was stored, and the next message is not taken as an answer.
    assert await world.referrals() == []
    after = await citizen.say("yes")
    assert "reference" not in after["text"].lower()
    assert await world.referrals() == []


@pytest.mark.parametrize(
    "text",
    [
        "my husband fell out in the yard and he isn't answering me",
        "her face went all funny on one side and she cant talk right",
        "Mam is very confused, she's breathing really fast and her lips have gone a bluey colour",
        "theres someone trying my back door and its 2 in the morning",
        "Thit m'athair sa tseomra folctha agus níl sé ag freagairt dom",
        "Ba mhaith liom bás a fháil",
    ],
)
async def test_indirect_emergencies_in_english_and_irish(world: World, text: str) -> None:
    reply = await world.citizen().say(text)
    assert "112" in reply["text"] or "116 123" in reply["text"], reply["text"]
    call = "Glaoigh ar" if _irish(text) else "Call"
    assert not reply.get("attachments") or all(
        f"{call} 112" in str(a) or f"{call} 999" in str(a) or "116 123" in str(a)
        for a in reply["attachments"]
    )


def _irish(text: str) -> bool:
    """The messages above written in Irish (answered in Irish, call buttons included)."""
    return text.startswith(("Thit m'athair", "Ba mhaith liom"))


@pytest.mark.parametrize(
    "text",
    ["he had a heart attack last year and needs his prescription collected",
     "I'm dying for a cup of tea, could someone do a bit of shopping",
     "is there an emergency food parcel"],
)
async def test_the_past_figures_of_speech_and_emergency_as_an_adjective_are_not_emergencies(
    world: World, text: str
) -> None:
    reply = await world.citizen().say(text)
    assert "call 112 or 999 now" not in reply["text"].lower()
    assert reply.get("attachments"), "the service's contact card"


async def test_follow_ups_after_an_emergency_get_help_not_a_shrug(world: World) -> None:
    citizen = world.citizen()
    first = await citizen.say("my dad collapsed and he's not breathing")
    assert "112" in first["text"]
    follow = await citizen.say("ok she's breathing now, what do I do")
    assert "112" in follow["text"] and "1800 700 700" in follow["text"], follow["text"]
    assert "didn't quite understand" not in follow["text"]
    again = await citizen.say("thanks")
    assert "112" in again["text"], "still a follow-up to the emergency"
    person = await citizen.say("can I talk to someone")
    assert "094 906 4660" in person["text"]


async def test_a_possible_emergency_leads_with_112_and_still_gives_the_service(
    world: World,
) -> None:
    reply = await world.citizen().say(
        "there's been someone hanging around outside the house all evening and I need my shopping"
    )
    assert reply["text"].startswith("If someone is in danger now, ring 112 or 999"), reply["text"]
    assert reply.get("attachments"), "and the service's card"
