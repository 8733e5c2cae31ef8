"""What the conversation core asks of the referral feature, free of any channel SDK.

- :meth:`Referrals.offer` adds "Ask them to call me back" under a routed reply.
- :meth:`Referrals.form` gives the call-back form's rules for the current routing table.
- :meth:`Referrals.commit` stores a finished form durably, then says what to tell the citizen.
- :meth:`Referrals.status` answers "what happened to MAY-XXXX-XXX" (own conversation only).
- :meth:`Referrals.erase` deletes everything kept about a conversation ("delete my details").
- :meth:`Referrals.claim` handles "I'll take it", only from a staff destination.
- :meth:`Referrals.capture` remembers how to reach a staff conversation (trusted only).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any

from routing.hours_text import tidy
from routing.localized import ENGLISH
from routing.referrals import ReferralConfig, day_word, ring_back_by, time_word
from routing.reply import Choice, Reply
from routing.router import Router

from ..conversation import Account, Address, CardUpdate
from ..storage import Storage
from ..storage.db import Connection
from ..storage import staff as staff_store
from ..storage.records import CLAIMED, NewReferral, Referral, Target
from ..storage.referrals import OUTBOX_CHANNEL, erase_conversation
from ..storage.state import delete_conversation
from .staff_card import erased_card, staff_card_for

log = logging.getLogger(__name__)

CALLBACK_PREFIX = "callback:"
# The call-back asked for from "talk to a person" rather than a service: the default plan.
TALK_TO_PERSON = "talk_to_person"
# Extra erasure steps other features add (live-chat transcripts, recorded messages): each
# runs inside the same transaction as the referrals' and the state's.
Eraser = Callable[[Connection, str], object]
# Runs before the erasure transaction (e.g. drop what a buffer still holds of the chat).
BeforeErase = Callable[[str], Awaitable[None]]


def address_from_stored(data: Any) -> Address | None:
    """An address as this release stores it, or a Bot Framework ConversationReference as
    the first release did (``serviceUrl``, ``conversation.id``, ``channelId``, ``bot``)."""
    address = Address.from_dict(data)
    if address is not None or not isinstance(data, dict):
        return address
    conversation = data.get("conversation") or {}
    service_url = data.get("serviceUrl") or data.get("service_url")
    if not isinstance(conversation, dict) or not isinstance(service_url, str):
        return None
    conversation_id = conversation.get("id")
    if not isinstance(conversation_id, str):
        return None
    return Address(
        channel=str(data.get("channelId") or data.get("channel_id") or "msteams"),
        conversation_id=conversation_id,
        service_url=service_url,
        bot=Account.from_dict(data.get("bot")) or Account(""),
        user=Account.from_dict(data.get("user")),
        scope=str(conversation.get("conversationType") or ("channel" if conversation.get("isGroup") else "")),
        tenant_id=conversation.get("tenantId") if isinstance(conversation.get("tenantId"), str) else None,
    )


class Referrals:
    def __init__(
        self,
        storage: Storage,
        router: Callable[[], Router],
        clock: Callable[[], dt.datetime],
        *,
        erasers: Sequence[Eraser] = (),
        before_erase: Sequence[BeforeErase] = (),
    ) -> None:
        self.storage = storage
        self.store = storage.referrals
        self._router = router
        self._clock = clock
        # The staff page's notes and recorded messages go with the referrals they belong to
        # (found through them: so before the referrals are erased).
        self._erasers = (staff_store.erase_citizen, *erasers)
        self._before_erase = tuple(before_erase)

    def config(self) -> ReferralConfig | None:
        return self._router().table.referrals

    # ---- offering ------------------------------------------------------------------------
    def offer(self, reply: Reply) -> Reply:
        config = self.config()
        if config is None or reply.kind not in ("routed", "talk_to_someone"):
            return reply
        intents = reply.intents if reply.kind == "routed" else (TALK_TO_PERSON,)
        service = next((s for s in intents if config.offered_for(s)), None)
        if service is None:
            return reply
        label = config.messages["offer_button"].in_(reply.language)
        button = Choice(label, f"{CALLBACK_PREFIX}{service}")
        if button in reply.choices:
            return reply
        return replace(reply, choices=(*reply.choices, button))

    # ---- staff conversations -------------------------------------------------------------
    def staff_conversations(self) -> frozenset[str]:
        """The conversation ids of the enabled Teams destinations (channels or chats)."""
        config = self.config()
        if config is None:
            return frozenset()
        return frozenset(
            str(d.conversation)
            for d in config.destinations.values()
            if d.enabled and d.type == "teams" and d.conversation
        )

    def is_staff_conversation(self, address: Address) -> bool:
        """``address`` is an enabled staff destination, or a thread in one (Teams sends a
        channel thread's messages as ``19:...;messageid=...``)."""
        ids = self.staff_conversations()
        return address.conversation_id in ids or address.channel_root in ids

    async def capture(self, address: Address) -> None:
        """Remember how to reach this team or chat, for staff cards. Only for addresses a
        validated channel token vouched for (the caller checks ``Inbound.trusted``).

        Teams sends every channel message, a new post included, as its thread
        (``19:…;messageid=…``): the channel itself is remembered too, so a channel the bot
        was not added in (only the team's General channel gets the "bot added" update)
        is known once anyone writes to the bot there."""
        stored = replace(address, user=None)
        await self.store.save_conversation_ref(address.conversation_id, stored.to_dict())
        root = address.channel_root
        if root != address.conversation_id:
            channel = replace(stored, conversation_id=root)
            await self.store.save_conversation_ref(root, channel.to_dict())

    # ---- committing ----------------------------------------------------------------------
    async def commit(
        self, address: Address, values: dict[str, Any], language: str = ENGLISH
    ) -> str:
        """Store the referral durably, then return what to tell the citizen, in
        ``language`` (never the other way round). Staff see which language it was."""
        config = self.config()
        if config is None:
            raise LookupError("call-back referrals are not configured")
        service_id = str(values["service"])
        now = self._clock()
        targets = [Target(d.type, d.id) for d in config.enabled_destinations(service_id)]
        new = NewReferral(
            submission=str(values["submission"]),
            conversation=address.key,
            service_id=service_id,
            name=str(values["name"]),
            phone=str(values["phone"]),
            area=values.get("area"),
            need=str(values.get("need") or ""),
            citizen_ref=address.to_dict(),
            town=values.get("town"),
            language=language,
        )
        try:
            referral, created = await self.store.create(new, targets, now.timestamp())
        except Exception:
            log.exception("callback for service %s could not be stored", service_id)
            return config.messages["failed"].in_(language)
        log.info(
            "referral %s committed for service %s (%d deliveries)%s",
            referral.reference,
            service_id,
            len(targets),
            "" if created else " (already stored)",
        )
        return tidy(config.messages["confirmed"].format(
            language,
            name=referral.name,
            reference=referral.reference,
            who=config.plan(service_id).who.in_(language),
            phone=referral.phone,
            when=self._when(config, service_id, now, language),
        ))

    def _when(
        self, config: ReferralConfig, service_id: str, now: dt.datetime, language: str
    ) -> str:
        plan = config.plan(service_id)
        schedule = plan.hours
        router = self._router().in_(language)
        if schedule is None:
            service = router.table.service(service_id)
            contacts = service.contacts_for(None) if service else ()
            schedule = contacts[0].contact.schedule if contacts else None
        by = ring_back_by(schedule, now, plan.response_hours)
        if by is None:
            return config.messages["when_soon"].in_(language)
        m = router.messages
        text = router.text
        day = day_word(
            by,
            now,
            text(m.today),
            text(m.tomorrow),
            tuple(text(d) for d in m.days),
            tuple(text(x) for x in m.months),
        )
        return config.messages["when_by"].format(
            language, time=time_word(by, router.language), day=day
        )

    # ---- status and erasure --------------------------------------------------------------
    async def status(self, conversation_key: str, reference: str, language: str = ENGLISH) -> str:
        config = self.config()
        assert config is not None
        m = config.messages
        referral = await self.store.get(reference)
        if referral is None or referral.conversation != conversation_key:
            return m["status_unknown"].format(language, reference=reference)
        if referral.status == CLAIMED:
            return m["status_claimed"].format(
                language, reference=reference, staff=first_name(referral.claimed_by or "")
            )
        who = config.plan(referral.service_id).who.in_(language)
        return m["status_received"].format(language, reference=reference, who=who)

    async def open_requests(self, conversation_key: str) -> list[Referral]:
        return await self.store.for_conversation(conversation_key)

    async def erase(self, conversation_key: str) -> list[CardUpdate]:
        """Delete every referral of the conversation, its state and whatever other features
        keep about it, in one transaction; then make sure the bytes leave the files. Returns
        the staff cards that showed the details, to be replaced by an "erased" card."""
        config = self.config()
        cards = [
            card
            for referral in await self.store.for_conversation(conversation_key)
            for card in await self.store.card_deliveries(referral.reference)
        ]

        def erase(conn: Connection) -> list[str]:
            with conn.transaction():
                for extra in self._erasers:
                    extra(conn, conversation_key)
                erased = erase_conversation(conn, conversation_key)
                delete_conversation(conn, conversation_key)
            conn.checkpoint()
            return erased

        for hook in self._before_erase:
            await hook(conversation_key)
        erased = await self.storage.db.call(erase)
        log.info(
            "citizen asked to delete their details: %d referral(s) erased %s",
            len(erased),
            ",".join(erased),
        )
        updates = []
        for card in cards:
            address = await self._card_address(card.conversation_id, card.service_url)
            if address is not None and card.activity_id and config is not None:
                updates.append(CardUpdate(address, card.activity_id, erased_card(card.reference, config)))
        return updates

    async def _card_address(self, conversation_id: str | None, service_url: str | None) -> Address | None:
        if not conversation_id:
            return None
        stored = address_from_stored(await self.store.conversation_ref(conversation_id))
        if stored is not None:
            return stored
        if not service_url:
            return None
        return Address("msteams", conversation_id, service_url, Account(""), scope="channel")

    async def card_updates(self, reference: str) -> list[CardUpdate]:
        """The Teams cards showing ``reference``, each with the card as it stands now (after
        a claim or hand-over on the staff page)."""
        config = self.config()
        referral = await self.store.get(reference)
        if config is None or referral is None:
            return []
        card = staff_card_for(referral, config, self._router().table)
        updates = []
        for delivery in await self.store.card_deliveries(reference):
            address = await self._card_address(delivery.conversation_id, delivery.service_url)
            if address is not None and delivery.activity_id:
                updates.append(CardUpdate(address, delivery.activity_id, card))
        return updates

    # ---- staff ---------------------------------------------------------------------------
    async def claim(
        self, reference: str, staff: Account, where: Address, pressed: str | None
    ) -> tuple[dict[str, Any] | None, list[CardUpdate]]:
        """ "I'll take it" pressed in ``where`` (a staff conversation; the caller checked).
        Returns the card to show the presser and the other copies of it to update."""
        config = self.config()
        if config is None:
            return None, []
        name = (staff.name or staff.id or "?").strip()
        now = self._clock().timestamp()

        def claim(conn: Connection) -> tuple[Referral | None, bool]:
            # The one claim the staff page makes too, with an entry in its audit log.
            return staff_store.claim(
                conn, reference, name, now,
                lambda c: self.storage.db.notify(c, OUTBOX_CHANNEL), via="teams",
            )

        referral, won = await self.storage.db.call(claim)
        if referral is None:
            log.info("claim for %s: no such referral (erased or purged)", reference)
            card = erased_card(reference, config)
        else:
            card = staff_card_for(referral, config, self._router().table)
            log.info("referral %s %s", reference, "claimed" if won else "was already claimed")
        updates = []
        # Everyone else in the channel sees the stored message: every copy is replaced, the
        # pressed one included (the invoke answer only refreshes the presser's view).
        for delivery in await self.store.card_deliveries(reference):
            if not delivery.activity_id:
                continue
            address = await self._card_address(delivery.conversation_id, delivery.service_url)
            if address is not None:
                updates.append(CardUpdate(address, delivery.activity_id, card))
        if pressed and not any(u.activity_id == pressed for u in updates):
            updates.append(CardUpdate(where, pressed, card))
        return card, updates


def first_name(name: str) -> str:
    """How a staff member is named to citizens: first name only ("Siobhan Walsh" -> "Siobhan")."""
    parts = name.replace(",", " ").split()
    return parts[0] if parts else name
