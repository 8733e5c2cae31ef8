"""Adaptive Cards as JSON: the contact card of a routed reply and the pieces staff cards use.

Schema 1.5, the highest Teams renders. Text a citizen wrote is never put in a ``TextBlock``
(which renders markdown: a citizen's ``[link](https://...)`` would arrive as a live link);
:func:`literal` puts it in a ``RichTextBlock`` whose ``TextRun`` is shown as typed. No
Bot Framework types here: the adapter (``bot/botframework/render.py``) places the card in
an activity.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from routing.reply import ENGLISH_LABELS, CardLabels, Choice, ContactView, Reply

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"
CHOICE_KEY = "choice"


def _text_block(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **extra}


def _contact_items(
    contact: ContactView, heading: str, labels: CardLabels = ENGLISH_LABELS
) -> list[dict[str, Any]]:
    """One contact's blocks; the fixed words (Phone, Hours, Call ...) are ``labels``, in
    the reply's language (``messages.labels`` in the routing file)."""
    items: list[dict[str, Any]] = []
    if contact.service_title and contact.service_title != heading:
        items.append(
            _text_block(contact.service_title, weight="Bolder", size="Medium", separator=True)
        )
    name = f"{contact.name} ({contact.area})" if contact.area else contact.name
    items.append(_text_block(name, weight="Bolder" if not contact.service_title else "Default"))
    facts = []
    if contact.phone:
        facts.append({"title": labels.phone, "value": contact.phone})
    if contact.email:
        facts.append({"title": labels.email, "value": contact.email})
    if contact.hours:
        facts.append({"title": labels.hours, "value": contact.hours})
    if facts:
        items.append({"type": "FactSet", "facts": facts})
    if contact.status:
        items.append(
            _text_block(contact.status, color="Good" if contact.open_now else "Attention")
        )
    if not contact.open_now and contact.out_of_hours:
        items.append(_text_block(contact.out_of_hours))
    if contact.have_ready:
        items.append(_text_block(labels.have_ready, weight="Bolder", spacing="Small"))
        items.append(_text_block("\n".join(f"- {item}" for item in contact.have_ready)))
    if contact.note:
        items.append(_text_block(contact.note, isSubtle=True))
    actions = []
    if contact.phone_uri:
        title = labels.call.format(phone=contact.phone)
        actions.append({"type": "Action.OpenUrl", "title": title, "url": contact.phone_uri})
    if contact.email:
        mail = f"mailto:{contact.email}"
        actions.append({"type": "Action.OpenUrl", "title": labels.email_button, "url": mail})
    if actions:
        items.append({"type": "ActionSet", "actions": actions})
    return items


def _submit(choice: Choice) -> dict[str, Any]:
    return {"type": "Action.Submit", "title": choice.label, "data": {CHOICE_KEY: choice.value}}


def _merged(contacts: tuple[ContactView, ...]) -> list[ContactView]:
    """Services that share one contact (two services, both the county helpline) shown as
    one block with both titles, so the card has one number and one Call button for it."""
    groups: dict[tuple[object, ...], list[ContactView]] = {}
    for c in contacts:
        groups.setdefault((c.name, c.phone, c.email, c.area, c.status), []).append(c)
    merged = []
    for group in groups.values():
        first = group[0]
        titles = ", ".join(dict.fromkeys(c.service_title for c in group if c.service_title))
        ready = tuple(dict.fromkeys(r for c in group for r in c.have_ready))
        merged.append(replace(first, service_title=titles, have_ready=ready))
    return merged


def adaptive_card(reply: Reply, *, with_buttons: bool) -> dict[str, Any]:
    body: list[dict[str, Any]] = []
    if reply.title:
        body.append(_text_block(reply.title, weight="Bolder", size="Large"))
    for contact in _merged(reply.contacts):
        body.extend(_contact_items(contact, reply.title, reply.labels))
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


def literal(text: str, **extra: Any) -> dict[str, Any]:
    """A block showing ``text`` exactly as typed (no markdown, no links)."""
    return {
        "type": "RichTextBlock",
        "inlines": [{"type": "TextRun", "text": text}],
        **extra,
    }


def card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": body,
    }
    if actions:
        out["actions"] = actions
    return out


def attachment(content: dict[str, Any]) -> dict[str, Any]:
    return {"contentType": ADAPTIVE_CARD, "content": content}


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
