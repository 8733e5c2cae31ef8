"""How a routing Reply looks on a channel: markdown text, card, buttons."""

from __future__ import annotations

from bot.cards import adaptive_card, as_markdown, reply_activity
from bot.wire import activity_from_json
from routing.reply import Choice, ContactView, Reply


def _incoming(**conversation: str) -> object:
    return activity_from_json(
        {
            "type": "message", "id": "1", "channelId": "msteams", "serviceUrl": "http://x",
            "from": {"id": "u"}, "recipient": {"id": "b"},
            "conversation": {"id": "c", **conversation}, "text": "hi",
        }
    )


def test_every_line_is_its_own_paragraph() -> None:
    assert as_markdown("I can help with:\n- Shopping\n- Meals\n\nRing us") == (
        "I can help with:\n\n- Shopping\n\n- Meals\n\nRing us"
    )


def test_single_service_card_does_not_repeat_its_title() -> None:
    contact = ContactView(service_id="groceries", service_title="Groceries", name="Helpline",
                          phone="094 906 4660", phone_uri="tel:+353949064660")
    card = adaptive_card(Reply(kind="routed", text="t", title="Groceries", contacts=(contact,)),
                         with_buttons=False)
    texts = [b.get("text") for b in card["body"] if b.get("type") == "TextBlock"]
    assert texts.count("Groceries") == 1
    two = adaptive_card(
        Reply(kind="routed", text="t", title="Groceries, Meals",
              contacts=(contact, ContactView(service_id="hot_meals", service_title="Meals", name="H"))),
        with_buttons=False,
    )
    two_texts = [b.get("text") for b in two["body"] if b.get("type") == "TextBlock"]
    assert "Groceries" in two_texts and "Meals" in two_texts


def test_buttons_are_suggested_actions_in_personal_chat_and_card_buttons_in_channels() -> None:
    reply = Reply(kind="fallback", text="Sorry", choices=(Choice("Meals", "service:hot_meals"),))
    personal = reply_activity(reply, _incoming(conversationType="personal"))
    assert [a.title for a in personal.suggested_actions.actions] == ["Meals"]
    assert not personal.attachments
    channel = reply_activity(reply, _incoming(conversationType="channel"))
    assert channel.suggested_actions is None
    actions = channel.attachments[0].content["actions"]
    assert actions == [{"type": "Action.Submit", "title": "Meals", "data": {"choice": "service:hot_meals"}}]


def test_teams_routed_text_does_not_repeat_the_card() -> None:
    contact = ContactView(service_id="groceries", service_title="Groceries", name="Helpline",
                          phone="094 906 4660", phone_uri="tel:+353949064660", hours="9am to 5pm")
    reply = Reply(kind="routed", title="Groceries", contacts=(contact,),
                  text="Here is who can help:\n\nGroceries: Helpline\nPhone: 094 906 4660\nHours: 9am to 5pm")
    teams = reply_activity(reply, _incoming(conversationType="personal"))
    assert teams.text == "Here is who can help:\n\nGroceries: 094 906 4660"
    assert teams.summary == reply.text and teams.attachments
    emulator = reply_activity(reply, activity_from_json({
        "type": "message", "id": "1", "channelId": "emulator", "serviceUrl": "http://x",
        "from": {"id": "u"}, "conversation": {"id": "c"}}))
    assert "Hours: 9am to 5pm" in emulator.text, "channels other than Teams get the full text"
