"""The conversation core's side of live chat with staff (issue 15): the handlers and hooks
that put a citizen through to a person in the staff channel and back.

Citizen side, in the order the core tries them (``bot/core/handlers.py``):
- the emergency check runs first on every message, live chat or not; while a chat is going
  the message also goes to the thread, flagged (:class:`EmergencyRelay`);
- "delete my details" still works (Referrals' erasers remove the chat);
- :class:`LiveChat`: while a chat is waiting or going, everything the citizen writes goes to
  the thread and the bot says nothing else (one voice at a time); "end chat" ends it; after
  the end, the answer to "Did this help?"; after nobody took it, the call-back with what
  they wrote;
- :class:`HandoffRequest`: "talk to a person" in any words, or the Talk to someone button.

Staff side (before the group gate, so thread replies without an @mention arrive when the
app has ``ChannelMessage.Read.Group``): :class:`StaffChatActions` (the card's buttons) and
:class:`StaffThread` (messages in a chat's thread), both only from the staff channel.

The conversation's state holds only a marker, ``state["handoff"] = {"chat": id}``: the chat
itself is in storage (shared by instances, kept over restarts). ``state["recent"]`` keeps
the last few exchanges while live chat is on, for the staff card's "conversation so far".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from routing.localized import LANGUAGES
from routing.reply import TALK_TO_SOMEONE, Reply

from ..handoff.service import FEEDBACK_NO, FEEDBACK_YES, Handoff, Said
from ..handoff.staff_card import END, HAND, RELEASE, TAKE, pressed
from ..storage.handoff import BY_TIMEOUT, WAITING, Transition
from .form import carry_need, yes_words
from .turn import Turn, card_invoke, error_invoke, main_reply, message_invoke, norm_label
from .words import matches, yes_or_no

log = logging.getLogger(__name__)

MARK = "handoff"
RECENT = "recent"
RECENT_MAX = 8
RECENT_CHARS = 300


def conversation_language(turn: Turn) -> str:
    """The language of the texts chosen here: the conversation's (``state["language"]``,
    which the Irish work keeps), else the language of this message, else of the last
    message that said (a button press says nothing)."""
    language = turn.state.get("language")
    if language in LANGUAGES:
        return str(language)
    if turn.text:
        found = getattr(turn.classification, "language", None)
        if found in LANGUAGES:
            return str(found)
    for entry in reversed(turn.state.get(RECENT) or []):
        if isinstance(entry, dict) and entry.get("lang") in LANGUAGES:
            return str(entry["lang"])
    return "en"


def _said(turn: Turn, said: Said) -> Reply:
    return Reply(kind="handoff", text=said.text, choices=said.buttons, facts=turn.facts)


def _chat_id(turn: Turn) -> str | None:
    mark = turn.state.get(MARK)
    chat = mark.get("chat") if isinstance(mark, dict) else None
    return chat if isinstance(chat, str) else None


# ---- the conversation so far ---------------------------------------------------------------
def _reply_summary(reply: Reply) -> str:
    """What the assistant said, in a line: a routed reply names its services and numbers."""
    if reply.kind == "routed" and reply.contacts:
        numbers = dict.fromkeys(f"{c.name} {c.phone or c.email or ''}".strip() for c in reply.contacts)
        return f"{reply.title}: {'; '.join(numbers)}"
    return reply.text.split("\n\n", 1)[0]


def history_recorder(handoff: Handoff) -> Callable[[Turn], None]:
    """After each citizen message (while live chat is on and no chat is going): keep the
    last few exchanges in the state, for the staff card."""

    def remember(turn: Turn) -> None:
        if handoff.config() is None or turn.erased or turn.inbound.kind != "message":
            return
        if MARK in turn.state or turn.inbound.address.is_group:
            return
        entries: list[dict[str, Any]] = []
        if turn.text:
            said: dict[str, Any] = {"who": "citizen", "text": turn.text[:RECENT_CHARS]}
            language = getattr(turn.classification, "language", None)
            if language in LANGUAGES:
                said["lang"] = language
            entries.append(said)
        reply = main_reply(turn.outcome.replies)
        if reply is not None and reply.kind != "handoff":
            entry: dict[str, Any] = {"who": "bot", "text": _reply_summary(reply)[:RECENT_CHARS]}
            if reply.intents:
                entry["services"] = list(reply.intents)
            entries.append(entry)
        if entries:
            recent = [e for e in turn.state.get(RECENT) or [] if isinstance(e, dict)]
            turn.state[RECENT] = (recent + entries)[-RECENT_MAX:]

    return remember


# ---- the citizen ---------------------------------------------------------------------------
class EmergencyRelay:
    """Told by the emergency handler after the emergency reply: while a chat is going, the
    message goes to the thread too, flagged, so staff see it at once."""

    def __init__(self, handoff: Handoff) -> None:
        self.handoff = handoff

    async def __call__(self, turn: Turn, reply: Reply) -> None:
        chat_id = _chat_id(turn)
        if chat_id is None or not turn.text:
            return
        result = await self.handoff.citizen_says(chat_id, turn.text, flagged=True)
        if result.changed:
            log.info("live chat %s: an emergency message was flagged to staff", chat_id)


class HandoffRequest:
    """ "Talk to a person" (any wording, or the Talk to someone button) while live chat is
    on: ask the staff channel when the rota is open; otherwise the call-back (with what
    they said) and the helpline's number and hours. When the channel cannot be reached, the
    helpline's number and the call-back as without live chat."""

    name = "handoff_request"

    def __init__(self, handoff: Handoff) -> None:
        self.handoff = handoff

    def check(self, turn: Turn) -> bool | None:
        inbound = turn.inbound
        if inbound.kind not in ("message", "action") or self.handoff.config() is None:
            return None
        if inbound.address.is_group:
            return None  # staff channels and group chats: a person is already there
        choice = inbound.choice or turn.offered_choice()
        if choice == TALK_TO_SOMEONE:
            return True
        if choice is not None or not turn.text:
            return None
        result = turn.classification
        if getattr(result, "act", None) == "talk_to_person" and not result.intents and not result.candidates:
            return True
        return None

    async def handle(self, turn: Turn, match: Any) -> bool:
        handoff = self.handoff
        config = handoff.config()
        assert config is not None
        turn.state.pop("form", None)
        language = conversation_language(turn)
        recent = [e for e in turn.state.get(RECENT) or [] if isinstance(e, dict)]
        asked = self._asked(turn, recent)
        if not handoff.rota_open(turn.now):
            self._carry(turn, asked)
            turn.say(_said(turn, handoff.unavailable("closed", language, turn.now)))
            log.info("live chat asked for while the rota is closed: call-back offered")
            return True
        facts = turn.facts
        requested = await handoff.request(
            turn.inbound.address,
            language=language,
            asked=asked,
            history=recent,
            service_id=self._service(recent),
            town=self._town(turn),
        )
        if requested is None:
            # The staff channel cannot be reached (no address known yet: logged): the
            # helpline's number and the call-back, as without live chat.
            self._carry(turn, asked)
            turn.say(turn.router.choose(TALK_TO_SOMEONE, facts, turn.now))
            return True
        turn.state[MARK] = {"chat": requested.chat.id}
        text = config.text("asked", language, ahead=requested.ahead, minutes=requested.minutes)
        turn.say(Reply(kind="handoff", text=text, facts=facts))
        return True

    @staticmethod
    def _asked(turn: Turn, recent: list[dict[str, Any]]) -> str:
        """What the citizen asked: this message, unless it only asks for a person (or is
        the button); then the last thing they wrote before."""
        only_asks = turn.inbound.choice is not None or turn.offered_choice() is not None
        if not only_asks and turn.text:
            only_asks = getattr(turn.classification, "act", None) == "talk_to_person"
        if not only_asks:
            return turn.text
        earlier = [str(e.get("text", "")) for e in recent if e.get("who") == "citizen"]
        earlier = [t for t in earlier if t.strip() and norm_label(t) != norm_label(turn.text)]
        return earlier[-1] if earlier else turn.text

    @staticmethod
    def _service(recent: list[dict[str, Any]]) -> str | None:
        for entry in reversed(recent):
            services = entry.get("services")
            if isinstance(services, list) and services:
                return str(services[0])
        return None

    @staticmethod
    def _town(turn: Turn) -> str | None:
        facts = turn.facts
        area = turn.router.table.area(facts.area)
        place = facts.place.title() if facts.place and not facts.place.isupper() else facts.place
        if area is None:
            return place
        name = area.name.en  # for staff, as on the call-back card
        if place and place.casefold() != name.casefold():
            return f"{place} ({name})"
        return name

    @staticmethod
    def _carry(turn: Turn, asked: str) -> None:
        """Nothing the citizen said is lost: the call-back form starts with it as the need."""
        carry_need(turn.state, asked, turn.now.timestamp())


