"""What the core is given and what it gives back, in channel-neutral terms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from routing.reply import Reply

from ..conversation import GROUP_SCOPES, Account, Address, CardUpdate, Notice

__all__ = ["GROUP_SCOPES", "Account", "Address", "CardUpdate", "Inbound", "Notice", "Outcome"]


InboundKind = Literal["message", "action", "joined", "other"]


@dataclass(frozen=True, slots=True)
class Inbound:
    """One thing that happened in a conversation, as the core sees it.

    - ``message``: someone wrote (``text``), pressed a button that sends a message, or sent
      a card's submit data (``choice``/``data``).
    - ``action``: a card button that expects an answer in place (Teams ``Action.Execute``):
      the outcome's ``invoke`` answers it.
    - ``joined``: people (``members_added``) or the bot (``bot_added``) joined.
    - ``other``: anything else; acknowledged, nothing said.
    ``trusted``: the channel vouched for this conversation and sender (a validated channel
    token); False in local mode. Staff destinations are only ever learned from trusted ones.
    """

    kind: InboundKind
    address: Address
    sender: Account
    text: str = ""
    choice: str | None = None
    data: Mapping[str, Any] | None = None
    has_attachments: bool = False
    mentioned: bool = False
    members_added: tuple[str, ...] = ()
    bot_added: bool = False
    trusted: bool = False
    activity_id: str | None = None
    reply_to_id: str | None = None
    locale: str | None = None


@dataclass(slots=True)
class Outcome:
    """What a turn decided. ``replies`` go to the conversation the inbound came from, in
    order; ``invoke`` answers a card action in place (a refreshed card, or a short message);
    ``updates`` and ``notices`` are carried out after the state is saved."""

    replies: list[Reply] = field(default_factory=list)
    invoke: dict[str, Any] | None = None
    updates: list[CardUpdate] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    wake_outbox: bool = False
