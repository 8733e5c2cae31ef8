"""Turn a channel-neutral routing ``Reply`` into a Bot Framework activity.

Every reply sets ``text`` (channels without cards and notifications show it). Contacts come
as an Adaptive Card (schema 1.5, the highest Teams renders) with ``tel:``/``mailto:`` actions.
Choices are suggested actions; in Teams group chats and channels, which do not show suggested
actions, they are card buttons instead.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from botbuilder.schema import Activity

from routing.reply import Choice, ContactView, Reply

from .wire import model_from_json

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"
CHOICE_KEY = "choice"
GROUP_SCOPES = ("channel", "groupChat")


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


@dataclass(frozen=True, slots=True)
class Shape:
    """What about the conversation changes how a reply looks."""

    teams: bool  # Teams: short text above a routed card
    card_buttons: bool  # Teams group chats and channels show no suggested actions

    @classmethod
    def of(cls, channel_id: str | None, conversation_type: str | None) -> "Shape":
        if channel_id != "msteams":
            return _ELSEWHERE
        return _TEAMS_GROUP if conversation_type in GROUP_SCOPES else _TEAMS_PERSONAL


_ELSEWHERE = Shape(teams=False, card_buttons=False)
_TEAMS_PERSONAL = Shape(teams=True, card_buttons=False)
_TEAMS_GROUP = Shape(teams=True, card_buttons=True)


def reply_fields(reply: Reply, shape: Shape) -> dict[str, Any]:
    """The reply's own fields in Bot Framework JSON: everything but the addressing."""
    fields: dict[str, Any] = {
        "type": "message",
        "text": as_markdown(reply.text),
        "textFormat": "markdown",
        "inputHint": "acceptingInput",
    }
    if shape.teams and reply.kind == "routed" and reply.contacts:
        fields["text"] = as_markdown(_teams_text(reply))
        fields["summary"] = reply.text
    if reply.contacts or (shape.card_buttons and reply.choices):
        card = adaptive_card(reply, with_buttons=shape.card_buttons)
        fields["attachments"] = [{"contentType": ADAPTIVE_CARD, "content": card}]
    if reply.choices and not shape.card_buttons:
        fields["suggestedActions"] = {
            "actions": [{"type": "imBack", "title": c.label, "value": c.label} for c in reply.choices]
        }
    return fields


def reply_activity(reply: Reply, incoming: Activity) -> Activity:
    """The activity that answers ``incoming`` with ``reply`` (the SDK's turn sends it)."""
    conversation_type = incoming.conversation.conversation_type if incoming.conversation else None
    fields = reply_fields(reply, Shape.of(incoming.channel_id, conversation_type))
    activity: Activity = model_from_json(ReplyActivity, fields)
    return activity


class EncodedReplies:
    """Replies' own fields as encoded JSON, each built once: many citizens asking the same
    thing in the same minute get the same contacts, so the card is rendered and encoded once
    per (reply, shape) and only the addressing is added per message. Bounded (oldest out)."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._encoded: dict[tuple[Any, ...], bytes] = {}

    def fields(self, reply: Reply, shape: Shape) -> bytes:
        """The JSON members of the reply's fields, without the enclosing braces."""
        key = (reply.kind, reply.text, reply.title, reply.contacts, reply.choices, shape)
        encoded = self._encoded.get(key)
        if encoded is None:
            encoded = encode(reply_fields(reply, shape))[1:-1]
            if len(self._encoded) >= self._size:
                del self._encoded[next(iter(self._encoded))]
            self._encoded[key] = encoded
        return encoded


def encode(value: Any) -> bytes:
    """Compact UTF-8 JSON, as every reply is sent."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


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
