"""The helpline's handlers, in the order the core tries them.

1. ``Joined``: someone (or the bot) joined: welcome once, or introduce the bot to a team.
2. ``Other``: activity types that need no answer.
3. ``StaffActions``: "I'll take it" on a staff card, only from a staff destination.
   With live chat on (``bot/core/handoff.py``): the live-chat card's buttons and messages
   in a chat's thread, only from the staff channel.
4. ``GroupGate``: in group chats and channels, answer only when @mentioned.
5. ``Emergency``: checked on every message, in every state; leaves any form (and flags
   the message to staff during a live chat).
6. ``Privacy``: "delete my details".
   With live chat on: ``LiveChat``, while a chat is going everything goes to staff.
7. ``Form``: the call-back form, while one is open.
8. ``Reference``: "what happened to MAY-XXXX-XXX".
   With live chat on: ``HandoffRequest``, "talk to a person" or the Talk to someone button.
9. ``Choice``: a button press (or its label typed), the language buttons among them.
10. ``Route``: classify and answer (routed, clarify, ask area, fallback).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from routing.reply import LANGUAGE_PREFIX, SERVICE_PREFIX, ConversationFacts, Reply

from ..referrals.codes import find_reference
from ..referrals.service import CALLBACK_PREFIX, TALK_TO_PERSON, Referrals
from ..referrals.staff_card import claimed_reference
from .form import CallbackForm, Signals, Step, carried_need
from .turn import Turn, asks_for_language, card_invoke, error_invoke
from .words import starts_with

if TYPE_CHECKING:
    from ..handoff.service import Handoff

# Told after the emergency reply (a live chat flags the message to staff).
EmergencyWatcher = Callable[[Turn, Reply], Awaitable[None]]

log = logging.getLogger(__name__)


def _timestamp(turn: Turn) -> float:
    return turn.now.timestamp()


class Joined:
    name = "joined"

    def __init__(self, referrals: Referrals | None) -> None:
        self.referrals = referrals

    def check(self, turn: Turn) -> bool | None:
        return True if turn.inbound.kind == "joined" else None

    async def handle(self, turn: Turn, match: Any) -> bool:
        inbound = turn.inbound
        if inbound.address.is_group:
            if inbound.bot_added:
                if self.referrals is not None and inbound.trusted:
                    await self.referrals.capture(inbound.address)
                    log.info("bot added to conversation %s", inbound.address.conversation_id)
                elif self.referrals is not None:
                    log.info(
                        "bot added to conversation %s (not remembered as a staff destination: "
                        "authentication is off)",
                        inbound.address.conversation_id,
                    )
                turn.say(turn.router.team_intro())
            return True
        welcomed: list[str] = turn.state.setdefault("welcomed", [])
        for member in inbound.members_added:
            if member and member not in welcomed:
                welcomed.append(member)
                # Irish and English alike until the citizen's language is known.
                turn.say(turn.router.welcome(bilingual=not turn.language_known))
                break  # one welcome per conversation update
        return True


class Other:
    """Activity types the helpline does not act on: acknowledged, nothing said."""

    name = "other"

    def check(self, turn: Turn) -> bool | None:
        return True if turn.inbound.kind == "other" else None

    async def handle(self, turn: Turn, match: Any) -> bool:
        return True


class StaffActions:
    """Staff card buttons. Accepted only from an enabled staff destination (a Teams channel,
    its threads, or a configured staff chat); anywhere else refused with nothing about the
    referral in the answer, logged and counted."""

    name = "staff_action"

    def __init__(self, referrals: Referrals | None, refused: Callable[[], None]) -> None:
        self.referrals = referrals
        self._refused = refused

    def check(self, turn: Turn) -> str | None:
        data = turn.inbound.data
        return claimed_reference(dict(data)) if data is not None else None

    async def handle(self, turn: Turn, reference: str) -> bool:
        inbound = turn.inbound
        if self.referrals is None or not self.referrals.is_staff_conversation(inbound.address):
            self._refused()
            log.warning(
                "staff action refused: conversation is not a staff destination (channel %s)",
                inbound.address.channel,
            )
            turn.outcome.invoke = error_invoke(
                403, "Forbidden", "This button only works in the council's staff channel."
            )
            return True
        card, updates = await self.referrals.claim(
            reference, inbound.sender, inbound.address, inbound.reply_to_id
        )
        if card is not None:
            turn.outcome.invoke = card_invoke(card)
        turn.outcome.updates.extend(updates)
        turn.outcome.wake_outbox = True  # the citizen's "who will ring" notice
        return True


class GroupGate:
    """Group chats and channels: remember staff conversations the channel vouched for, and
    answer only messages that @mention the bot (or press its buttons)."""

    name = "group"

    def __init__(self, referrals: Referrals | None) -> None:
        self.referrals = referrals

    def check(self, turn: Turn) -> bool | None:
        inbound = turn.inbound
        if inbound.kind == "message" and inbound.address.is_group:
            return True
        return None

    async def handle(self, turn: Turn, match: Any) -> bool:
        inbound = turn.inbound
        if self.referrals is not None and inbound.trusted:
            if self.referrals.is_staff_conversation(inbound.address):
                await self.referrals.capture(inbound.address)
        if inbound.choice is None and not inbound.mentioned:
            return True  # not for the bot: say nothing
        return False


class Emergency:
    """Runs before any form, question or relay: an emergency leaves the form (nothing
    half-filled is sent) and gets the emergency reply, whatever the conversation was doing."""

    name = "emergency"

    def __init__(self, watchers: Sequence[EmergencyWatcher] = ()) -> None:
        self.watchers = tuple(watchers)

    def check(self, turn: Turn) -> bool | None:
        if turn.inbound.kind != "message" or not turn.text:
            return None
        return True if turn.classification.is_emergency else None

    async def handle(self, turn: Turn, match: Any) -> bool:
        if turn.state.pop("form", None) is not None:
            log.info("emergency during the call-back form: the form was dropped")
        reply = turn.router.respond(turn.text, turn.facts, turn.now, turn.classification)
        turn.say(reply)
        for watcher in self.watchers:
            try:
                await watcher(turn, reply)
            except Exception:  # the citizen's emergency reply goes out whatever happens here
                log.exception("after the emergency reply: %s failed", type(watcher).__name__)
        return True


class Privacy:
    """ "delete my details": erase everything about this conversation, and confirm."""

    name = "privacy"

    def __init__(self, referrals: Referrals | None) -> None:
        self.referrals = referrals

    def check(self, turn: Turn) -> bool | None:
        if self.referrals is None or turn.inbound.kind != "message" or not turn.text:
            return None
        config = self.referrals.config()
        if config is None or not starts_with(turn.text, config.words.get("delete", ())):
            return None
        return True

    async def handle(self, turn: Turn, match: Any) -> bool:
        assert self.referrals is not None
        config = self.referrals.config()
        assert config is not None
        updates = await self.referrals.erase(turn.key)
        turn.erased = True
        turn.outcome.updates.extend(updates)
        turn.say_text(config.messages["deleted"].in_(turn.language))
        return True


@dataclass(slots=True)
class _Open:
    form: dict[str, Any]
    rules: CallbackForm


class Form:
    """The call-back form while one is open (see ``bot/core/form.py``)."""

    name = "form"

    def __init__(self, referrals: Referrals | None) -> None:
        self.referrals = referrals
        self._rules: tuple[int, dict[str, CallbackForm]] | None = None

    def rules(self, turn: Turn) -> CallbackForm | None:
        """The form's rules for the routing table in use (rebuilt after a reload), in the
        turn's language."""
        config = self.referrals.config() if self.referrals is not None else None
        if config is None:
            return None
        if self._rules is None or self._rules[0] != id(config):
            self._rules = (id(config), {})
        forms = self._rules[1]
        language = turn.language
        if language not in forms:
            names = tuple(a.name.in_(language) for a in turn.router.table.areas)
            forms[language] = CallbackForm(config, names, language)
        return forms[language]

    def check(self, turn: Turn) -> _Open | None:
        if turn.inbound.kind not in ("message", "action"):
            return None
        if "form" not in turn.state:
            return None
        rules = self.rules(turn)
        form = CallbackForm.active(turn.state, _timestamp(turn))
        if rules is None or form is None:
            turn.state.pop("form", None)
            return None
        return _Open(form, rules)

    async def handle(self, turn: Turn, match: _Open) -> bool:
        rules, form = match.rules, match.form
        inbound = turn.inbound
        choice = inbound.choice or turn.offered_choice()
        if choice is not None and choice.startswith(LANGUAGE_PREFIX):
            # The other language, mid-form: the same question again, in that language.
            turn.set_language(choice[len(LANGUAGE_PREFIX) :])
            again = self.rules(turn)
            assert again is not None
            return await self._after(turn, again.resume(form))
        if choice is not None and not choice.startswith(CALLBACK_PREFIX) and form["step"] != "area":
            # A button from an earlier message: the citizen moved on.
            turn.state.pop("form", None)
            turn.say_text(rules._m("left_form"))
            return False
        if form["step"] == "area" and turn.text and not _leaving(turn):
            found = turn.router.table.area_matcher.find(turn.text)
            if found is not None:
                area = turn.router.table.area(found.area_id)
                town = turn.text.strip()
                names = (area.name.en, area.name.ga or "", found.area_id) if area else ()
                if town.casefold() in (n.casefold() for n in names):
                    town = ""
                form["touched"] = _timestamp(turn)
                return await self._after(turn, rules.set_area(form, found.area_id, town or None))
        classification = turn.classification
        intents = classification.intents or (
            (classification.intent,) if classification.intent and not classification.is_emergency else ()
        )
        signals = Signals(
            services=tuple(i for i in intents if turn.router.table.service(i) is not None),
            act=getattr(classification, "act", None),
            topic=getattr(classification, "topic", None),
        )
        step = rules.answer(turn.state, turn.text, signals, _timestamp(turn))
        moved_on = bool(signals.services or signals.act or signals.topic)
        return await self._after(turn, step, moved_on)

    async def _after(self, turn: Turn, step: Step, moved_on: bool = False) -> bool:
        assert self.referrals is not None
        if step.result == "left":
            turn.say_text(" ".join(step.texts))
            # A new request or question is then answered as usual; "actually forget it"
            # needs nothing more.
            return not moved_on
        if step.result == "done":
            text = await self.referrals.commit(turn.inbound.address, step.values, turn.language)
            turn.say_text(text)
            turn.outcome.wake_outbox = True
            return True
        if step.result == "declined":
            service = str(step.values.get("service"))
            facts = ConversationFacts(area=step.values.get("area"))
            routed = turn.router.choose(f"{SERVICE_PREFIX}{service}", facts, turn.now)
            config = self.referrals.config()
            lead = config.messages["no_consent"].in_(turn.language) if config else ""
            turn.say(replace(routed, text=f"{lead}\n\n{routed.text}", choices=()))
            log.info("callback declined: no consent, nothing stored")
            return True
        turn.say_text("\n\n".join(t for t in step.texts if t), step.buttons)
        return True


