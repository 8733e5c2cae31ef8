"""Turn a channel-neutral routing ``Reply`` into a Bot Framework activity.

Every reply sets ``text`` (channels without cards and notifications show it). Contacts come
as an Adaptive Card (schema 1.5, the highest Teams renders) with ``tel:``/``mailto:`` actions.
Choices are suggested actions; in Teams group chats and channels, which do not show suggested
actions, they are card buttons instead.
"""

from __future__ import annotations

import copy
from typing import Any

from botbuilder.schema import (
    ActionTypes,
    Activity,
    ActivityTypes,
    Attachment,
    CardAction,
    SuggestedActions,
)

from routing.reply import Choice, ContactView, Reply

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"
CHOICE_KEY = "choice"


def _text_block(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **extra}


def _contact_items(contact: ContactView, heading: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if contact.service_title and contact.service_title != heading:
        items.append(
            _text_block(contact.service_title, weight="Bolder", size="Medium", separator=True)
        )
    name = f"{contact.name} ({contact.area})" if contact.area else contact.name
    items.append(_text_block(name, weight="Bolder" if not contact.service_title else "Default"))
    facts = []
    if contact.phone:
        facts.append({"title": "Phone", "value": contact.phone})
    if contact.email:
        facts.append({"title": "Email", "value": contact.email})
    if contact.hours:
        facts.append({"title": "Hours", "value": contact.hours})
    if facts:
        items.append({"type": "FactSet", "facts": facts})
    if contact.status:
        items.append(
            _text_block(contact.status, color="Good" if contact.open_now else "Attention")
        )
    if not contact.open_now and contact.out_of_hours:
        items.append(_text_block(contact.out_of_hours))
    if contact.have_ready:
        items.append(_text_block("Have ready when you call:", weight="Bolder", spacing="Small"))
        items.append(_text_block("\n".join(f"- {item}" for item in contact.have_ready)))
    if contact.note:
        items.append(_text_block(contact.note, isSubtle=True))
    actions = []
    if contact.phone_uri:
        actions.append({"type": "Action.OpenUrl", "title": f"Call {contact.phone}", "url": contact.phone_uri})
    if contact.email:
        actions.append({"type": "Action.OpenUrl", "title": "Email", "url": f"mailto:{contact.email}"})
    if actions:
        items.append({"type": "ActionSet", "actions": actions})
    return items


def _submit(choice: Choice) -> dict[str, Any]:
    return {"type": "Action.Submit", "title": choice.label, "data": {CHOICE_KEY: choice.value}}


def adaptive_card(reply: Reply, *, with_buttons: bool) -> dict[str, Any]:
    body: list[dict[str, Any]] = []
    if reply.title:
        body.append(_text_block(reply.title, weight="Bolder", size="Large"))
    for contact in reply.contacts:
        body.extend(_contact_items(contact, reply.title))
    if not reply.contacts:
        body.append(_text_block(reply.text))
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": body,
    }
    if with_buttons and reply.choices:
        card["actions"] = [_submit(c) for c in reply.choices]
    return card


class ReplyActivity(Activity):
    """A reply built fresh for one send and never changed afterwards.

    ``TurnContext.send_activities`` deep-copies every outgoing activity before stamping the
    conversation reference on it; for a reply with a card that copy was the largest single
    cost of a turn. Stamping only assigns top-level fields, so a shallow copy is faithful.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> "ReplyActivity":
        return copy.copy(self)


def as_markdown(text: str) -> str:
    """Teams, Web Chat and the Emulator render message text as markdown, where a single
    line break is only a space: every line of the plain reply becomes its own paragraph
    ("- " lines then show as a list)."""
    lines = [line.strip() for line in text.splitlines()]
    return "\n\n".join(line for line in lines if line)


def _needs_card_buttons(incoming: Activity) -> bool:
    conversation_type = incoming.conversation.conversation_type if incoming.conversation else None
    return incoming.channel_id == "msteams" and conversation_type in ("channel", "groupChat")


def _teams_text(reply: Reply) -> str:
    """Teams shows a message's text right above its card, so a routed reply's full text
    would show every contact twice. There the text is the lead sentence and each service's
    number (enough for the notification); the full text goes in ``summary``."""
    lead = reply.text.split("\n\n", 1)[0]
    lines = [lead]
    for contact in reply.contacts:
        label = contact.service_title or contact.name
        number = contact.phone or contact.email
        if number:
            lines.append(f"{label}: {number}")
    return "\n".join(dict.fromkeys(lines))


def reply_activity(reply: Reply, incoming: Activity) -> Activity:
    """The activity that answers ``incoming`` with ``reply``."""
    full = as_markdown(reply.text)
    activity = ReplyActivity(type=ActivityTypes.message, text=full, text_format="markdown")
    if incoming.channel_id == "msteams" and reply.kind == "routed" and reply.contacts:
        activity.text = as_markdown(_teams_text(reply))
        activity.summary = reply.text
    card_buttons = _needs_card_buttons(incoming)
    if reply.contacts or (card_buttons and reply.choices):
        activity.attachments = [
            Attachment(
                content_type=ADAPTIVE_CARD,
                content=adaptive_card(reply, with_buttons=card_buttons),
            )
        ]
    if reply.choices and not card_buttons:
        activity.suggested_actions = SuggestedActions(
            actions=[
                CardAction(type=ActionTypes.im_back, title=c.label, value=c.label)
                for c in reply.choices
            ]
        )
    return activity


def choice_from_value(value: Any) -> str | None:
    """The routing choice carried by a card button press (Action.Submit / messageBack /
    Action.Execute data), if any."""
    if isinstance(value, dict):
        data = value.get("action", {}).get("data") if "action" in value else value
        if isinstance(data, dict):
            choice = data.get(CHOICE_KEY)
            if isinstance(choice, str) and choice:
                return choice
    return None
