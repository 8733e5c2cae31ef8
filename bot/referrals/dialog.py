"""The callback conversation (botbuilder-dialogs): name, phone, area, need, consent.

Its state lives in the Bot Framework ``Storage`` (SQLite in production) under the
conversation's key plus ``/callback``, so after a restart the citizen carries on where they
were. Every word comes from ``referrals.messages`` in the routing table, read at each step
so an edit takes effect at once. "cancel", "stop" and "start again" are handled before the
dialog sees a message (``service.py``).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from botbuilder.core import BotState, TurnContext
from botbuilder.dialogs import DialogSet, DialogTurnResult, WaterfallDialog, WaterfallStepContext
from botbuilder.dialogs.prompts import PromptOptions, PromptValidatorContext, TextPrompt
from botbuilder.schema import ActionTypes, Activity, ActivityTypes, CardAction, SuggestedActions

from routing.phones import Phone, parse_phone
from routing.referrals import ReferralConfig
from routing.reply import SERVICE_PREFIX, ConversationFacts
from routing.router import Router

from ..cards import reply_activity
from ..state import state_key

log = logging.getLogger(__name__)

DIALOG_ID = "callback"
NAME, PHONE, AREA, NEED, CONSENT = "name", "phone", "area", "need", "consent"
MAX_NAME = 100
MAX_NEED = 500
MIN_NEED = 3

# What the last step hands over to be committed (see service.py).
Commit = Callable[[TurnContext, dict[str, Any]], Awaitable[None]]


def callback_phone(text: str) -> Phone | None:
    """``text`` as an Irish mobile or landline number a person can be rung on (not 112,
    Freephone, 0818 or 116 numbers), else None."""
    phone = parse_phone(text)
    if phone is None or not phone.uri.startswith("tel:+353"):
        return None
    national = "0" + phone.uri[len("tel:+353") :]
    if re.fullmatch(r"08[35679]\d{7}", national):
        return phone
    if re.fullmatch(r"0[1-9]\d{6,8}", national) and not national.startswith("08"):
        return phone
    return None


def fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())


@functools.lru_cache(maxsize=64)
def _folded(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(fold(w) for w in words)  # the routing table's word lists: a handful


def matches(text: str, words: tuple[str, ...]) -> bool:
    folded = fold(text)
    return bool(folded) and folded in _folded(words)


class CallbackState(BotState):
    """The dialog stack of one conversation, stored beside the conversation's own state."""

    def __init__(self, storage: Any) -> None:
        super().__init__(storage, "helpline.callback")

    def get_storage_key(self, turn_context: TurnContext) -> str:
        return f"{state_key(turn_context)}/callback"


def _message(text: str, buttons: tuple[str, ...] = ()) -> Activity:
    activity = Activity(type=ActivityTypes.message, text=text, text_format="plain")
    if buttons:
        activity.suggested_actions = SuggestedActions(
            actions=[CardAction(type=ActionTypes.im_back, title=b, value=b) for b in buttons]
        )
    return activity