def _leaving(turn: Turn) -> bool:
    classification = turn.classification
    return bool(classification.intents) or getattr(classification, "act", None) is not None


class Reference:
    name = "reference"

    def __init__(self, referrals: Referrals | None) -> None:
        self.referrals = referrals

    def check(self, turn: Turn) -> str | None:
        if self.referrals is None or turn.inbound.kind != "message" or not turn.text:
            return None
        if self.referrals.config() is None:
            return None
        return find_reference(turn.text)

    async def handle(self, turn: Turn, reference: str) -> bool:
        assert self.referrals is not None
        turn.say_text(await self.referrals.status(turn.key, reference, turn.language))
        return True


class Choice:
    """A button press, or its label typed: routes directly, never through the classifier."""

    name = "choice"

    def __init__(self, referrals: Referrals | None, form: Form) -> None:
        self.referrals = referrals
        self.form = form

    def check(self, turn: Turn) -> str | None:
        if turn.inbound.kind not in ("message", "action"):
            return None
        choice = turn.inbound.choice or turn.offered_choice()
        if choice is None and turn.inbound.kind == "message" and turn.text:
            asked = asks_for_language(turn.text)  # "as Gaeilge", "English" typed
            choice = f"{LANGUAGE_PREFIX}{asked}" if asked else None
        return choice

    async def handle(self, turn: Turn, choice: str) -> bool:
        if choice.startswith(LANGUAGE_PREFIX):
            # The language button: from now on in that language, starting with its welcome.
            turn.set_language(choice[len(LANGUAGE_PREFIX) :])
            turn.say(turn.router.welcome(turn.now))
            return True
        if choice.startswith(CALLBACK_PREFIX):
            service = choice[len(CALLBACK_PREFIX) :]
            rules = self.form.rules(turn)
            config = self.referrals.config() if self.referrals is not None else None
            if rules is not None and config is not None and config.offered_for(service):
                facts = turn.facts
                # After a live chat nobody took, or asked for out of hours, "talk to a
                # person"'s call-back starts with what the citizen already said.
                need = carried_need(turn.state, _timestamp(turn))
                step = rules.start(
                    turn.state, service, area=facts.area, town=None, now=_timestamp(turn),
                    need=need if service == TALK_TO_PERSON else None,
                )
                log.info("callback started for service %s", service)
                turn.say_text("\n\n".join(step.texts), step.buttons)
                return True
        turn.say(turn.router.choose(choice, turn.facts, turn.now))
        return True


