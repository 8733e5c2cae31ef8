"""What the bot's turn handling asks of the referral feature.

- :meth:`Referrals.offer` adds "Ask them to call me back" under a routed reply.
- :meth:`Referrals.on_message` runs the callback dialog, "delete my details" and "what
  happened to MAY-XXXX" (answers True when it handled the message).
- :meth:`Referrals.on_staff_action` handles "I'll take it" on a staff card.
- :meth:`Referrals.capture` remembers how to reach a team or chat the bot was added to.

The referral is committed to the database before the citizen is told its reference.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from botbuilder.core import InvokeResponse, Storage, TurnContext
from botbuilder.dialogs import DialogTurnStatus
from botbuilder.schema import Activity, ActivityTypes, Attachment

from routing.referrals import ReferralConfig, day_word, ring_back_by, time_word
from routing.reply import Choice, ConversationFacts, Reply
from routing.router import Router

from ..cards import ADAPTIVE_CARD
from ..state import ConversationStore, state_key
from .codes import find_reference
from .dialog import DIALOG_ID, CallbackDialog, CallbackState, matches
from .model import CLAIMED, Delivery, NewReferral, Target
from .staff_card import claimed_reference, staff_card_for
from .store import ReferralStore

log = logging.getLogger(__name__)

CALLBACK_PREFIX = "callback:"
_ACTIVE = "callback"  # conversation-state key: the service a callback dialog is running for


class Referrals:
    def __init__(
        self,
        storage: Storage,
        store: ReferralStore,
        router: Callable[[], Router],
        conversations: ConversationStore,
        clock: Callable[[], dt.datetime],
        on_queued: Callable[[], None] = lambda: None,
        on_erased: Callable[[list[Delivery]], None] = lambda cards: None,
    ) -> None:
        self.store = store
        self._router = router
        self._conversations = conversations
        self._clock = clock
        self._on_queued = on_queued
        self._on_erased = on_erased
        self._state = CallbackState(storage)
        self._dialog = CallbackDialog(self._state, router, self._commit, clock)

    def _config(self) -> ReferralConfig | None:
        return self._router().table.referrals

    # ---- offering ------------------------------------------------------------------------
    def offer(self, reply: Reply) -> Reply:
        config = self._config()
        if config is None or reply.kind != "routed":
            return reply
        service = next((s for s in reply.intents if config.offered_for(s)), None)
        if service is None:
            return reply
        button = Choice(config.messages["offer_button"], f"{CALLBACK_PREFIX}{service}")
        return replace(reply, choices=(*reply.choices, button))

    # ---- the citizen's messages ----------------------------------------------------------
    def engages(self, text: str, choice: str | None, state: dict[str, Any]) -> bool:
        """Whether :meth:`on_message` could take this message (a superset: when in doubt,
        True). Messages it cannot take are answered without the SDK's dialog machinery."""
        config = self._config()
        if config is None:
            return False
        if state.get(_ACTIVE) or (choice and choice.startswith(CALLBACK_PREFIX)):
            return True
        return bool(text) and (
            matches(text, config.words["delete"]) or find_reference(text) is not None
        )

    async def on_message(
        self, context: TurnContext, text: str, choice: str | None, state: dict[str, Any]
    ) -> bool:
        config = self._config()
        if config is None:
            return False
        if text and matches(text, config.words["delete"]):
            await self._erase(context, config)
            return True
        if state.get(_ACTIVE) and await self._continue(context, text, state, config):
            return True
        if choice and choice.startswith(CALLBACK_PREFIX):
            service = choice[len(CALLBACK_PREFIX) :]
            if config.offered_for(service):
                facts = ConversationFacts.from_dict(state.get("facts"))
                await self._begin(context, service, facts.area, state)
                return True
            return False
        reference = find_reference(text) if text else None
        if reference is not None:
            await self._status(context, reference, config)
            return True
        return False

    async def save(self, context: TurnContext) -> None:
        await self._state.save_changes(context)

    async def _begin(
        self, context: TurnContext, service: str, area: str | None, state: dict[str, Any]
    ) -> None:
        await self._state.load(context)
        dc = await self._dialog.dialogs.create_context(context)
        await dc.cancel_all_dialogs()
        state[_ACTIVE] = {"service": service, "area": area}
        result = await dc.begin_dialog(DIALOG_ID, {"service": service, "area": area})
        self._after(result.status, state)
        log.info("callback started for service %s", service)

    async def _continue(
        self, context: TurnContext, text: str, state: dict[str, Any], config: ReferralConfig
    ) -> bool:
        """Carry on the dialog; False when there is none after all (state was lost)."""
        await self._state.load(context)
        dc = await self._dialog.dialogs.create_context(context)
        if dc.active_dialog is None:
            state.pop(_ACTIVE, None)
            return False
        if text and matches(text, config.words["cancel"]):
            await dc.cancel_all_dialogs()
            state.pop(_ACTIVE, None)
            await context.send_activity(_text(config.messages["cancelled"]))
            log.info("callback cancelled by the citizen")
            return True
        if text and matches(text, config.words["restart"]):
            active = state.get(_ACTIVE) or {}
            await self._begin(context, str(active.get("service")), active.get("area"), state)
            return True
        result = await dc.continue_dialog()
        self._after(result.status, state)
        return True

    @staticmethod
    def _after(status: DialogTurnStatus, state: dict[str, Any]) -> None:
        if status in (
            DialogTurnStatus.Complete,
            DialogTurnStatus.Cancelled,
            DialogTurnStatus.Empty,
        ):
            state.pop(_ACTIVE, None)

    # ---- committing ----------------------------------------------------------------------
    async def _commit(self, context: TurnContext, values: dict[str, Any]) -> None:
        """Store the referral durably, then tell the citizen (never the other way round)."""
        config = self._config()
        assert config is not None
        service_id = str(values["service"])
        now = self._clock()
        targets = [Target(d.type, d.id) for d in config.enabled_destinations(service_id)]
        new = NewReferral(
            submission=str(values["submission"]),
            conversation=state_key(context),
            service_id=service_id,
            name=str(values["name"]),
            phone=str(values["phone"]),
            area=values.get("area"),
            need=str(values["need"]),
            citizen_ref=TurnContext.get_conversation_reference(context.activity).serialize(),
        )
        try:
            referral, created = await self.store.create(new, targets, now.timestamp())
        except Exception:
            log.exception("callback for service %s could not be stored", service_id)
            await context.send_activity(_text(config.messages["failed"]))
            return
        log.info(
            "referral %s committed for service %s (%d deliveries)%s",
            referral.reference,
            service_id,
            len(targets),
            "" if created else " (already stored)",
        )
        plan = config.plan(service_id)
        schedule = plan.hours
        if schedule is None:
            service = self._router().table.service(service_id)
            contacts = service.contacts_for(None) if service else ()
            schedule = contacts[0].contact.schedule if contacts else None
        by = ring_back_by(schedule, now, plan.response_hours)
        if by is None:
            when = config.messages["when_soon"]
        else:
            m = self._router().messages
            day = day_word(by, now, m.today, m.tomorrow, m.days, m.months)
            when = config.messages["when_by"].format(time=time_word(by), day=day)
        text = config.messages["confirmed"].format(
            name=referral.name,
            reference=referral.reference,
            who=plan.who,
            phone=referral.phone,
            when=when,
        )
        await context.send_activity(_text(text))
        self._on_queued()  # after the reply: delivery work does not delay the citizen's answer

    # ---- status and erasure --------------------------------------------------------------
    async def _status(self, context: TurnContext, reference: str, config: ReferralConfig) -> None:
        referral = await self.store.get(reference)
        if referral is None or referral.conversation != state_key(context):
            text = config.messages["status_unknown"].format(reference=reference)
        elif referral.status == CLAIMED:
            text = config.messages["status_claimed"].format(
                reference=reference, staff=referral.claimed_by
            )
        else:
            who = config.plan(referral.service_id).who
            text = config.messages["status_received"].format(reference=reference, who=who)
        await context.send_activity(_text(text))

    async def _erase(self, context: TurnContext, config: ReferralConfig) -> None:
        conversation = state_key(context)
        cards = [
            card
            for referral in await self.store.for_conversation(conversation)
            for card in await self.store.card_deliveries(referral.reference)
        ]
        erased = await self.store.erase_conversation(conversation)
        await self._state.load(context)  # BotState.delete needs it loaded first
        await self._state.delete(context)
        await self._conversations.delete(context)
        log.info(
            "citizen asked to delete their details: %d referral(s) erased %s",
            len(erased),
            ",".join(erased),
        )
        await context.send_activity(_text(config.messages["deleted"]))
        if cards:
            self._on_erased(cards)  # staff cards showing the details are cleared

    # ---- staff ---------------------------------------------------------------------------
    async def capture(self, context: TurnContext) -> None:
        """Remember how to reach this team or chat (for Teams destinations)."""
        activity = context.activity
        if not activity.conversation or not activity.conversation.id:
            return
        reference = TurnContext.get_conversation_reference(activity).serialize()
        reference.pop("user", None)  # the staff member who happened to speak: not needed
        reference.pop("activityId", None)
        await self.store.save_conversation_ref(activity.conversation.id, reference)

    async def on_staff_action(self, context: TurnContext) -> InvokeResponse | None:
        """ "I'll take it" pressed: returns the invoke answer (None: not a claim)."""
        activity = context.activity
        reference = claimed_reference(activity.value)
        config = self._config()
        if reference is None or config is None:
            return None
        sender = activity.from_property
        staff = (sender.name or sender.id or "").strip() if sender else ""
        referral, won = await self.store.claim(reference, staff or "?", self._clock().timestamp())
        if referral is None:
            log.info("claim for %s: no such referral (erased or purged)", reference)
            from .staff_card import erased_card

            card = erased_card(reference, config)
        else:
            card = staff_card_for(referral, config, self._router().table)
            log.info("referral %s %s", reference, "claimed" if won else "was already claimed")
        if referral is not None and won:
            self._on_queued()  # the citizen's "who will call" notice is in the outbox
        await self._update_card(context, reference, card)
        return InvokeResponse(
            status=200,
            body={"statusCode": 200, "type": ADAPTIVE_CARD, "value": card},
        )

    async def _update_card(
        self, context: TurnContext, reference: str, card: dict[str, Any]
    ) -> None:
        activity = context.activity
        conversation_id = activity.conversation.id if activity.conversation else None
        ids = [
            d.activity_id
            for d in await self.store.card_deliveries(reference)
            if d.activity_id and d.conversation_id == conversation_id
        ]
        if not ids and activity.reply_to_id:
            ids = [activity.reply_to_id]
        for activity_id in ids:
            update = Activity(
                id=activity_id,
                type=ActivityTypes.message,
                attachments=[Attachment(content_type=ADAPTIVE_CARD, content=card)],
            )
            try:
                await context.update_activity(update)
            except Exception as error:  # the invoke answer still refreshes the presser's card
                log.warning("referral %s: card update failed (%s)", reference, type(error).__name__)


def _text(text: str) -> Activity:
    return Activity(type=ActivityTypes.message, text=text, text_format="plain")
