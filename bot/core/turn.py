"""One turn: read the conversation's state, run the first handler that takes the inbound,
save the state, hand back what to say.

Handlers are ordered; each says whether it takes the turn (``check``, cheap, no I/O) and
then handles it (``handle``); a handler may decline after all (``handle`` returns False,
e.g. the call-back form when the message turns out to be a new request) and the next one
runs. The state is written only after the turn decided everything and only if it changed,
with its eTag: a turn that raced another instance's turn of the same conversation is
decided again on the new state (nothing has been sent yet), so replies always follow the
state that was saved.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, Protocol

from intents.result import Classification
from routing.localized import ENGLISH, IRISH, LANGUAGES
from routing.reply import Choice, ConversationFacts, Reply
from routing.router import Router

from ..storage import Decision, EtagConflict, RateLimits, Storage, StorageBusy
from .locks import ConversationLocks
from .message import Inbound, Outcome
from .words import fold

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# Longest message the classifier is given; longer text is cut (bounded work per turn).
MAX_TEXT = 2000
_NEW_CONVERSATION = ConversationFacts()
_ATTEMPTS = 3
_REMEMBERED = frozenset({"emergency", "fallback"})
# Said after an emergency reply, these keep "last" as it was: the next message is still a
# follow-up to the emergency ("ok", "she's breathing now").
_KEEPS_LAST = frozenset({"text", "after_emergency", "small_talk"})  # tries of a turn that keeps losing eTag races (another instance, same chat)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def clock_from(start: datetime, real: Clock = utc_now) -> Clock:
    """A clock that reads ``start`` now and runs on from there (``HELPLINE_NOW``)."""
    offset = start - real()
    return lambda: real() + offset


def norm_label(text: str) -> str:
    """A button label or typed text as compared with the labels offered last time."""
    return " ".join(text.lower().split())


def text_reply(
    text: str, buttons: Sequence[str] = (), *, kind: str = "text", language: str = ENGLISH
) -> Reply:
    """A plain message, optionally with buttons whose label is also what they send."""
    choices = tuple(Choice(b, b) for b in buttons)
    return Reply(kind=kind, text=text, choices=choices, language=language)  # type: ignore[arg-type]


LANGUAGE = "language"  # the conversation state's key, kept only when not the default
# What a citizen may type to ask for a language, besides pressing its button.
_ASKS_FOR = {
    IRISH: ("gaeilge", "as gaeilge", "i ngaeilge", "gaeilge le do thoil", "irish", "in irish",
            "irish please", "as gaelainn", "gaelainn", "gaedhilge"),
    ENGLISH: ("english", "in english", "english please", "bearla", "as bearla", "i mbearla"),
}  # folded: lower case, no fadas


def locale_language(locale: str | None) -> str:
    """The language a client's locale starts a conversation in: Irish for ``ga``/``ga-IE``."""
    if locale and locale.strip().lower().replace("_", "-").split("-")[0] == IRISH:
        return IRISH
    return ENGLISH


def asks_for_language(text: str) -> str | None:
    """ "Gaeilge", "as Gaeilge", "in English": the language asked for, or None."""
    folded = fold(text)
    for language, phrases in _ASKS_FOR.items():
        if folded in phrases:  # already folded: no fadas
            return language
    return None