class Route:
    """Everything else: classify and answer. Around that: a follow-up right after an
    emergency reply gets 112/999, HSELive and a person, never "I didn't understand"; "what's
    happening with my request" lists this conversation's own requests; a second "not
    understood" in a row leads with how to reach a person."""

    name = "route"

    def __init__(
        self,
        referrals: Referrals | None = None,
        person_offer: Callable[[Turn], str | None] | None = None,
    ) -> None:
        self.referrals = referrals
        self.person_offer = person_offer

    def check(self, turn: Turn) -> bool | None:
        if turn.inbound.kind == "action":
            return True  # a card action with no choice
        return True if turn.inbound.kind == "message" else None

    async def handle(self, turn: Turn, match: Any) -> bool:
        inbound = turn.inbound
        if inbound.kind == "action":
            turn.outcome.invoke = error_invoke(400, "BadRequest", "That button has no choice.")
            return True
        if not turn.text and not inbound.has_attachments:
            return True  # an empty message needs no answer
        if not turn.text:  # a photo or file alone
            turn.say(turn.router.respond("", turn.facts, turn.now))
            return True
        router, classification = turn.router, turn.classification
        act = getattr(classification, "act", None)
        asks_service = bool(classification.intents or classification.intent or classification.candidates)
        if turn.state.get("last") == "emergency" and not asks_service and act != "talk_to_person":
            turn.say(router.after_emergency(turn.facts, turn.now))
            return True
        if act == "request_status" and self.referrals is not None:
            await self._requests(turn)
            return True
        reply = router.respond(turn.text, turn.facts, turn.now, classification)
        if reply.kind == "fallback" and turn.state.get("last") == "fallback":
            lead = self.person_offer(turn) if self.person_offer is not None else None
            if lead:  # a person can be reached here, now: the Talk to someone button
                reply = replace(reply, text=f"{lead}\n\n{reply.text}")
            else:
                reply = router.offer_person(reply, turn.now)
        turn.say(reply)
        return True

    async def _requests(self, turn: Turn) -> None:
        """The conversation's own requests and where each stands (never another's)."""
        assert self.referrals is not None
        referrals = await self.referrals.open_requests(turn.key)
        if not referrals:
            turn.say(turn.router.no_requests(turn.facts, turn.now))
            return
        texts = [
            await self.referrals.status(turn.key, r.reference, turn.language)
            for r in referrals[-3:]
        ]
        reply = turn.router.small_talk("request_status", turn.facts, turn.now)
        turn.say(replace(reply, text="\n\n".join([reply.text, *texts])))


def helpline_handlers(
    referrals: Referrals | None,
    staff_refused: Callable[[], None],
    handoff: Handoff | None = None,
) -> list[Any]:
    """The handlers in the order the core tries them (with live chat's when ``handoff``)."""
    form = Form(referrals)
    if handoff is None:
        return [
            Joined(referrals),
            Other(),
            StaffActions(referrals, staff_refused),
            GroupGate(referrals),
            Emergency(),
            Privacy(referrals),
            form,
            Reference(referrals),
            Choice(referrals, form),
            Route(referrals),
        ]
    from . import handoff as live

    return [
        Joined(referrals),
        Other(),
        StaffActions(referrals, staff_refused),
        live.StaffChatActions(handoff, staff_refused),
        live.StaffThread(handoff),
        GroupGate(referrals),
        Emergency([live.EmergencyRelay(handoff)]),
        Privacy(referrals),
        live.LiveChat(handoff),
        form,
        Reference(referrals),
        live.HandoffRequest(handoff),
        Choice(referrals, form),
        Route(referrals, live.person_offer(handoff)),
    ]
