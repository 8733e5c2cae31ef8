"""A neutral ``Reply`` as Bot Framework activity JSON, shaped for the channel.

Every reply sets ``text`` (channels without cards and notifications show it). Contacts come
as an Adaptive Card (``bot/cards.py``) with ``tel:``/``mailto:`` actions. Choices are
suggested actions, except in Teams where a reply carries a card (its buttons go in the card:
Teams and the Agents Playground do not show suggested actions under a card) and in Teams
group chats and channels (no suggested actions at all).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from routing.reply import Reply

from ..cards import ADAPTIVE_CARD, adaptive_card
from ..conversation import GROUP_SCOPES


def as_markdown(text: str) -> str:
    """Teams, Web Chat and the Emulator render message text as markdown, where a single
    line break is only a space: every line of the plain reply becomes its own paragraph
    ("- " lines then show as a list)."""
    lines = [line.strip() for line in text.splitlines()]
    return "\n\n".join(line for line in lines if line)


def _teams_text(reply: Reply) -> str:
    """Teams shows a message's text right above its card, so a routed reply's full text
    would show every contact twice. There the text is the lead sentence and each number
    once, with the services it serves (enough for the notification); the full text goes
    in ``summary``."""
    lead = reply.text.split("\n\n", 1)[0]
    numbers: dict[str, list[str]] = {}
    for contact in reply.contacts:
        number = contact.phone or contact.email
        if number:
            label = contact.service_title or contact.name
            labels = numbers.setdefault(number, [])
            if label not in labels:
                labels.append(label)
    lines = [lead, *(f"{', '.join(labels)}: {number}" for number, labels in numbers.items())]
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Shape:
    """What about the conversation changes how a reply looks."""

    teams: bool  # Teams: short text above a routed card, choices inside the card
    group: bool  # Teams group chats and channels show no suggested actions

    @classmethod
    def of(cls, channel_id: str | None, conversation_type: str | None) -> Shape:
        if channel_id != "msteams":
            return _ELSEWHERE
        return _TEAMS_GROUP if conversation_type in GROUP_SCOPES else _TEAMS_PERSONAL


_ELSEWHERE = Shape(teams=False, group=False)
_TEAMS_PERSONAL = Shape(teams=True, group=False)
_TEAMS_GROUP = Shape(teams=True, group=True)


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
    buttons_in_card = bool(reply.choices) and (shape.group or (shape.teams and bool(reply.contacts)))
    if reply.contacts or buttons_in_card:
        card = adaptive_card(reply, with_buttons=buttons_in_card)
        fields["attachments"] = [{"contentType": ADAPTIVE_CARD, "content": card}]
    if reply.choices and not buttons_in_card:
        fields["suggestedActions"] = {
            "actions": [{"type": "imBack", "title": c.label, "value": c.label} for c in reply.choices]
        }
    return fields


def encode(value: Any) -> bytes:
    """Compact UTF-8 JSON, as every reply is sent."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


class EncodedReplies:
    """Replies' own fields as encoded JSON, each built once: many citizens asking the same
    thing in the same minute get the same contacts, so the card is rendered and encoded once
    per (reply, shape) and only the addressing is added per message. Bounded (oldest out)."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._encoded: dict[tuple[Any, ...], bytes] = {}

    def fields(self, reply: Reply, shape: Shape) -> bytes:
        """The JSON members of the reply's fields, without the enclosing braces."""
        key = (
            reply.kind, reply.text, reply.title, reply.contacts, reply.choices, reply.labels, shape
        )
        encoded = self._encoded.get(key)
        if encoded is None:
            encoded = encode(reply_fields(reply, shape))[1:-1]
            if len(self._encoded) >= self._size:
                del self._encoded[next(iter(self._encoded))]
            self._encoded[key] = encoded
        return encoded
