"""The helpline's turn handling on the Bot Framework SDK: welcome, route a message or button
press, answer. What to answer is decided in ``bot/answers.py``."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from botbuilder.core import ActivityHandler, InvokeResponse, TurnContext
from botbuilder.schema import ChannelAccount

from routing.reply import Reply
from routing.router import Router

from .answers import MAX_TEXT, Answers, Clock, utc_now
from .cards import GROUP_SCOPES, choice_from_value, reply_activity
from .mentions import is_bot_mentioned, text_without_own_mention
from .state import ConversationStore, state_key
from .turn_locks import ConversationLocks

if TYPE_CHECKING:
    from collections.abc import Callable

    from .referrals.service import Referrals

log = logging.getLogger(__name__)

__all__ = ["GROUP_SCOPES", "MAX_TEXT", "HelplineBot"]


class HelplineBot(ActivityHandler):
    """Answers citizens. ``router`` is called per turn so a reloaded routing table takes
    effect on the next message without a restart."""

    def __init__(
        self,
        router: Callable[[], Router],
        conversations: ConversationStore,
        clock: Clock = utc_now,
        referrals: Referrals | None = None,
        locks: ConversationLocks | None = None,
    ) -> None:
        self._router = router
        self._conversations = conversations
        self._referrals = referrals  # callback referrals (bot/referrals), when configured
        self.answers = Answers(router, clock, referrals.offer if referrals else None)
        # Shared with the lean path for plain messages: one turn at a time per conversation.
        self.locks = locks or ConversationLocks()

    async def on_turn(self, turn_context: TurnContext) -> None:
        async with self.locks.hold(state_key(turn_context)):
            await super().on_turn(turn_context)
            if self._referrals is not None:
                await self._referrals.save(turn_context)
            await self._conversations.save(turn_context)

    # ---- helpers -------------------------------------------------------------------------
    async def _conversation(self, turn_context: TurnContext) -> dict[str, Any]:
        return (await self._conversations.load(turn_context)).data

    async def _answer(self, turn_context: TurnContext, reply: Reply) -> None:
        state = await self._conversation(turn_context)
        reply = self.answers.settle(reply, state)
        await turn_context.send_activity(reply_activity(reply, turn_context.activity))

    async def _welcome_once(self, turn_context: TurnContext, member_id: str) -> None:
        state = await self._conversation(turn_context)
        welcomed: list[str] = state.setdefault("welcomed", [])
        if member_id in welcomed:
            return
        welcomed.append(member_id)
        await self._answer(turn_context, self._router().welcome())

    def _is_group(self, turn_context: TurnContext) -> bool:
        conversation = turn_context.activity.conversation
        return bool(conversation and conversation.conversation_type in GROUP_SCOPES)

    # ---- messages ------------------------------------------------------------------------
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        choice = choice_from_value(activity.value)
        if self._referrals is not None and self._is_group(turn_context):
            await self._referrals.capture(turn_context)
            if await self._referrals.on_staff_action(turn_context) is not None:
                return  # "I'll take it" on a referral card (Action.Submit)
        if self._is_group(turn_context):
            if choice is None and not is_bot_mentioned(activity):
                return  # in group chats and channels, answer only when @mentioned
            text = text_without_own_mention(activity)
        else:
            text = (activity.text or "").strip()
        text = text[:MAX_TEXT]
        state = await self._conversation(turn_context)
        if choice is None:
            choice = self.answers.offered_choice(text, state)
        if (
            self._referrals is not None
            and not self._is_group(turn_context)
            and await self._referrals.on_message(turn_context, text, choice, state)
        ):
            return  # the callback dialog, "delete my details" or a reference enquiry
        reply = self.answers.to_message(text, choice, bool(activity.attachments), state)
        if reply is not None:
            await self._answer(turn_context, reply)

    # ---- joining -------------------------------------------------------------------------
    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        bot_added = any(m.id == bot_id for m in members_added)
        if self._is_group(turn_context):
            if bot_added:
                if self._referrals is not None:
                    await self._referrals.capture(turn_context)
                    log.info("bot added to conversation %s", turn_context.activity.conversation.id)
                await self._answer(turn_context, self._router().team_intro())
            return
        for member in members_added:
            if member.id and member.id != bot_id:
                await self._welcome_once(turn_context, member.id)

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        # Teams sends installationUpdate and conversationUpdate (bot and user added) for the
        # same installation, at the same moment: two concurrent turns that would both see
        # "not welcomed yet" and welcome twice. The conversationUpdate welcomes (personal
        # scope) or introduces the bot (team, group chat); this event needs no reply.
        return

    # ---- card actions in Teams (Action.Execute) ------------------------------------------
    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        activity = turn_context.activity
        if activity.name != "adaptiveCard/action":
            return InvokeResponse(status=501)
        if self._referrals is not None:
            claimed = await self._referrals.on_staff_action(turn_context)
            if claimed is not None:
                await self._referrals.capture(turn_context)
                return claimed  # "I'll take it" on a referral card
        choice = choice_from_value(activity.value)
        if choice is None:
            return InvokeResponse(
                status=200,
                body={
                    "statusCode": 400,
                    "type": "application/vnd.microsoft.error",
                    "value": {"code": "BadRequest", "message": "That button has no choice."},
                },
            )
        state = await self._conversation(turn_context)
        reply = self.answers.to_choice(choice, state)
        await self._answer(turn_context, reply)
        return InvokeResponse(
            status=200,
            body={
                "statusCode": 200,
                "type": "application/vnd.microsoft.activity.message",
                "value": reply.text,
            },
        )
