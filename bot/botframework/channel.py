"""Sending into conversations through the Bot Framework connector REST API.

Replies to an inbound activity are addressed from that activity (its ``conversation``,
``from`` and ``recipient`` objects are reused as they came, so channel-specific fields such
as Teams' tenant survive). Messages the bot sends on its own initiative (staff cards,
notices to citizens, card updates) are addressed from a stored
:class:`~bot.conversation.Address`. Every call carries the bot's own token
(``credentials.py``).
"""

from __future__ import annotations

from typing import Any

from ..cards import ADAPTIVE_CARD
from ..conversation import Address
from ..referrals.errors import DeliveryFailed
from .connector import ConnectorError, ConnectorSender
from .render import encode

# Channels whose replies are not threaded (no replyToId).
UNTHREADED = frozenset({"directline", "webchat"})


def addressing_from(address: Address, *, reply_to: str | None = None) -> dict[str, Any]:
    conversation: dict[str, Any] = {"id": address.conversation_id}
    if address.scope:
        conversation["conversationType"] = address.scope
        conversation["isGroup"] = address.is_group
    if address.tenant_id:
        conversation["tenantId"] = address.tenant_id
    fields: dict[str, Any] = {
        "serviceUrl": address.service_url,
        "channelId": address.channel,
        "from": address.bot.to_dict(),
        "conversation": conversation,
    }
    if address.user is not None:
        fields["recipient"] = address.user.to_dict()
    if address.tenant_id and address.channel == "msteams":
        fields["channelData"] = {"tenant": {"id": address.tenant_id}}
    if address.locale:
        fields["locale"] = address.locale
    if reply_to and address.channel not in UNTHREADED:
        fields["replyToId"] = reply_to
    return fields


def addressing_of_reply(body: dict[str, Any]) -> tuple[bytes, str | None]:
    """The addressing members (JSON, without braces) of a reply to the activity ``body``,
    and the activity it replies to (None on channels whose replies are not threaded)."""
    reply_to = None if body.get("channelId") in UNTHREADED else body.get("id")
    fields: dict[str, Any] = {
        "serviceUrl": body["serviceUrl"],
        "channelId": body.get("channelId"),
        "from": body.get("recipient"),
        "conversation": body["conversation"],
        "recipient": body["from"],
    }
    if body.get("locale") is not None:
        fields["locale"] = body["locale"]
    if isinstance(reply_to, str) and reply_to:
        fields["replyToId"] = reply_to
    else:
        reply_to = None
    return encode(fields)[1:-1], reply_to


def join(fields: bytes, addressing: bytes) -> bytes:
    """One activity from its own fields and its addressing (both JSON members)."""
    return b"{" + fields + b"," + addressing + b"}"


def delivery_failed(error: ConnectorError) -> DeliveryFailed:
    """The delivery error for a connector error (a 429's Retry-After kept)."""
    return DeliveryFailed(error.kind, retryable=error.retryable, retry_after=error.retry_after)


async def update_card(
    sender: ConnectorSender, address: Address, activity_id: str, card: dict[str, Any]
) -> None:
    """Replace the card of the message ``activity_id`` sent earlier to ``address``."""
    body = {
        "type": "message",
        "id": activity_id,
        "attachments": [{"contentType": ADAPTIVE_CARD, "content": card}],
        **addressing_from(address),
    }
    try:
        await sender.update(address.service_url, address.conversation_id, activity_id, encode(body))
    except ConnectorError as error:
        raise delivery_failed(error) from None


class BotFrameworkChannel:
    """:class:`bot.referrals.delivery.Channel` over the connector REST API."""

    def __init__(self, sender: ConnectorSender) -> None:
        self.sender = sender

    async def _send(self, address: Address, fields: dict[str, Any]) -> str:
        body = {**fields, **addressing_from(address)}
        try:
            return await self.sender.send(address.service_url, address.conversation_id, encode(body))
        except ConnectorError as error:
            raise delivery_failed(error) from None

    async def send_text(self, address: Address, text: str) -> str:
        return await self._send(address, {"type": "message", "text": text, "textFormat": "plain"})

    async def send_card(self, address: Address, text: str, card: dict[str, Any]) -> str:
        fields = {
            "type": "message",
            "text": text,
            "textFormat": "plain",
            "attachments": [{"contentType": ADAPTIVE_CARD, "content": card}],
        }
        return await self._send(address, fields)

    async def update_card(self, address: Address, activity_id: str, card: dict[str, Any]) -> None:
        await update_card(self.sender, address, activity_id, card)
