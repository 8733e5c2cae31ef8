"""Live chat with staff: what the conversation core asks of it, free of any channel SDK.

A chat is a row in the storage interface (``bot/storage/handoff.py``), so it survives a
restart and several instances share it. Every change of a chat and the messages it causes
(to the citizen, into the staff thread, the card's new look) are written in one transaction
and sent afterwards by the outbox (``outbox.py``), in order and at Teams' pace.

- :meth:`Handoff.request`: a citizen asked for a person while the rota is open.
- :meth:`Handoff.citizen_says` / :meth:`Handoff.citizen_ends` / :meth:`Handoff.feedback`.
- :meth:`Handoff.take`, :meth:`Handoff.hand`, :meth:`Handoff.release`,
  :meth:`Handoff.staff_ends`, :meth:`Handoff.staff_says`: from the staff channel only (the
  core checks :meth:`Handoff.is_staff_channel` first).
- :meth:`Handoff.tick`: nobody took a chat in time (call-back offered), waiting cards' minutes.
- :meth:`Handoff.eraser` (Referrals' erasers hook) and :meth:`Handoff.purge` (retention).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from routing.handoff import HandoffConfig
from routing.hours import status_at
from routing.reply import Choice
from routing.router import Router

from ..conversation import Account, Address
from ..referrals.service import CALLBACK_PREFIX, TALK_TO_PERSON, address_from_stored, first_name
from ..storage import handoff as store
from ..storage.db import Connection
from ..storage.handoff import (
    ACTIVE,
    BY_CITIZEN,
    BY_STAFF,
    BY_TIMEOUT,
    CARD_UPDATE,
    CITIZEN,
    CITIZEN_POST,
    CREATE_THREAD,
    DELETE,
    ENDED,
    HANDING,
    LIVE,
    STAFF,
    THREAD_POST,
    WAITING,
    ChatNumbers,
    HandoffStore,
    LiveChat,
    NewOp,
    OutboxOp,
    Transition,
    thread_target,
)
from ..storage.referrals import ReferralStore
from .staff_card import citizen_line, clock_time, closed_card, request_card, waited_minutes

log = logging.getLogger(__name__)

USUAL_WAIT_DAYS = 30  # the usual wait is the median of the chats taken in this many days
FEEDBACK_YES = "handoff:helped:yes"
FEEDBACK_NO = "handoff:helped:no"
ATTACHMENT_NOTE = "(sent a file or picture: it is not shown here; ask them to describe it)"


@dataclass(frozen=True, slots=True)
class Requested:
    """A chat request was queued: the chat, how many wait ahead, the usual wait (minutes)."""

    chat: LiveChat
    ahead: int
    minutes: int


@dataclass(frozen=True, slots=True)
class Said:
    """A citizen-facing message: its text and buttons (label, value)."""

    text: str
    buttons: tuple[Choice, ...] = ()

    def payload(self) -> dict[str, Any]:
        return {"text": self.text, "buttons": [[b.label, b.value] for b in self.buttons]}


class Handoff:
    def __init__(
        self,
        chats: HandoffStore,
        referrals: ReferralStore,
        router: Callable[[], Router],
        clock: Callable[[], dt.datetime],
        *,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self.chats = chats
        self.referrals = referrals
        self._router = router
        self._clock = clock
        self.wake = wake

    # ---- settings ------------------------------------------------------------------------
    def config(self) -> HandoffConfig | None:
        return self._router().table.handoff

    def staff_channel(self) -> str | None:
        config = self.config()
        return config.destination.conversation if config is not None else None

    def is_staff_channel(self, address: Address) -> bool:
        """``address`` is the live-chat staff channel or one of its threads."""
        channel = self.staff_channel()
        return bool(channel) and address.channel_root == channel

    def rota_open(self, now: dt.datetime) -> bool:
        config = self.config()
        if config is None:
            return False
        return config.hours is None or status_at(config.hours, now).open_now

    async def channel_address(self) -> Address | None:
        """How to reach the staff channel: as the bot saw it (added to the team, or a
        trusted message there), else the destination's ``service_url``."""
        config = self.config()
        if config is None or not config.destination.conversation:
            return None
        channel = config.destination.conversation
        stored = address_from_stored(await self.referrals.conversation_ref(channel))
        if stored is not None:
            return replace(stored, conversation_id=stored.channel_root, user=None, scope="channel")
        if config.destination.service_url:
            return Address("msteams", channel, config.destination.service_url, Account(""), scope="channel")
        return None

    # ---- texts ---------------------------------------------------------------------------
    def _service_title(self, service_id: str | None) -> str | None:
        if not service_id:
            return None
        table = self._router().table
        return table.title_of(service_id) if table.service(service_id) is not None else None

    def card(self, chat: LiveChat, now: float) -> dict[str, Any]:
        config = self.config()
        assert config is not None
        return request_card(chat, config, self._service_title(chat.service_id), now)

    def call_back_button(self, language: str) -> tuple[Choice, ...]:
        """The call-back button (its label in ``language``), when call-backs for "talk to a
        person" have a destination."""
        referrals = self._router().table.referrals
        if referrals is None or not referrals.offered_for(TALK_TO_PERSON):
            return ()
        label = referrals.messages["offer_button"].in_(language)
        return (Choice(label, f"{CALLBACK_PREFIX}{TALK_TO_PERSON}"),)

    def unavailable(self, key: str, language: str, now: dt.datetime) -> Said:
        """``nobody_free`` or ``closed``: the call-back offer, the helpline's number and hours."""
        config = self.config()
        assert config is not None
        router = self._router().in_(language)
        values = router.helpline_values(now)
        chat_hours = router.hours_text(config.hours, now) if config.hours else values["hours"]
        text = config.text(
            key, language, name=values["name"], phone=values["phone"], hours=values["hours"],
            chat_hours=chat_hours,
        )
        return Said(text, self.call_back_button(language))

    def feedback_question(self, language: str) -> Said:
        config = self.config()
        assert config is not None
        return Said(
            config.text("feedback", language),
            (
                Choice(config.text("feedback_yes", language), FEEDBACK_YES),
                Choice(config.text("feedback_no", language), FEEDBACK_NO),
            ),
        )

    # ---- ops -----------------------------------------------------------------------------
    @staticmethod
    def _to_citizen(chat: LiveChat, said: Said) -> NewOp:
        address = chat.citizen_ref
        target = str(address.get("conversation_id") or chat.conversation)
        return NewOp(CITIZEN_POST, target, said.payload(), chat_id=chat.id, address=address)

    @staticmethod
    def _note(chat: LiveChat, text: str) -> NewOp:
        return NewOp(THREAD_POST, thread_target(chat.id), {"text": text}, chat_id=chat.id)

    def _card_update(self, chat: LiveChat, now: float) -> NewOp:
        return NewOp(CARD_UPDATE, thread_target(chat.id), {"card": self.card(chat, now)}, chat_id=chat.id)

    # ---- the citizen ---------------------------------------------------------------------
    async def request(
        self,
        address: Address,
        *,
        language: str,
        asked: str,
        history: Sequence[dict[str, Any]],
        service_id: str | None,
        town: str | None,
    ) -> Requested | None:
        """Queue a chat request and open its thread in the staff channel. None when the
        staff channel cannot be reached (not configured with a way to reach it)."""
        config = self.config()
        channel = await self.channel_address()
        if config is None or channel is None:
            log.warning("live chat: the staff channel's address is not known; nobody was asked")
            return None
        now = self._clock().timestamp()
        chat = LiveChat(
            id=uuid.uuid4().hex,
            conversation=address.key,
            citizen_ref=address.to_dict(),
            language=language,
            status=WAITING,
            requested_at=now,
            queued_at=now,
            wait_until=now + config.wait_seconds,
            asked=asked,
            service_id=service_id,
            town=town,
            history=list(history),
            channel_ref=channel.to_dict(),
            updated_at=now,
        )

        def ops(created: LiveChat) -> list[NewOp]:
            payload = {"text": config.staff["title"], "card": self.card(created, now)}
            return [NewOp(CREATE_THREAD, thread_target(created.id), payload, chat_id=created.id)]

        await self.chats.create(chat, ops)
        ahead = await self.chats.ahead_of(chat)
        minutes = await self._usual_minutes(config, now)
        log.info("live chat %s requested (%d ahead)", chat.id, ahead)
        self.wake()
        return Requested(chat, ahead, minutes)

    async def _usual_minutes(self, config: HandoffConfig, now: float) -> int:
        usual = await self.chats.usual_wait(now - USUAL_WAIT_DAYS * 86400)
        if usual is None:
            return config.wait_minutes
        return min(config.wait_minutes, max(1, math.ceil(usual / 60)))

    async def get(self, chat_id: str) -> LiveChat | None:
        return await self.chats.get(chat_id)

    async def of_thread(self, thread_id: str) -> LiveChat | None:
        return await self.chats.of_thread(thread_id)

    async def citizen_lines(self, chat_id: str) -> list[str]:
        return [line.text for line in await self.chats.lines(chat_id) if line.who == CITIZEN]

    async def citizen_says(
        self, chat_id: str, text: str, *, flagged: bool = False, attachment: bool = False
    ) -> Transition:
        """Put the citizen's message into the thread (flagged: it got the emergency reply).
        Unchanged when the chat is no longer going."""
        config = self.config()
        now = self._clock().timestamp()
        shown = text or (ATTACHMENT_NOTE if attachment else "")

        def decide(chat: LiveChat) -> dict[str, Any] | None:
            return {} if chat.live and config is not None and shown else None

        def line(chat: LiveChat) -> tuple[str, str, str, bool]:
            return (CITIZEN, "", shown, flagged)

        def ops(before: LiveChat, after: LiveChat, conn: Connection) -> list[NewOp]:
            assert config is not None
            card = citizen_line(config, shown, flagged=flagged)
            payload = {"text": config.staff["citizen"], "card": card, "personal": True}
            return [NewOp(THREAD_POST, thread_target(after.id), payload, chat_id=after.id)]

        result = await self.chats.transition(chat_id, decide, ops, now, line)
        if result.changed:
            self.wake()
        return result

    async def citizen_ends(self, chat_id: str) -> Transition:
        """The citizen typed "end chat". The caller tells them (cancelled while waiting,
        else ended, with the feedback question)."""
        config = self.config()
        now = self._clock().timestamp()

        def decide(chat: LiveChat) -> dict[str, Any] | None:
            if not chat.live:
                return None
            return {
                "status": ENDED, "ended_at": now, "ended_by": BY_CITIZEN,
                "feedback_asked": chat.status in (ACTIVE, HANDING),
            }

        def ops(before: LiveChat, after: LiveChat, conn: Connection) -> list[NewOp]:
            assert config is not None
            ended = config.staff["ended_by_citizen"].format(time=clock_time(now))
            return [self._note(after, ended), self._card_update(after, now)]

        result = await self.chats.transition(chat_id, decide, ops, now)
        if result.changed:
            log.info("live chat %s ended by the citizen", chat_id)
            self.wake()
        return result

    async def feedback(self, chat_id: str, helped: bool) -> Transition:
        config = self.config()
        now = self._clock().timestamp()

        def decide(chat: LiveChat) -> dict[str, Any] | None:
            if chat.status != ENDED or not chat.feedback_asked or chat.helped is not None:
                return None
            return {"helped": helped}

        def ops(before: LiveChat, after: LiveChat, conn: Connection) -> list[NewOp]:
            if config is None:
                return []
            return [self._note(after, config.staff["note_helped" if helped else "note_not_helped"])]

        result = await self.chats.transition(chat_id, decide, ops, now)
        if result.changed:
            self.wake()
        return result

    # ---- staff ---------------------------------------------------------------------------
    async def take(self, chat_id: str, staff: Account) -> Transition:
        """ "Take this chat": the first press wins (or a colleague's, while it is offered
        to colleagues). The citizen is told the staff member's first name."""
        config = self.config()
        now = self._clock().timestamp()
        name = _name(staff)

        def decide(chat: LiveChat) -> dict[str, Any] | None:
            if chat.status == WAITING or (chat.status == HANDING and chat.staff_id != staff.id):
                return {
                    "status": ACTIVE, "staff_id": staff.id, "staff_name": name,
                    "taken_at": chat.taken_at if chat.taken_at is not None else now,
                }
            return None

        def ops(before: LiveChat, after: LiveChat, conn: Connection) -> list[NewOp]:
            assert config is not None
            joined = Said(config.text("joined", after.language, staff=first_name(name)))
            return [
                self._to_citizen(after, joined),
                self._note(after, config.staff["note_taken"].format(staff=name)),
                self._card_update(after, now),
            ]

        result = await self.chats.transition(chat_id, decide, ops, now)
        if result.changed:
            log.info("live chat %s taken", chat_id)
            self.wake()
        return result

    async def hand(self, chat_id: str, staff: Account) -> Transition:
        """ "Hand to a colleague": the chat is offered to the channel (its card shows "Take
        this chat" again) while its staff member still has it."""
        now = self._clock().timestamp()

        def decide(chat: LiveChat) -> dict[str, Any] | None:
            if chat.status == ACTIVE and chat.staff_id == staff.id:
                return {"status": HANDING}
            return None

        def ops(before: LiveChat, after: LiveChat, conn: Connection) -> list[NewOp]:
            return [self._card_update(after, now)]

        result = await self.chats.transition(chat_id, decide, ops, now)
        if result.changed:
            self.wake()
        return result

    async def release(self, chat_id: str, staff: Account) -> Transition:
        """ "Release to the queue": the chat waits again, at the back of the queue, with a
        new wait before the call-back is offered."""
        config = self.config()
        now = self._clock().timestamp()

        def decide(chat: LiveChat) -> dict[str, Any] | None:
            if config is None or chat.status not in (ACTIVE, HANDING) or chat.staff_id != staff.id:
                return None
            return {
                "status": WAITING, "staff_id": None, "staff_name": None, "queued_at": now,
                "wait_until": now + config.wait_seconds, "card_minutes": 0,
            }

        def ops(before: LiveChat, after: LiveChat, conn: Connection) -> list[NewOp]:
            assert config is not None
            name = before.staff_name or ""
            ahead = store.ahead_of(conn, after)
            said = Said(config.text("released", after.language, staff=first_name(name), ahead=ahead))
            return [
                self._to_citizen(after, said),
                self._note(after, config.staff["note_released"].format(staff=name)),
                self._card_update(after, now),
            ]

        result = await self.chats.transition(chat_id, decide, ops, now)
        if result.changed:
            log.info("live chat %s released to the queue", chat_id)
            self.wake()
        return result

    async def staff_ends(self, chat_id: str, staff: Account) -> Transition:
        """ "End chat" (the card's button, or typed in the thread) by the staff member who
        has it: the citizen is back with the assistant and asked "Did this help?"."""
        config = self.config()
        now = self._clock().timestamp()

        def decide(chat: LiveChat) -> dict[str, Any] | None:
            if chat.status not in (ACTIVE, HANDING) or chat.staff_id != staff.id:
                return None
            return {"status": ENDED, "ended_at": now, "ended_by": BY_STAFF, "feedback_asked": True}

        def ops(before: LiveChat, after: LiveChat, conn: Connection) -> list[NewOp]:
            assert config is not None
            name = first_name(after.staff_name or "")
            back = Said(config.text("ended_by_staff", after.language, staff=name))
            return [
                self._to_citizen(after, back),
                self._to_citizen(after, self.feedback_question(after.language)),
                self._card_update(after, now),
            ]

        result = await self.chats.transition(chat_id, decide, ops, now)
        if result.changed:
            log.info("live chat %s ended by staff", chat_id)
            self.wake()
        return result

    async def staff_says(self, chat_id: str, staff: Account, text: str) -> Transition:
        """A message in the thread from the staff member who has the chat goes to the
        citizen, as from them (first name). Unchanged for anyone else."""
        config = self.config()
        now = self._clock().timestamp()
        name = _name(staff)

        def decide(chat: LiveChat) -> dict[str, Any] | None:
            if config is None or chat.status not in (ACTIVE, HANDING) or chat.staff_id != staff.id:
                return None
            return {}

        def line(chat: LiveChat) -> tuple[str, str, str, bool]:
            return (STAFF, name, text, False)

        def ops(before: LiveChat, after: LiveChat, conn: Connection) -> list[NewOp]:
            assert config is not None
            said = Said(config.text("staff_says", after.language, staff=first_name(name), text=text))
            return [self._to_citizen(after, said)]

        result = await self.chats.transition(chat_id, decide, ops, now, line)
        if result.changed:
            self.wake()
        return result

    # ---- time passing --------------------------------------------------------------------
    async def tick(self) -> int:
        """Offer the call-back to citizens nobody took in time; keep waiting cards'
        minutes current. Returns how many chats timed out."""
        config = self.config()
        if config is None:
            return 0
        now = self._clock()
        timed_out = 0
        for chat_id in await self.chats.due_for_expiry(now.timestamp()):
            if (await self._expire(chat_id, now)).changed:
                timed_out += 1
        for chat in await self.chats.waiting():
            if waited_minutes(chat, now.timestamp()) != chat.card_minutes:
                await self._refresh(chat.id, now.timestamp())
        return timed_out

    async def _expire(self, chat_id: str, now: dt.datetime) -> Transition:
        config = self.config()
        ts = now.timestamp()

        def decide(chat: LiveChat) -> dict[str, Any] | None:
            if chat.status != WAITING or chat.wait_until > ts:
                return None
            return {"status": ENDED, "ended_at": ts, "ended_by": BY_TIMEOUT}

        def ops(before: LiveChat, after: LiveChat, conn: Connection) -> list[NewOp]:
            assert config is not None
            return [
                self._to_citizen(after, self.unavailable("nobody_free", after.language, now)),
                self._card_update(after, ts),
            ]

        result = await self.chats.transition(chat_id, decide, ops, ts)
        if result.changed:
            log.info("live chat %s: nobody took it in time; call-back offered", chat_id)
            self.wake()
        return result

    async def _refresh(self, chat_id: str, now: float) -> None:
        def decide(chat: LiveChat) -> dict[str, Any] | None:
            minutes = waited_minutes(chat, now)
            if chat.status != WAITING or minutes == chat.card_minutes:
                return None
            return {"card_minutes": minutes}

        def ops(before: LiveChat, after: LiveChat, conn: Connection) -> list[NewOp]:
            return [self._card_update(after, now)]

        if (await self.chats.transition(chat_id, decide, ops, now)).changed:
            self.wake()

    async def next_deadline(self) -> float | None:
        return await self.chats.next_wait_end()

    # ---- erasure and retention -----------------------------------------------------------
    def _removal(self, key: str, now: float) -> Callable[[LiveChat, list[OutboxOp]], list[NewOp]]:
        """The messages that take a chat out of the staff channel: the bot's posts of what
        the citizen wrote are deleted, and the card says why (``erased`` or ``purged``)."""
        config = self.config()

        def ops(chat: LiveChat, sent: list[OutboxOp]) -> list[NewOp]:
            if not chat.thread_id:
                return []  # never reached the channel: nothing there to remove
            channel = Address.from_dict(chat.channel_ref)
            if channel is None:
                return []
            thread = channel.elsewhere(chat.thread_id, scope="channel").to_dict()
            target = f"removed:{chat.thread_id}"
            out = [
                NewOp(DELETE, target, {"activity_id": op.activity_id}, address=thread)
                for op in sent
                if op.op == THREAD_POST and op.payload.get("personal") and op.activity_id
            ]
            if chat.card_activity_id and config is not None:
                payload = {"card": closed_card(config, key), "activity_id": chat.card_activity_id}
                out.append(NewOp(CARD_UPDATE, target, payload, address=thread))
            return out

        return ops

    def eraser(self, conn: Connection, conversation_key: str) -> int:
        """Referrals' erasers hook: inside the "delete my details" transaction, the
        conversation's chats and transcripts go, and their messages leave the channel."""
        now = self._clock().timestamp()
        erased = store.erase_conversation(conn, conversation_key, self._removal("erased", now), now)
        if erased:
            log.info("live chat: %d chat(s) erased at the citizen's request", erased)
        return erased

    async def purge(self, retention_days: float) -> int:
        """Chats ended more than ``retention_days`` ago go, as referrals do."""
        now = self._clock().timestamp()
        purged = 0
        for chat_id in await self.chats.ended_before(now - retention_days * 86400):
            if await self.chats.purge_chat(chat_id, self._removal("purged", now), now):
                purged += 1
        await self.chats.purge_outbox(86400)
        if purged:
            log.info("retention purge: %d live chat(s) deleted", purged)
            self.wake()
        return purged

    async def numbers(self, since: float) -> ChatNumbers:
        return await self.chats.numbers(since)


def _name(staff: Account) -> str:
    return (staff.name or staff.id or "?").strip()


__all__ = [
    "ATTACHMENT_NOTE", "FEEDBACK_NO", "FEEDBACK_YES", "Handoff", "LIVE", "Requested", "Said",
]