@dataclass(slots=True)
class Turn:
    """Everything one handler needs to decide, and what has been decided so far."""

    inbound: Inbound
    state: dict[str, Any]
    now: datetime
    routers: Router  # the routing table's router (any language: ``router`` is this turn's)
    offer: Callable[[Reply], Reply] | None = None
    outcome: Outcome = field(default_factory=Outcome)
    erased: bool = False  # the conversation's data was deleted: write no state back
    _classification: Classification | None = None
    _language: str | None = None

    @property
    def text(self) -> str:
        return self.inbound.text

    # ---- the conversation's language ----------------------------------------------------
    @property
    def default_language(self) -> str:
        """The language a conversation starts in: Irish when the client's locale is Irish."""
        return locale_language(self.inbound.locale)

    @property
    def language_known(self) -> bool:
        """Whether the citizen has shown their language (by writing, a button, or an Irish
        locale). Until then the welcome greets in Irish and English alike."""
        return LANGUAGE in self.state or self.default_language == IRISH

    @property
    def language(self) -> str:
        """The language this turn answers in: "ga" or "en". A message written in Irish
        switches the conversation to Irish and one written in English back to English; a
        message that does not say ("ok", a name, a number, a place) keeps it, and so does a
        button (its label is the bot's own words). Decided once per turn."""
        if self._language is None:
            current = self.state.get(LANGUAGE)
            language = current if current in LANGUAGES else self.default_language
            if self._typed():
                written = self.classification.language
                if written in LANGUAGES:
                    language = written
            self._language = language
        return self._language

    def set_language(self, language: str) -> None:
        """The citizen chose ``language`` (a language button, "as Gaeilge")."""
        self._language = language if language in LANGUAGES else ENGLISH
        self._keep_language()

    def _keep_language(self) -> None:
        """Only a language other than the default is kept, so an English one-off question
        writes no state."""
        language = self.language
        if language == self.default_language:
            self.state.pop(LANGUAGE, None)
        else:
            self.state[LANGUAGE] = language

    def _typed(self) -> bool:
        """The citizen's own words: a message with text that is not a button."""
        inbound = self.inbound
        if inbound.kind != "message" or not inbound.text or inbound.choice is not None:
            return False
        return self.offered_choice() is None

    @property
    def router(self) -> Router:
        """The router in this turn's language."""
        return self.routers.in_(self.language)

    @property
    def key(self) -> str:
        return self.inbound.address.key

    @property
    def classification(self) -> Classification:
        """The message's classification, worked out once per turn."""
        if self._classification is None:
            self._classification = self.routers.classify(self.text)
        return self._classification

    @property
    def facts(self) -> ConversationFacts:
        return ConversationFacts.from_dict(self.state.get("facts"))

    def offered_choice(self) -> str | None:
        """The choice whose button label the citizen typed (or their client sent as text)."""
        offered = self.state.get("offered")
        return offered.get(norm_label(self.text)) if offered and self.text else None

    def say(self, reply: Reply) -> Reply:
        """Add ``reply`` to the outcome, with any offered extras (the call-back button), and
        note what it means for the conversation: its facts and the buttons now on offer.
        Only what differs from a new conversation is kept."""
        if self.offer is not None:
            reply = self.offer(reply)
        if not self.erased:
            self._keep_language()
        if reply.kind != "text" or reply.facts != _NEW_CONVERSATION:
            if reply.facts != _NEW_CONVERSATION or "facts" in self.state:
                self.state["facts"] = reply.facts.to_dict()
        # Buttons that only send their label (the form's yes/no, area names) need no mapping.
        offered = {norm_label(c.label): c.value for c in reply.choices if c.value != c.label}
        if offered or self.state.get("offered"):
            self.state["offered"] = offered
        # Remembered only where the next message depends on it (follow-ups after an
        # emergency, a second "not understood"): most turns then leave no state to write.
        if reply.kind in _REMEMBERED:
            self.state["last"] = reply.kind
        elif "last" in self.state and not (
            reply.kind in _KEEPS_LAST and self.state["last"] == "emergency"
        ) and reply.kind != "text":
            del self.state["last"]
        self.outcome.replies.append(reply)
        return reply

    def say_text(self, text: str, buttons: Sequence[str] = ()) -> Reply:
        reply = text_reply(text, buttons, language=self.language)
        return self.say(replace(reply, facts=self.facts))


class Handler(Protocol):
    """One kind of turn: ``check`` says, without I/O, whether this handler takes it (a match
    object, or None); ``handle`` acts on the match and returns False to let the next
    handler have the turn after all."""

    name: str

    def check(self, turn: Turn) -> Any | None: ...

    async def handle(self, turn: Turn, match: Any) -> bool: ...


