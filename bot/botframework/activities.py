"""Bot Framework activity JSON in, the core's neutral :class:`~bot.core.message.Inbound` out.

Only the fields the helpline reads are looked at; each has to have the shape the Bot
Framework schema gives it, or the request is refused with 400 and the field's name
(``bot/web/inbound.py`` has already checked ``type``, ``conversation.id``, ``serviceUrl``
and ``from``). Unknown activity types and fields are ignored.
"""

from __future__ import annotations

from typing import Any

from ..cards import choice_from_value
from ..conversation import Account, Address
from ..core.message import Inbound
from ..core.turn import MAX_TEXT
from .mentions import is_bot_mentioned, text_without_own_mention

INVOKE_CARD_ACTION = "adaptiveCard/action"


class BadActivity(ValueError):
    """A field the bot reads has the wrong shape; the message names it (400)."""


def _str(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise BadActivity(f"activity.{key} must be a string")
    return value


def _obj(body: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadActivity(f"activity.{key} must be an object")
    return value


def _account(value: Any, where: str) -> Account | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadActivity(f"activity.{where} must be an object")
    ident, name, aad = value.get("id"), value.get("name"), value.get("aadObjectId")
    return Account(
        ident if isinstance(ident, str) else "",
        name if isinstance(name, str) else "",
        aad if isinstance(aad, str) else None,
    )


def address_of(body: dict[str, Any]) -> Address:
    """Where ``body``'s conversation is: the address replies and later messages go to."""
    conversation = body["conversation"]
    scope = conversation.get("conversationType")
    channel_data = body.get("channelData")
    tenant = conversation.get("tenantId")
    if tenant is None and isinstance(channel_data, dict):
        tenant_data = channel_data.get("tenant")
        tenant = tenant_data.get("id") if isinstance(tenant_data, dict) else None
    if scope is None and conversation.get("isGroup") is True:
        scope = "groupChat"
    return Address(
        channel=_str(body, "channelId") or "",
        conversation_id=conversation["id"],
        service_url=body["serviceUrl"],
        bot=_account(body.get("recipient"), "recipient") or Account(""),
        user=_account(body.get("from"), "from"),
        scope=scope if isinstance(scope, str) else "",
        tenant_id=tenant if isinstance(tenant, str) else None,
        locale=body.get("locale") if isinstance(body.get("locale"), str) else None,
    )


def _text(body: dict[str, Any], address: Address) -> str:
    if address.is_group:
        text = text_without_own_mention(body)
    else:
        text = (body.get("text") or "").strip()
    return text[:MAX_TEXT]


def _data(value: Any) -> dict[str, Any] | None:
    """A card action's data: Action.Execute sends ``{"action": {"data": ...}}``, Action.Submit
    sends the data itself as ``value``."""
    if not isinstance(value, dict):
        return None
    action = value.get("action")
    if isinstance(action, dict):
        data = action.get("data")
        return data if isinstance(data, dict) else None
    return value


def to_inbound(body: dict[str, Any], *, trusted: bool) -> Inbound:
    """The core's view of an activity. Raises :class:`BadActivity` for a wrongly shaped
    field the bot reads."""
    kind = body["type"]
    _str(body, "text")
    _str(body, "locale")
    _str(body, "id")
    _str(body, "replyToId")
    address = address_of(body)
    sender = address.user or Account("")
    attachments = body.get("attachments")
    if attachments is not None and not isinstance(attachments, list):
        raise BadActivity("activity.attachments must be a list")
    common: dict[str, Any] = {
        "address": address,
        "sender": sender,
        "trusted": trusted,
        "activity_id": body.get("id") if isinstance(body.get("id"), str) else None,
        "reply_to_id": body.get("replyToId") if isinstance(body.get("replyToId"), str) else None,
        "locale": address.locale,
    }
    if kind == "message":
        value = body.get("value")
        return Inbound(
            kind="message",
            text=_text(body, address),
            choice=choice_from_value(value),
            data=_data(value),
            has_attachments=bool(attachments),
            mentioned=is_bot_mentioned(body) if address.is_group else False,
            **common,
        )
    if kind == "invoke":
        if body.get("name") != INVOKE_CARD_ACTION:
            return Inbound(kind="other", **common)
        value = body.get("value")
        return Inbound(kind="action", choice=choice_from_value(value), data=_data(value), **common)
    if kind == "conversationUpdate":
        added = body.get("membersAdded")
        if added is None:
            return Inbound(kind="other", **common)
        if not isinstance(added, list):
            raise BadActivity("activity.membersAdded must be a list")
        ids = tuple(
            m["id"] for m in added if isinstance(m, dict) and isinstance(m.get("id"), str) and m["id"]
        )
        bot_id = address.bot.id
        return Inbound(
            kind="joined",
            members_added=tuple(i for i in ids if i != bot_id),
            bot_added=bool(bot_id) and bot_id in ids,
            **common,
        )
    # installationUpdate arrives together with conversationUpdate for one install: the
    # conversationUpdate welcomes, this needs no reply (two would welcome twice).
    return Inbound(kind="other", **common)