class CallbackDialog:
    """Builds the dialog set; ``router`` gives the current routing table at each step."""

    def __init__(
        self,
        state: CallbackState,
        router: Callable[[], Router],
        commit: Commit,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self._router = router
        self._clock = clock
        self._commit = commit
        self.dialogs = DialogSet(state.create_property("dialog"))
        self.dialogs.add(TextPrompt(NAME, self._valid_name))
        self.dialogs.add(TextPrompt(PHONE, self._valid_phone))
        self.dialogs.add(TextPrompt(AREA, self._valid_text))
        self.dialogs.add(TextPrompt(NEED, self._valid_need))
        self.dialogs.add(TextPrompt(CONSENT, self._valid_consent))
        self.dialogs.add(
            WaterfallDialog(
                DIALOG_ID,
                [
                    self._ask_name,
                    self._ask_phone,
                    self._ask_area,
                    self._ask_need,
                    self._ask_consent,
                    self._finish,
                ],
            )
        )

    def _config(self) -> ReferralConfig:
        config = self._router().table.referrals
        if config is None:
            raise LookupError("callback referrals are no longer configured")
        return config

    def _m(self, key: str, **values: Any) -> str:
        return self._config().messages[key].format(**values)

    # ---- validators ----------------------------------------------------------------------
    @staticmethod
    async def _valid_name(prompt: PromptValidatorContext) -> bool:
        value = (prompt.recognized.value or "").strip() if prompt.recognized.succeeded else ""
        return 0 < len(value) <= MAX_NAME

    @staticmethod
    async def _valid_phone(prompt: PromptValidatorContext) -> bool:
        value = prompt.recognized.value if prompt.recognized.succeeded else ""
        return callback_phone(value or "") is not None

    @staticmethod
    async def _valid_text(prompt: PromptValidatorContext) -> bool:
        return prompt.recognized.succeeded and bool((prompt.recognized.value or "").strip())

    @staticmethod
    async def _valid_need(prompt: PromptValidatorContext) -> bool:
        value = (prompt.recognized.value or "").strip() if prompt.recognized.succeeded else ""
        return MIN_NEED <= len(value)

    async def _valid_consent(self, prompt: PromptValidatorContext) -> bool:
        if not prompt.recognized.succeeded:
            return False
        return self._consent_answer(prompt.recognized.value or "") is not None

    def _consent_answer(self, text: str) -> bool | None:
        config = self._config()
        if matches(text, (config.messages["consent_yes"], *config.words["yes"])):
            return True
        if matches(text, (config.messages["consent_no"], *config.words["no"])):
            return False
        return None

    # ---- steps ---------------------------------------------------------------------------
    async def _ask_name(self, step: WaterfallStepContext) -> DialogTurnResult:
        options = step.options or {}
        step.values["service"] = options.get("service")
        step.values["area"] = options.get("area")
        step.values["submission"] = uuid.uuid4().hex
        return await step.prompt(
            NAME,
            PromptOptions(
                prompt=_message(self._m("ask_name")), retry_prompt=_message(self._m("name_invalid"))
            ),
        )

    async def _ask_phone(self, step: WaterfallStepContext) -> DialogTurnResult:
        step.values["name"] = str(step.result).strip()[:MAX_NAME]
        return await step.prompt(
            PHONE,
            PromptOptions(
                prompt=_message(self._m("ask_phone", name=step.values["name"])),
                retry_prompt=_message(self._m("phone_invalid")),
            ),
        )

    async def _ask_area(self, step: WaterfallStepContext) -> DialogTurnResult:
        step.values["phone"] = str(step.result).strip()
        if step.values.get("area"):
            return await step.next(None)  # known from earlier in the conversation
        table = self._router().table
        names = tuple(a.name for a in table.areas)
        return await step.prompt(
            AREA,
            PromptOptions(
                prompt=_message(self._m("ask_area"), names),
                retry_prompt=_message(self._m("ask_area"), names),
            ),
        )

    async def _ask_need(self, step: WaterfallStepContext) -> DialogTurnResult:
        if step.result is not None:
            text = str(step.result).strip()
            found = self._router().table.area_matcher.find(text)
            step.values["area"] = found.area_id if found is not None else text[:MAX_NAME]
        return await step.prompt(
            NEED,
            PromptOptions(
                prompt=_message(self._m("ask_need")), retry_prompt=_message(self._m("need_invalid"))
            ),
        )

    async def _ask_consent(self, step: WaterfallStepContext) -> DialogTurnResult:
        step.values["need"] = str(step.result).strip()[:MAX_NEED]
        config = self._config()
        service = self._router().table.service(step.values["service"])
        who = config.plan(step.values["service"]).who or (service.title if service else "")
        text = "\n\n".join(
            [
                self._m("ask_consent", service=who),
                self._m("privacy_notice", link=config.privacy_link),
            ]
        )
        buttons = (config.messages["consent_yes"], config.messages["consent_no"])
        return await step.prompt(
            CONSENT,
            PromptOptions(
                prompt=_message(text, buttons),
                retry_prompt=_message(self._m("consent_unclear"), buttons),
            ),
        )

    async def _finish(self, step: WaterfallStepContext) -> DialogTurnResult:
        if self._consent_answer(str(step.result)):
            await self._commit(step.context, dict(step.values))
        else:
            router = self._router()
            facts = ConversationFacts(area=step.values.get("area"))
            routed = router.choose(
                f"{SERVICE_PREFIX}{step.values['service']}", facts, self._clock()
            )
            reply = replace(routed, text=self._m("no_consent") + "\n\n" + routed.text, choices=())
            await step.context.send_activity(reply_activity(reply, step.context.activity))
            log.info("callback declined: no consent, nothing stored")
        return await step.end_dialog()
