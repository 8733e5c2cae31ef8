"""The live chat's sends through the Bot Framework connector: a new thread in the staff
channel, messages to a citizen or into a thread, card updates and deletions
(:class:`bot.handoff.outbox.ChatChannel`).

A Teams channel thread is its own conversation, ``19:…@thread.tacv2;messageid=<root id>``:
posting there (not ``replyToId`` on the channel, which Teams does not show as a threaded
reply) puts a message in the thread. A new thread is ``POST {serviceUrl}/v3/conversations``
with ``isGroup`` and ``channelData.channel.id``; the answer names the thread and its first
message. These calls try once: the outbox retries, honouring Teams' Retry-After in full and
keeping the conversation's order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from routing.reply import Choice, Reply

from ..cards import ADAPTIVE_CARD
from ..conversation import Address
from ..referrals.errors import DeliveryFailed
from .channel import addressing_from, delivery_failed, update_card
from .connector import ConnectorError, ConnectorSender
from .render import Shape, encode, reply_fields


class TeamsChatChannel:
    def __init__(self, sender: ConnectorSender) -> None:
        self.sender = sender

    async def create_thread(
        self, channel: Address, text: str, card: dict[str, Any]
    ) -> tuple[str, str | None]:
        # The card alone (its heading says what it is); ``summary`` is what notifications
        # and the activity feed show for it.
        activity: dict[str, Any] = {
            "type": "message",
            "summary": text,
            "attachments": [{"contentType": ADAPTIVE_CARD, "content": card}],
        }
        channel_data: dict[str, Any] = {"channel": {"id": channel.channel_root}}
        if channel.tenant_id:
            channel_data["tenant"] = {"id": channel.tenant_id}
        body: dict[str, Any] = {"isGroup": True, "channelData": channel_data, "activity": activity}
        if channel.bot.id:
            body["bot"] = channel.bot.to_dict()
        if channel.tenant_id:
            body["tenantId"] = channel.tenant_id
        try:
            answer = await self.sender.create_conversation(channel.service_url, encode(body))
        except ConnectorError as error:
            raise delivery_failed(error) from None
        thread = answer.get("id")
        if not isinstance(thread, str) or not thread:
            raise DeliveryFailed("no_thread_id", retryable=True)
        root = answer.get("activityId")
        if not isinstance(root, str) or not root:
            root = thread.split(";messageid=", 1)[1] if ";messageid=" in thread else None
        return thread, root

    async def post(
        self,
        address: Address,
        text: str | None,
        card: dict[str, Any] | None = None,
        buttons: Sequence[Choice] = (),
    ) -> str:
        if card is None:
            # A message as the core's replies look (markdown paragraphs, buttons shaped
            # for the conversation: suggested actions in a personal chat).
            reply = Reply(kind="handoff", text=text or "", choices=tuple(buttons))
            fields = reply_fields(reply, Shape.of(address.channel, address.scope))
        else:
            fields = {
                "type": "message",
                "textFormat": "plain",
                "attachments": [{"contentType": ADAPTIVE_CARD, "content": card}],
            }
            if text:
                fields["text"] = text
        body = {**fields, **addressing_from(address)}
        try:
            return await self.sender.send(address.service_url, address.conversation_id, encode(body))
        except ConnectorError as error:
            raise delivery_failed(error) from None

    async def update_card(self, address: Address, activity_id: str, card: dict[str, Any]) -> None:
        await update_card(self.sender, address, activity_id, card)

    async def delete(self, address: Address, activity_id: str) -> None:
        try:
            await self.sender.delete(address.service_url, address.conversation_id, activity_id)
        except ConnectorError as error:
            if error.status == 404:
                return  # already gone
            raise delivery_failed(error) from None