class Failures(Protocol):
    """Told about turns that could not be answered as usual (bot/ops implements it)."""

    def rate_limited(self) -> None: ...

    def storage_busy(self) -> None: ...

    def bug(self, error: Exception) -> None: ...

    def handled_by(self, name: str) -> None: ...


class Recorder(Protocol):
    """What the staff page keeps of each turn (``bot.storage.insights.Insights``): plain
    calls that only append to a buffer."""

    def record_turn(
        self,
        conversation_key: str,
        at: datetime,
        kind: str,
        services: Sequence[str] = (),
        district: str | None = None,
        language: str = "en",
        answered_without_person: bool = True,
    ) -> None: ...

    def record_not_understood(
        self,
        conversation_key: str,
        at: datetime,
        text: str,
        kind: str,
        language: str = "en",
        display_name: str | None = None,
    ) -> None: ...


# Replies that put the citizen in touch with a person rather than answer them.
_TO_A_PERSON = frozenset({"talk_to_someone", "handoff", "callback"})
_NOT_UNDERSTOOD = frozenset({"fallback", "clarify"})


def main_reply(replies: Sequence[Reply]) -> Reply | None:
    """The reply that says what the turn was about: the first that is not a plain message
    (a form's note before a routed answer), else the first."""
    for reply in replies:
        if reply.kind not in ("text", "apology"):
            return reply
    return replies[0] if replies else None


class _NoFailures:
    def rate_limited(self) -> None:
        pass

    def storage_busy(self) -> None:
        pass

    def bug(self, error: Exception) -> None:
        log.error("turn failed: %s", type(error).__name__, exc_info=error)

    def handled_by(self, name: str) -> None:
        pass


@dataclass(frozen=True, slots=True)
class LiveChatLimits:
    """A conversation in a live chat with staff may go past the ordinary message limit (a
    citizen pasting a long story line by line must reach staff whole), up to ``limits``
    (Teams' own pace for one conversation: more could only queue up)."""

    limits: RateLimits
    in_live_chat: Callable[[str], Awaitable[bool]]