class LiveChat:
    """While a chat is waiting or going: relay, "end chat"; once it has ended: "Did this
    help?", or after nobody took it, the call-back with what they wrote."""

    name = "handoff_live"

    def __init__(self, handoff: Handoff) -> None:
        self.handoff = handoff

    def check(self, turn: Turn) -> bool | None:
        if turn.inbound.kind not in ("message", "action") or _chat_id(turn) is None:
            return None
        return True

    async def handle(self, turn: Turn, match: Any) -> bool:
        handoff = self.handoff
        chat_id = _chat_id(turn)
        assert chat_id is not None
        chat = await handoff.get(chat_id)
        config = handoff.config()
        if chat is None or config is None:
            turn.state.pop(MARK, None)  # erased, purged, or live chat switched off
            return False
        inbound = turn.inbound
        if chat.live:
            if inbound.kind == "action":
                turn.outcome.invoke = message_invoke("")
                return True  # an old card's button: nothing answers but the person
            if turn.text and matches(turn.text, config.end_words):
                return await self._end(turn, chat_id)
            if not turn.text and not inbound.has_attachments:
                return True  # a button press without text: nothing to pass on
            result = await handoff.citizen_says(
                chat_id, turn.text, attachment=inbound.has_attachments
            )
            if result.changed:
                return True
            if result.before is None:
                turn.state.pop(MARK, None)
                return False
            chat = result.before  # it ended meanwhile: answer as after the end
        if chat.feedback_asked and chat.helped is None:
            helped = self._feedback(turn)
            if helped is not None:
                await handoff.feedback(chat_id, helped)
                turn.state.pop(MARK, None)
                turn.say(Reply(kind="handoff", text=config.text("feedback_thanks", chat.language), facts=turn.facts))
                return True
        if chat.ended_by == BY_TIMEOUT:
            lines = await handoff.citizen_lines(chat_id)
            carry_need(turn.state, " ".join([chat.asked, *lines]), turn.now.timestamp())
            offered = dict(turn.state.get("offered") or {})
            for button in handoff.call_back_button(chat.language):
                offered[norm_label(button.label)] = button.value
            turn.state["offered"] = offered
        turn.state.pop(MARK, None)
        return False

    async def _end(self, turn: Turn, chat_id: str) -> bool:
        handoff = self.handoff
        config = handoff.config()
        assert config is not None
        result: Transition = await handoff.citizen_ends(chat_id)
        before, after = result.before, result.after
        if not result.changed or before is None or after is None:
            turn.state.pop(MARK, None)
            return False
        if before.status == WAITING:
            turn.state.pop(MARK, None)
            turn.say(Reply(kind="handoff", text=config.text("cancelled", after.language), facts=turn.facts))
            return True
        turn.say(Reply(kind="handoff", text=config.text("ended_by_you", after.language), facts=turn.facts))
        turn.say(_said(turn, handoff.feedback_question(after.language)))
        return True

    def _feedback(self, turn: Turn) -> bool | None:
        """The answer to "Did this help?": its buttons (pressed or typed, in either
        language) or a plain yes or no."""
        config = self.handoff.config()
        assert config is not None
        choice = turn.inbound.choice or turn.offered_choice()
        if choice in (FEEDBACK_YES, FEEDBACK_NO):
            return choice == FEEDBACK_YES
        if not turn.text:
            return None
        if matches(turn.text, config.labels("feedback_yes")):
            return True
        if matches(turn.text, config.labels("feedback_no")):
            return False
        yes, no = yes_words()
        if len(turn.text.split()) <= 4:
            return yes_or_no(turn.text, yes, no)
        return None


