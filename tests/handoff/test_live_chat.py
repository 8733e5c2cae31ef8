"""Issue 15 through the running app, Teams-shaped on both sides: a citizen reaches a person
in the staff channel and comes back to the assistant."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.web.app import STORAGE
from tests.support.connector import ConnectorCall
from tests.handoff.conftest import (
    CLOSED,
    HELPLINE,
    MAIRE,
    SIOBHAN,
    TEAM_ID,
    AppStarter,
    Clock,
    Helpline,
    buttons,
    eventually,
    card_buttons,
    card_texts,
)


async def test_a_request_opens_a_thread_with_what_was_said_and_the_citizen_hears_the_queue(
    helpline: Helpline,
) -> None:
    routed = await helpline.citizen("could someone collect my prescription from the chemist")
    assert "Prescription collection" in routed[0]["text"]

    (asked,) = await helpline.citizen("can I talk to a real person please")
    assert "I've asked the Community Support team to join this chat" in asked["text"]
    assert "People waiting ahead of you: 0" in asked["text"]
    assert "within 5 minutes" in asked["text"]
    assert "You can keep writing here" in asked["text"]

    thread = await helpline.thread_opened()
    assert thread.startswith(f"{TEAM_ID};messageid=")
    created = helpline.connector.threads()[0].body
    assert created["isGroup"] is True and created["channelData"]["channel"]["id"] == TEAM_ID
    card = helpline.first_card()
    shown = card_texts(card)
    assert "Live chat request" in shown
    assert "Asked: could someone collect my prescription from the chemist" in shown
    assert "The assistant understood: Prescription collection" in shown
    assert "Waiting since 11:00 (0 min)" in shown
    assert "Citizen: could someone collect my prescription from the chemist" in shown
    assert "Assistant: Prescription collection" in shown
    assert card_buttons(card) == ["Take this chat"]

    # A second citizen asks a few seconds later: one is waiting ahead of them.
    helpline.clock.advance(seconds=5)
    (second,) = await helpline.citizen("I want to speak to someone", conversation="a:1second-citizen")
    assert "People waiting ahead of you: 1" in second["text"]
    await helpline.thread_opened(2)


async def test_take_then_relay_both_ways_one_voice_at_a_time(helpline: Helpline) -> None:
    await helpline.citizen("talk to a person")
    await helpline.thread_opened()
    chat = await helpline.chat()

    status, answer = await helpline.press("take", chat.id, staff=SIOBHAN)
    assert status == 200 and answer["type"] == "application/vnd.microsoft.card.adaptive"
    assert "Siobhan Walsh has this chat" in card_texts(answer["value"])
    assert card_buttons(answer["value"]) == ["End chat", "Hand to a colleague", "Release to the queue"]
    joined = await helpline.citizen_gets("is with you now")
    assert joined["text"] == "Siobhan from the Community Support team is with you now."

    # The citizen writes: it appears in the thread, literally; the bot says nothing itself.
    said = await helpline.citizen("my heating is broken [verify here](https://evil.example)")
    assert said == []
    await helpline.sent_out()
    posted = [m for m in helpline.in_thread() if m.get("attachments")]
    line = posted[-1]["attachments"][0]["content"]
    run = next(b for b in line["body"] if b["type"] == "RichTextBlock")
    assert run["inlines"][0]["text"] == "my heating is broken [verify here](https://evil.example)"

    # Staff reply in the thread without an @mention: it reaches the citizen as from them.
    await helpline.staff_says("I'll ring the fuel people for you now")
    reply = await helpline.citizen_gets("fuel people")
    assert reply["text"] == "Siobhan: I'll ring the fuel people for you now"

    # Nothing the bot would have answered is sent as well ("hot meals" would be routed).
    assert await helpline.citizen("hot meals") == []
    await helpline.sent_out()
    assert not any("Hot meals" in t for t in helpline.to_citizen())


async def test_the_second_to_press_sees_who_has_it_and_colleagues_do_not_reach_the_citizen(
    helpline: Helpline,
) -> None:
    await helpline.citizen("talk to a person")
    await helpline.thread_opened()
    chat = await helpline.chat()
    await helpline.press("take", chat.id, staff=SIOBHAN)
    status, answer = await helpline.press("take", chat.id, staff=MAIRE)
    assert status == 200
    assert "Siobhan Walsh has this chat" in card_texts(answer["value"])
    await helpline.sent_out()
    assert [t for t in helpline.to_citizen() if "is with you now" in t] == [
        "Siobhan from the Community Support team is with you now."
    ]
    # A colleague writing in the thread does not reach the citizen; @mentioning the bot,
    # they are told why.
    assert await helpline.staff_says("anyone know the fuel allowance number?", staff=MAIRE) == []
    (note,) = await helpline.staff_says("can I help?", staff=MAIRE, mentioned=True)
    assert note["text"] == "Not sent to the citizen: Siobhan Walsh has this chat."
    await helpline.sent_out()
    assert not any("fuel allowance" in t or "can I help" in t for t in helpline.to_citizen())
    assert (await helpline.chat()).staff_id == SIOBHAN["id"]


async def _taken(helpline: Helpline, staff: dict[str, str] = SIOBHAN) -> str:
    await helpline.citizen("talk to a person")
    await helpline.thread_opened()
    chat = await helpline.chat()
    await helpline.press("take", chat.id, staff=staff)
    await helpline.citizen_gets("is with you now")
    # The thread's "has taken this chat" note goes out on its own; a test that counts the
    # thread's messages from here must not take it for an answer (it did once under load).
    await helpline.sent_out()
    return chat.id


async def test_a_taker_from_outside_the_staff_channel_is_refused(helpline: Helpline) -> None:
    await helpline.citizen("talk to a person")
    await helpline.thread_opened()
    chat = await helpline.chat()
    # The same button data pressed in another team's channel, and in a personal chat.
    elsewhere = "19:another-team@thread.tacv2;messageid=1700000000001"
    for conversation, scope in ((elsewhere, "channel"), ("a:1outsider-chat", "personal")):
        status, answer = await helpline.press("take", chat.id, conversation=conversation, scope=scope)
        assert status == 200
        assert answer["statusCode"] == 403 and answer["type"] == "application/vnd.microsoft.error"
        assert chat.id not in str(answer) and "prescription" not in str(answer)
    assert (await helpline.chat()).status == "waiting"
    metrics = await (await helpline.client.get("/metrics")).text()
    assert "helpline_staff_actions_refused_total 2.0" in metrics


async def test_staff_end_it_with_the_card_and_the_citizen_says_whether_it_helped(helpline: Helpline) -> None:
    chat_id = await _taken(helpline)
    status, answer = await helpline.press("end", chat_id, staff=SIOBHAN)
    assert "Siobhan Walsh ended the chat at 11:00" in card_texts(answer["value"])
    assert card_buttons(answer["value"]) == []
    back = await helpline.citizen_gets("has ended the chat")
    assert "You're back with the assistant" in back["text"]
    question = await helpline.citizen_gets("Did this help?")
    assert buttons(question) == ["Yes", "No"]
    (thanks,) = await helpline.citizen("Yes")
    assert thanks["text"] == "Thank you for telling us."
    assert (await helpline.chat()).helped is True
    await helpline.sent_out()
    assert "The citizen said the chat helped." in [m.get("text") for m in helpline.in_thread()]
    # Back with the assistant: a request is answered again.
    (routed,) = await helpline.citizen("hot meals")
    assert "Hot meals" in routed["text"]


async def test_staff_end_it_by_typing_end_chat_in_the_thread(helpline: Helpline) -> None:
    await _taken(helpline)
    assert await helpline.staff_says("end chat") == []
    await helpline.citizen_gets("has ended the chat")
    assert (await helpline.chat()).ended_by == "staff"


async def test_the_citizen_ends_it_and_says_it_did_not_help(helpline: Helpline) -> None:
    await _taken(helpline)
    ended, question = await helpline.citizen("end chat")
    assert ended["text"].startswith("You've ended the chat. You're back with the assistant")
    assert question["text"] == "Did this help?" and buttons(question) == ["Yes", "No"]
    (thanks,) = await helpline.citizen("No")
    assert thanks["text"] == "Thank you for telling us."
    chat = await helpline.chat()
    assert (chat.ended_by, chat.helped) == ("citizen", False)
    await helpline.sent_out()
    assert "The citizen ended the chat at 11:00." in [m.get("text") for m in helpline.in_thread()]
    assert "The citizen ended the chat at 11:00." in card_texts(helpline.card_now())


async def test_the_citizen_can_stop_waiting(helpline: Helpline) -> None:
    await helpline.citizen("talk to a person")
    await helpline.thread_opened()
    (cancelled,) = await helpline.citizen("end chat")
    assert cancelled["text"] == "OK, I've told the team you don't need them now. You're back with the assistant."
    await helpline.sent_out()
    card = helpline.card_now()
    assert "The citizen ended the chat" in card_texts(card) and card_buttons(card) == []
    chat = await helpline.chat()
    status, answer = await helpline.press("take", chat.id)
    assert card_buttons(answer["value"]) == []  # too late: it shows as ended


async def test_an_emergency_during_the_chat_gets_the_emergency_reply_and_staff_see_it_flagged(
    helpline: Helpline,
) -> None:
    await _taken(helpline)
    (emergency,) = await helpline.citizen("my mother collapsed and is not breathing")
    assert "112" in emergency["text"] and "999" in emergency["text"]
    await helpline.sent_out()
    flagged = helpline.in_thread()[-1]["attachments"][0]["content"]
    shown = card_texts(flagged)
    assert "Possible emergency: the citizen was given the emergency numbers (112 or 999)" in shown
    assert "my mother collapsed and is not breathing" in shown
    # The chat goes on: the next message still reaches staff, and staff still reach them.
    assert await helpline.citizen("she's breathing now") == []
    await helpline.staff_says("Stay with her, I'm here")
    await helpline.citizen_gets("Siobhan: Stay with her")


async def test_nobody_free_in_time_offers_the_call_back_with_what_they_wrote(helpline: Helpline) -> None:
    await helpline.citizen("talk to a person")
    await helpline.thread_opened()
    assert await helpline.citizen("I need help filling in the fuel allowance form") == []
    helpline.clock.advance(minutes=5, seconds=1)
    offer = await helpline.citizen_gets("nobody from the team is free")
    assert HELPLINE in offer["text"] and "9am to 5pm" in offer["text"]
    assert buttons(offer) == ["Ask them to call me back"]
    await helpline.sent_out()
    card = helpline.card_now()
    assert "Nobody took this chat within 5 minutes" in card_texts(card) and card_buttons(card) == []
    chat = await helpline.chat()
    status, answer = await helpline.press("take", chat.id)  # too late
    assert card_buttons(answer["value"]) == []

    # The call-back starts, and what they wrote is the need: it is not asked again.
    (ask_name,) = await helpline.citizen("Ask them to call me back")
    assert "what's your name" in ask_name["text"]
    await helpline.citizen("Mary Walsh")
    await helpline.citizen("087 123 4567")
    (consent,) = await helpline.citizen("Ballinrobe")
    assert "share your name, phone number, area and what you need" in consent["text"]
    (confirmed,) = await helpline.citizen("Yes, share my details")
    assert "Your reference is MAY-" in confirmed["text"]
    store = helpline.client.server.app[STORAGE]
    (referral,) = await store.referrals.for_conversation("msteams/conversations/a:1citizen-personal-chat")
    assert referral.service_id == "talk_to_person"
    assert "fuel allowance form" in referral.need


async def test_out_of_hours_the_call_back_and_the_helplines_hours_nothing_lost(
    helpline: Helpline,
) -> None:
    helpline.clock.now = CLOSED
    await helpline.citizen("my boiler is broken and I've no heat, I'm 84")
    (closed,) = await helpline.citizen("can I talk to a real person please")
    assert "The team isn't here to chat right now: they chat 9am to 5pm" in closed["text"]
    assert HELPLINE in closed["text"] and "112 or 999" in closed["text"]
    assert buttons(closed) == ["Ask them to call me back"]
    assert helpline.connector.threads() == []  # nobody is asked out of hours
    (ask_name,) = await helpline.citizen("Ask them to call me back")
    assert "what's your name" in ask_name["text"]
    await helpline.citizen("Pat Joyce")
    await helpline.citizen("094 902 1234")
    (consent,) = await helpline.citizen("Castlebar")
    assert "share your name" in consent["text"]  # the need was carried: not asked
    await helpline.citizen("Yes, share my details")
    store = helpline.client.server.app[STORAGE]
    (referral,) = await store.referrals.for_conversation("msteams/conversations/a:1citizen-personal-chat")
    assert referral.need == "my boiler is broken and I've no heat, I'm 84"


async def test_a_restart_mid_chat_loses_nothing(start_helpline: AppStarter) -> None:
    first = await start_helpline()
    chat_id = await _taken(first)
    await first.client.close()  # the process stops mid-chat

    again = await start_helpline()
    assert await again.citizen("are you still there?") == []
    await again.sent_out()
    posted = [m for m in again.in_thread() if m.get("attachments")]
    assert "are you still there?" in card_texts(posted[-1]["attachments"][0]["content"])
    await again.staff_says("Yes, still here")
    await again.citizen_gets("Siobhan: Yes, still here")
    await again.press("end", chat_id)
    await again.citizen_gets("Did this help?")


async def test_delete_my_details_during_a_chat_takes_it_out_of_the_channel(helpline: Helpline) -> None:
    chat_id = await _taken(helpline)
    await helpline.citizen("my name is Mary Walsh and my number is 087 123 4567")
    await helpline.sent_out()
    relayed = [c for c in helpline.connector.calls if c.method == "POST" and c.body.get("attachments")
               and c.conversation_id == helpline.thread()]
    (deleted,) = await helpline.citizen("delete my details")
    assert deleted["text"].startswith("Done. I've deleted your details")
    await helpline.sent_out()
    assert await helpline.chats.get(chat_id) is None
    removed = {c.activity_id for c in helpline.connector.calls if c.method == "DELETE"}
    assert {f"reply-{i}" for i in range(1, 100)} & removed  # the relayed message went
    assert len(removed) == len(relayed)
    assert "asked for their details to be deleted" in card_texts(helpline.card_now())
    assert "Mary Walsh" not in str(helpline.card_now())
    # Staff writing in the thread afterwards reach nobody.
    assert await helpline.staff_says("hello?") == []
    await helpline.sent_out()
    assert not any("hello?" in t for t in helpline.to_citizen())


async def test_hand_to_a_colleague_and_release_to_the_queue(helpline: Helpline) -> None:
    chat_id = await _taken(helpline, SIOBHAN)
    status, answer = await helpline.press("hand", chat_id, staff=SIOBHAN)
    shown = card_texts(answer["value"])
    assert "Siobhan Walsh is handing this chat to a colleague" in shown
    assert card_buttons(answer["value"]) == ["Take this chat", "End chat", "Release to the queue"]
    # Siobhan still has it until a colleague takes it.
    await helpline.staff_says("One moment, I'm passing you to a colleague")
    await helpline.citizen_gets("Siobhan: One moment")
    await helpline.press("take", chat_id, staff=MAIRE)
    await helpline.citizen_gets("Máire from the Community Support team is with you now.")
    await helpline.sent_out()  # the thread's "has taken this chat" note is no answer
    assert await helpline.staff_says("still here?", staff=SIOBHAN) == []
    await helpline.staff_says("Hello, it's Máire", staff=MAIRE)
    await helpline.citizen_gets("Máire: Hello, it's Máire")

    status, answer = await helpline.press("release", chat_id, staff=MAIRE)
    assert card_buttons(answer["value"]) == ["Take this chat"]
    released = await helpline.citizen_gets("had to step away")
    assert "People waiting ahead of you: 0" in released["text"]
    assert (await helpline.chat()).status == "waiting"


async def test_after_two_misses_the_offer_leads_to_a_person(helpline: Helpline) -> None:
    await helpline.citizen("blah blah blah")
    (second,) = await helpline.citizen("qwerty zxcv asdf")
    assert second["text"].startswith("Would you like to chat with someone from the team here?")
    assert "Talk to someone" in buttons(second)
    (asked,) = await helpline.press_citizen_button("talk_to_someone")
    assert "I've asked the Community Support team" in asked["text"]
    await helpline.thread_opened()


async def test_in_irish_the_citizen_hears_irish_and_staff_are_told(helpline: Helpline) -> None:
    await helpline.citizen("An féidir le duine mo chuid siopadóireachta a dhéanamh")
    (asked,) = await helpline.press_citizen_button("talk_to_someone")
    assert asked["text"].startswith("D'iarr mé ar an bhfoireann Tacaíochta Pobail")
    await helpline.thread_opened()
    assert "Writing in Irish" in card_texts(helpline.first_card())
    chat = await helpline.chat()
    assert chat.language == "ga"
    await helpline.press("take", chat.id)
    await helpline.citizen_gets("Tá Siobhan ón bhfoireann Tacaíochta Pobail leat anois.")
    await helpline.press("end", chat.id)
    question = await helpline.citizen_gets("Ar chabhraigh sé seo leat?")
    assert buttons(question) == ["Chabhraigh", "Níor chabhraigh"]
    (thanks,) = await helpline.citizen("Chabhraigh")
    assert thanks["text"] == "Go raibh maith agat as é sin a insint dúinn."


async def test_a_burst_from_the_citizen_is_paced_to_teams_limits_and_nothing_is_dropped(
    helpline: Helpline,
) -> None:
    await _taken(helpline)
    await helpline.sent_out()
    thread = helpline.thread()
    refused: list[str] = []

    async def busy_once(call: ConnectorCall) -> web.Response | None:
        """Teams answers the fifth relayed message with 429 and Retry-After: 1, once."""
        if call.method == "POST" and call.conversation_id == thread and call.body.get("attachments"):
            text = card_texts(call.body["attachments"][0]["content"])
            if "line 05" in text and not refused:
                refused.append(text)
                return web.json_response({"error": "throttled"}, status=429, headers={"Retry-After": "1"})
        return None

    helpline.connector.behaviour = busy_once
    before = len(helpline.in_thread())
    lines = [f"line {i:02d} of my story" for i in range(1, 26)]
    for line in lines:  # 25 messages in well under a second: past the ordinary limit too
        assert await helpline.citizen(line) == []
    await helpline.thread_gets(before + len(lines), timeout=30)
    await helpline.sent_out()

    relayed = [c for c in helpline.connector.calls
               if c.method == "POST" and c.conversation_id == thread and c.body.get("attachments")][-len(lines):]
    shown = [card_texts(c.body["attachments"][0]["content"]) for c in relayed]
    assert [s.split("\n")[-1] for s in shown] == lines  # every one, in order
    assert refused and "line 05" in refused[0]
    times = [c.at for c in relayed]
    for i, start in enumerate(times):
        assert sum(1 for t in times[i:] if t - start < 1.0) <= 7
        assert sum(1 for t in times[i:] if t - start < 2.0) <= 8
    assert times[4] - times[3] >= 0.9  # the refused one waited for Retry-After


async def test_helpline_now_puts_the_bot_at_a_chosen_time(start_helpline: AppStarter) -> None:
    evening = await start_helpline(own_clock=True, helpline_now=CLOSED)
    (closed,) = await evening.citizen("talk to a person")
    assert "The team isn't here to chat right now" in closed["text"]
    await evening.client.close()
    morning = await start_helpline(own_clock=True, helpline_now=CLOSED.replace(hour=10))
    (asked,) = await morning.citizen("talk to a person", conversation="a:1another-chat")
    assert "I've asked the Community Support team" in asked["text"]


async def test_without_the_read_permission_staff_mention_the_bot_and_it_works_the_same(
    helpline: Helpline,
) -> None:
    """Without ChannelMessage.Read.Group Teams delivers only messages that @mention the
    bot; the mention is not part of what the citizen reads."""
    await _taken(helpline)
    assert await helpline.staff_says("Hello, I'm here now", mentioned=True) == []
    reply = await helpline.citizen_gets("Hello, I'm here now")
    assert reply["text"] == "Siobhan: Hello, I'm here now"
    await helpline.staff_says("end chat", mentioned=True)
    await helpline.citizen_gets("Did this help?")


async def test_chats_follow_the_referral_retention(start_helpline: AppStarter) -> None:
    helpline = await start_helpline(referral_retention_days=30, referral_purge_interval=0.1)
    chat_id = await _taken(helpline)
    await helpline.citizen("my number is 087 123 4567")
    await helpline.press("end", chat_id)
    await helpline.citizen_gets("Did this help?")
    await helpline.sent_out()
    helpline.clock.advance(days=29)
    await asyncio.sleep(0.3)
    assert await helpline.chats.get(chat_id) is not None  # kept within the period
    helpline.clock.advance(days=2)
    gone = await eventually(lambda: _missing(helpline, chat_id), 10, "the chat to be purged")
    assert gone
    await helpline.sent_out()
    assert "deleted at the end of the retention period" in card_texts(helpline.card_now())
    assert any(c.method == "DELETE" for c in helpline.connector.calls)


async def _missing(helpline: Helpline, chat_id: str) -> bool:
    return await helpline.chats.get(chat_id) is None


async def test_healthz_says_live_chat_is_on_with_what_waits(helpline: Helpline) -> None:
    await helpline.citizen("talk to a person")
    await helpline.thread_opened()
    await helpline.sent_out()
    health = await (await helpline.client.get("/healthz")).json()
    assert health["live_chat"] == {
        "status": "on", "waiting": 1, "active": 0, "outbox_pending": 0, "outbox_failed": 0,
    }


async def test_two_instances_on_one_postgresql_share_the_chat_and_send_each_message_once(
    start_helpline: AppStarter, postgres_url: str
) -> None:
    """The citizen's turns reach one instance, the staff channel's another (as behind a
    load balancer); both run the outbox on the same database."""
    clock = Clock()
    citizen_side = await start_helpline(clock, database_url=postgres_url)
    staff_side = await start_helpline(clock, database_url=postgres_url)
    await citizen_side.citizen("talk to a person")
    await citizen_side.thread_opened()
    chat = await citizen_side.chat()
    status, answer = await staff_side.press("take", chat.id)
    assert "Siobhan Walsh has this chat" in card_texts(answer["value"])
    status, again = await citizen_side.press("take", chat.id, staff=MAIRE)  # at the same time elsewhere
    assert "Siobhan Walsh has this chat" in card_texts(again["value"])
    await citizen_side.citizen_gets("is with you now")
    assert await citizen_side.citizen("are you there?") == []
    await staff_side.staff_says("I am, yes")
    await citizen_side.citizen_gets("Siobhan: I am, yes")
    await citizen_side.sent_out()
    await staff_side.sent_out()
    texts = citizen_side.to_citizen()
    assert texts.count("Siobhan from the Community Support team is with you now.") == 1
    assert texts.count("Siobhan: I am, yes") == 1
    assert len(citizen_side.connector.threads()) == 1
    relayed = [m for m in citizen_side.in_thread() if "are you there?" in str(m.get("attachments"))]
    assert len(relayed) == 1
