"""How a routing Reply looks on a channel: markdown text, card, buttons."""

from __future__ import annotations

from bot.botframework.render import Shape, as_markdown, reply_fields
from bot.cards import adaptive_card
from routing.reply import Choice, ContactView, Reply

PERSONAL = Shape.of("msteams", "personal")
CHANNEL = Shape.of("msteams", "channel")
EMULATOR = Shape.of("emulator", None)
HELPLINE = ContactView(service_id="groceries", service_title="Groceries", name="Helpline",
                       phone="094 906 4660", phone_uri="tel:+353949064660", hours="9am to 5pm")


def test_every_line_is_its_own_paragraph() -> None:
    assert as_markdown("I can help with:\n- Shopping\n- Meals\n\nRing us") == (
        "I can help with:\n\n- Shopping\n\n- Meals\n\nRing us"
    )


def test_single_service_card_does_not_repeat_its_title() -> None:
    card = adaptive_card(Reply(kind="routed", text="t", title="Groceries", contacts=(HELPLINE,)),
                         with_buttons=False)
    texts = [b.get("text") for b in card["body"] if b.get("type") == "TextBlock"]
    assert texts.count("Groceries") == 1
    two = adaptive_card(
        Reply(kind="routed", text="t", title="Groceries, Meals",
              contacts=(HELPLINE, ContactView(service_id="hot_meals", service_title="Meals", name="H"))),
        with_buttons=False,
    )
    two_texts = [b.get("text") for b in two["body"] if b.get("type") == "TextBlock"]
    assert "Groceries" in two_texts and "Meals" in two_texts


def test_two_services_sharing_a_contact_show_it_once_with_one_call_button() -> None:
    meals = ContactView(service_id="hot_meals", service_title="Hot meals", name="Helpline",
                        phone="094 906 4660", phone_uri="tel:+353949064660", hours="9am to 5pm")
    reply = Reply(kind="routed", text="Here is who can help:", title="Groceries, Hot meals",
                  contacts=(HELPLINE, meals), choices=(Choice("Ask them to call me back", "callback:groceries"),))
    fields = reply_fields(reply, PERSONAL)
    card = fields["attachments"][0]["content"]
    calls = [a for item in card["body"] if item.get("type") == "ActionSet" for a in item["actions"]]
    assert [a["title"] for a in calls] == ["Call 094 906 4660"]
    assert fields["text"].count("094 906 4660") == 1
    assert "Groceries, Hot meals: 094 906 4660" in fields["text"]


def test_buttons_are_suggested_actions_in_personal_chat_and_card_buttons_in_channels() -> None:
    reply = Reply(kind="fallback", text="Sorry", choices=(Choice("Meals", "service:hot_meals"),))
    personal = reply_fields(reply, PERSONAL)
    assert [a["title"] for a in personal["suggestedActions"]["actions"]] == ["Meals"]
    assert "attachments" not in personal
    channel = reply_fields(reply, CHANNEL)
    assert "suggestedActions" not in channel
    actions = channel["attachments"][0]["content"]["actions"]
    assert actions == [{"type": "Action.Submit", "title": "Meals", "data": {"choice": "service:hot_meals"}}]


def test_in_teams_a_cards_buttons_are_in_the_card_not_under_it() -> None:
    """Teams (and the Agents Playground) show no suggested actions under a card: the
    call-back offer would be invisible. There the buttons go inside the card."""
    reply = Reply(kind="routed", text="Here is who can help:", title="Groceries", contacts=(HELPLINE,),
                  choices=(Choice("Ask them to call me back", "callback:groceries"),))
    teams = reply_fields(reply, PERSONAL)
    assert "suggestedActions" not in teams
    actions = teams["attachments"][0]["content"]["actions"]
    assert actions == [{"type": "Action.Submit", "title": "Ask them to call me back",
                        "data": {"choice": "callback:groceries"}}]
    emulator = reply_fields(reply, EMULATOR)
    assert [a["title"] for a in emulator["suggestedActions"]["actions"]] == ["Ask them to call me back"]


def test_teams_routed_text_does_not_repeat_the_card() -> None:
    reply = Reply(kind="routed", title="Groceries", contacts=(HELPLINE,),
                  text="Here is who can help:\n\nGroceries: Helpline\nPhone: 094 906 4660\nHours: 9am to 5pm")
    teams = reply_fields(reply, PERSONAL)
    assert teams["text"] == "Here is who can help:\n\nGroceries: 094 906 4660"
    assert teams["summary"] == reply.text and teams["attachments"]
    emulator = reply_fields(reply, EMULATOR)
    assert "Hours: 9am to 5pm" in emulator["text"], "channels other than Teams get the full text"