# ---- staff ---------------------------------------------------------------------------------
class StaffChatActions:
    """The live-chat card's buttons: Take this chat, End chat, Hand to a colleague, Release
    to the queue. Only from the staff channel or its threads (who can press there is who
    is in the channel); anywhere else refused, logged and counted."""

    name = "handoff_staff_action"

    def __init__(self, handoff: Handoff, refused: Callable[[], None]) -> None:
        self.handoff = handoff
        self._refused = refused

    def check(self, turn: Turn) -> tuple[str, str] | None:
        data = turn.inbound.data
        return pressed(dict(data)) if data is not None else None

    async def handle(self, turn: Turn, match: tuple[str, str]) -> bool:
        action, chat_id = match
        handoff = self.handoff
        inbound = turn.inbound
        if handoff.config() is None or not handoff.is_staff_channel(inbound.address):
            self._refused()
            log.warning(
                "live chat action refused: not from the staff channel (channel %s)",
                inbound.address.channel,
            )
            turn.outcome.invoke = error_invoke(
                403, "Forbidden", "This button only works in the council's staff channel."
            )
            return True
        staff = inbound.sender
        if action == TAKE:
            result = await handoff.take(chat_id, staff)
        elif action == END:
            result = await handoff.staff_ends(chat_id, staff)
        elif action == HAND:
            result = await handoff.hand(chat_id, staff)
        elif action == RELEASE:
            result = await handoff.release(chat_id, staff)
        else:  # pragma: no cover - pressed() only lets the four through
            return False
        chat = result.after
        if chat is None:
            turn.outcome.invoke = message_invoke("This chat has ended.")
            return True
        # The presser's card now (the second to press sees who has it); everyone else's
        # card is updated through the outbox.
        turn.outcome.invoke = card_invoke(handoff.card(chat, turn.now.timestamp()))
        if not result.changed:
            log.info("live chat %s: %s pressed but not done (status %s)", chat_id, action, chat.status)
        return True