class TurnRunner:
    """Runs turns: rate limit, one turn at a time per conversation (within this instance;
    eTags across instances), the handlers, then the state write.

    ``notes`` are told about each turn once the handlers decided it, before the state is
    saved (live chat keeps the last few exchanges for the staff card)."""

    def __init__(
        self,
        handlers: Sequence[Handler],
        storage: Storage,
        router: Callable[[], Router],
        *,
        clock: Clock = utc_now,
        offer: Callable[[Reply], Reply] | None = None,
        failures: Failures | None = None,
        locks: ConversationLocks | None = None,
        recorder: Recorder | None = None,
        notes: Sequence[Callable[[Turn], None]] = (),
        live_chat_limits: LiveChatLimits | None = None,
    ) -> None:
        self.handlers = tuple(handlers)
        self.storage = storage
        self.router = router
        self.clock = clock
        self.offer = offer
        self.failures: Failures = failures or _NoFailures()
        self.locks = locks or ConversationLocks()
        self.recorder = recorder
        self.notes = tuple(notes)
        self.live_chat_limits = live_chat_limits

    def _phone(self, router: Router) -> str:
        helpline = router.table.helpline
        return helpline.phone.display if helpline.phone is not None else (helpline.email or "")

    async def run(self, inbound: Inbound) -> Outcome:
        key = inbound.address.key
        if inbound.kind in ("message", "action"):
            decision = await self.storage.rate_limits.hit(key)
            live = self.live_chat_limits
            if decision is not Decision.ALLOW and live is not None and await live.in_live_chat(key):
                decision = await live.limits.hit(f"live:{key}")
            if decision is not Decision.ALLOW:
                self.failures.rate_limited()
                outcome = Outcome()
                router = self.router().in_(self._language_of(inbound))
                text = router.text(router.messages.rate_limited)
                text = text.format(phone=self._phone(router))
                if decision is Decision.LIMITED_NOTIFY:
                    outcome.replies.append(text_reply(text, language=router.language))
                if inbound.kind == "action":  # a card button pressed too often: refused in place
                    outcome.invoke = error_invoke(429, "TooManyRequests", text)
                return outcome
        try:
            async with self.locks.hold(key):
                return await self._run(inbound, key)
        except (StorageBusy, EtagConflict):
            # EtagConflict: other instances kept rewriting this conversation's state while
            # the turn was decided again and again; as busy as a lock held too long.
            self.failures.storage_busy()
            return self._sorry(inbound, "busy")
        except Exception as error:  # a bug: logged and counted; the citizen gets an apology
            self.failures.bug(error)
            return self._sorry(inbound, "apology")

    def _sorry(self, inbound: Inbound, kind: str) -> Outcome:
        outcome = Outcome()
        if inbound.kind not in ("message", "action"):
            return outcome
        router = self.router().in_(self._language_of(inbound))
        messages = router.messages
        template = getattr(messages, "busy", None) if kind == "busy" else None
        text = router.text(template or messages.apology).format(phone=self._phone(router))
        outcome.replies.append(text_reply(text, kind="apology", language=router.language))
        if inbound.kind == "action":
            outcome.invoke = message_invoke(text)
        return outcome

    def _language_of(self, inbound: Inbound) -> str:
        """The language to answer in without the conversation's state (too busy, a bug):
        the message's own, else the client's locale."""
        detect = getattr(self.router().table.classifier, "detect_language", None)
        written = detect(inbound.text) if detect is not None and inbound.text else None
        return written if written in LANGUAGES else locale_language(inbound.locale)

    async def _run(self, inbound: Inbound, key: str) -> Outcome:
        for attempt in range(1, _ATTEMPTS + 1):
            item = await self.storage.state.read(key)
            turn = Turn(inbound, item.data, self.clock(), self.router(), self.offer)
            await self.dispatch(turn)
            if inbound.kind == "action" and turn.outcome.invoke is None:
                first = turn.outcome.replies[0].text if turn.outcome.replies else ""
                turn.outcome.invoke = message_invoke(first)
            if turn.erased:
                return turn.outcome
            for note in self.notes:
                note(turn)
            try:
                await self.storage.state.write(item)
            except EtagConflict:
                if attempt == _ATTEMPTS:
                    raise
                log.info("conversation state changed meanwhile; deciding the turn again")
                continue
            if self.recorder is not None and inbound.kind == "message":
                self._record(turn)
            return turn.outcome
        raise AssertionError("unreachable")

    def _record(self, turn: Turn) -> None:
        reply = main_reply(turn.outcome.replies)
        if reply is None or self.recorder is None:
            return
        key, at = turn.key, turn.now
        self.recorder.record_turn(
            key,
            at,
            reply.kind,
            reply.intents,
            turn.facts.area,
            language=turn.language,
            answered_without_person=reply.kind not in _TO_A_PERSON,
        )
        if reply.kind in _NOT_UNDERSTOOD and turn.text:
            self.recorder.record_not_understood(
                key,
                at,
                turn.text,
                reply.kind,
                language=turn.language,
                display_name=turn.inbound.sender.name or None,
            )

    async def dispatch(self, turn: Turn) -> None:
        for handler in self.handlers:
            match = handler.check(turn)
            if match is None:
                continue
            if await handler.handle(turn, match):
                self.failures.handled_by(handler.name)
                return


def message_invoke(text: str) -> dict[str, Any]:
    """The answer to a card action that shows ``text`` in place (Universal Actions)."""
    return {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": text}


def card_invoke(card: dict[str, Any]) -> dict[str, Any]:
    """The answer to a card action that replaces the card for the person who pressed."""
    return {"statusCode": 200, "type": "application/vnd.microsoft.card.adaptive", "value": card}


def error_invoke(status: int, code: str, message: str) -> dict[str, Any]:
    return {
        "statusCode": status,
        "type": "application/vnd.microsoft.error",
        "value": {"code": code, "message": message},
    }
