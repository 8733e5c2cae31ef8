"""Factories for inbound activities as channels send them, with sensible defaults."""

from __future__ import annotations

import itertools
from typing import Any

BOT = {"id": "bot-1", "name": "Helpline"}
_ids = itertools.count(1)


def activity(
    service_url: str,
    *,
    type: str = "message",
    text: str | None = None,
    user_id: str = "user-1",
    conversation_id: str = "conv-1",
    channel_id: str = "emulator",
    conversation_type: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    conversation: dict[str, Any] = {"id": conversation_id}
    if conversation_type:
        conversation["conversationType"] = conversation_type
    body: dict[str, Any] = {
        "type": type,
        "id": f"act-{next(_ids)}",
        "channelId": channel_id,
        "serviceUrl": service_url,
        "from": {"id": user_id, "name": "Citizen"},
        "recipient": dict(BOT),
        "conversation": conversation,
        "timestamp": "2026-11-28T10:00:00Z",
    }
    if text is not None:
        body["text"] = text
    body.update(extra)
    return body


def message(service_url: str, text: str, **kw: Any) -> dict[str, Any]:
    return activity(service_url, text=text, **kw)


def members_added(service_url: str, *member_ids: str, **kw: Any) -> dict[str, Any]:
    return activity(
        service_url,
        type="conversationUpdate",
        membersAdded=[{"id": m} for m in member_ids],
        **kw,
    )


def button_press(service_url: str, choice: str, **kw: Any) -> dict[str, Any]:
    """An Adaptive Card Action.Submit press: a message whose value carries the choice."""
    return activity(service_url, value={"choice": choice}, **kw)
