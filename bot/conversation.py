"""Where a conversation is, who is in it, and what can be sent into it later: neutral terms
every layer shares (the core's turns, referrals and their outbox, live chats, the Bot
Framework adapter, which alone knows how they become activities)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from routing.reply import Reply

GROUP_SCOPES = ("channel", "groupChat")


@dataclass(frozen=True, slots=True)
class Account:
    """A participant: the citizen, a staff member or the bot itself."""

    id: str
    name: str = ""
    aad_object_id: str | None = None

    def to_dict(self) -> dict[str, str]:
        out = {"id": self.id, "name": self.name}
        if self.aad_object_id:
            out["aadObjectId"] = self.aad_object_id
        return out

    @classmethod
    def from_dict(cls, data: Any) -> Account | None:
        if not isinstance(data, Mapping) or not isinstance(data.get("id"), str):
            return None
        name = data.get("name")
        aad = data.get("aadObjectId")
        return cls(data["id"], name if isinstance(name, str) else "", aad if isinstance(aad, str) else None)


@dataclass(frozen=True, slots=True)
class Address:
    """Where a conversation is and how to reach it again (stored for later messages).

    ``key`` names the conversation's state; ``scope`` is Teams' conversation type
    (``personal``, ``groupChat``, ``channel``; empty elsewhere)."""

    channel: str
    conversation_id: str
    service_url: str
    bot: Account
    user: Account | None = None
    scope: str = ""
    tenant_id: str | None = None
    locale: str | None = None

    @property
    def key(self) -> str:
        return f"{self.channel}/conversations/{self.conversation_id}"

    @property
    def is_group(self) -> bool:
        return self.scope in GROUP_SCOPES

    @property
    def channel_root(self) -> str:
        """A Teams channel thread's channel (``19:...;messageid=...`` without the thread)."""
        return self.conversation_id.split(";messageid=", 1)[0]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "channel": self.channel,
            "conversation_id": self.conversation_id,
            "service_url": self.service_url,
            "bot": self.bot.to_dict(),
            "scope": self.scope,
        }
        if self.user is not None:
            out["user"] = self.user.to_dict()
        if self.tenant_id:
            out["tenant_id"] = self.tenant_id
        if self.locale:
            out["locale"] = self.locale
        return out

    @classmethod
    def from_dict(cls, data: Any) -> Address | None:
        if not isinstance(data, Mapping):
            return None
        channel, conversation, url = (
            data.get("channel"),
            data.get("conversation_id"),
            data.get("service_url"),
        )
        bot = Account.from_dict(data.get("bot"))
        if not (isinstance(channel, str) and isinstance(conversation, str) and isinstance(url, str)):
            return None
        tenant, locale, scope = data.get("tenant_id"), data.get("locale"), data.get("scope")
        return cls(
            channel=channel,
            conversation_id=conversation,
            service_url=url,
            bot=bot or Account(""),
            user=Account.from_dict(data.get("user")),
            scope=scope if isinstance(scope, str) else "",
            tenant_id=tenant if isinstance(tenant, str) else None,
            locale=locale if isinstance(locale, str) else None,
        )

    def elsewhere(self, conversation_id: str, *, scope: str | None = None) -> Address:
        """The same channel and service, another conversation (a staff thread, a channel)."""
        return Address(
            channel=self.channel,
            conversation_id=conversation_id,
            service_url=self.service_url,
            bot=self.bot,
            user=None,
            scope=self.scope if scope is None else scope,
            tenant_id=self.tenant_id,
        )


@dataclass(frozen=True, slots=True)
class CardUpdate:
    """Replace a message the bot sent earlier (a staff card) with ``card``."""

    address: Address
    activity_id: str
    card: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Notice:
    """Send ``reply`` into another conversation (a staff thread, the citizen's chat)."""

    address: Address
    reply: Reply