class StaffThread:
    """A message in a live chat's thread: from the staff member who has the chat, it goes
    to the citizen; "end chat" ends it. Anyone else is told (only when they @mention the
    bot: colleagues may talk among themselves in the thread)."""

    name = "handoff_staff_thread"

    def __init__(self, handoff: Handoff) -> None:
        self.handoff = handoff

    def check(self, turn: Turn) -> bool | None:
        inbound = turn.inbound
        address = inbound.address
        if inbound.kind != "message" or not address.is_group or ";messageid=" not in address.conversation_id:
            return None
        if inbound.data is not None or not self.handoff.is_staff_channel(address):
            return None
        return True

    async def handle(self, turn: Turn, match: Any) -> bool:
        handoff = self.handoff
        config = handoff.config()
        chat = await handoff.of_thread(turn.inbound.address.conversation_id)
        if chat is None or config is None:
            return False  # a thread of something else: the group gate decides
        inbound = turn.inbound
        staff = inbound.sender
        text = turn.text
        if not text:
            return True
        holder = chat.live and chat.status != WAITING and chat.staff_id == staff.id
        if holder and matches(text, config.end_words):
            await handoff.staff_ends(chat.id, staff)
            return True
        if holder:
            await handoff.staff_says(chat.id, staff, text)
            return True
        if inbound.mentioned and chat.live:
            if chat.status == WAITING:
                turn.say_text(config.staff["note_take_first"])
            else:
                turn.say_text(config.staff["note_not_yours"].format(staff=chat.staff_name or ""))
        return True


def person_offer(handoff: Handoff) -> Callable[[Turn], str | None]:
    """The lead of a second "not understood" while a person can be reached here."""

    def offer(turn: Turn) -> str | None:
        config = handoff.config()
        if config is None or turn.inbound.address.is_group or not handoff.rota_open(turn.now):
            return None
        values = turn.router.helpline_values(turn.now)
        return config.text("offer", conversation_language(turn), **values)

    return offer
