"""What staff see in the Teams channel for a live chat: the request's card (the first message
of its thread) and each message the citizen writes.

The card shows what the citizen asked, the service the assistant understood, their town,
the conversation before the request and how long they have waited, with "Take this chat";
once taken, who has it and "End chat", "Hand to a colleague", "Release to the queue".
Buttons are ``Action.Execute`` (Teams sends an ``adaptiveCard/action`` invoke, the card is
refreshed in place for the presser and updated for everyone). Everything the citizen typed,
and staff display names, are shown literally (``TextRun``s, never markdown or links), as on
the call-back card (``bot/referrals/staff_card.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from routing.handoff import HandoffConfig
from routing.hours import DUBLIN

from ..cards import CARD_VERSION
from ..referrals.staff_card import literal
from ..storage.handoff import ACTIVE, BY_CITIZEN, BY_STAFF, BY_TIMEOUT, HANDING, WAITING, LiveChat

HANDOFF_KEY = "handoff"  # card data: {"handoff": action, "chat": id}
CHAT_KEY = "chat"
TAKE, END, HAND, RELEASE = "take", "end", "hand", "release"
ACTIONS = (TAKE, END, HAND, RELEASE)
# History lines on the card: the last few exchanges, each cut to this many characters.
HISTORY_LINES = 8
LINE_CHARS = 300


def _text(text: str, **extra: Any) -> dict[str, Any]:
    """The routing file's staff wording (markdown allowed: staff wrote it)."""
    return {"type": "TextBlock", "text": text, "wrap": True, **extra}


def _run(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "TextRun", "text": literal(text), **extra}


def _literal(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "RichTextBlock", "inlines": [_run(text, **extra)]}


def _fact(title: str, value: str) -> dict[str, Any]:
    return {"type": "RichTextBlock", "inlines": [_run(f"{title}: ", weight="Bolder"), _run(value)]}


def _card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return card


def _button(title: str, action: str, chat_id: str) -> dict[str, Any]:
    return {
        "type": "Action.Execute",
        "title": title,
        "verb": f"handoff_{action}",
        "data": {HANDOFF_KEY: action, CHAT_KEY: chat_id},
    }


def clock_time(at: float) -> str:
    return dt.datetime.fromtimestamp(at, DUBLIN).strftime("%H:%M")


def waited_minutes(chat: LiveChat, now: float) -> int:
    return max(0, int((now - chat.queued_at) // 60))


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LINE_CHARS else text[: LINE_CHARS - 1] + "…"


def request_card(
    chat: LiveChat, config: HandoffConfig, service_title: str | None, now: float
) -> dict[str, Any]:
    """The request's card as the chat stands now."""
    words = config.staff
    body: list[dict[str, Any]] = [_text(words["title"], weight="Bolder", size="Medium")]
    if chat.status == WAITING:
        minutes = waited_minutes(chat, now)
        body.append(
            _text(
                words["waiting"].format(time=clock_time(chat.queued_at), minutes=minutes),
                color="Warning",
                weight="Bolder",
            )
        )
    elif chat.status in (ACTIVE, HANDING) and chat.staff_name is not None:
        key = "taken_by" if chat.status == ACTIVE else "handing"
        body.append(_literal(words[key].format(staff=chat.staff_name), weight="Bolder", color="Good"))
    elif chat.ended_by == BY_CITIZEN:
        body.append(_text(words["ended_by_citizen"].format(time=clock_time(chat.ended_at or now)), isSubtle=True))
    elif chat.ended_by == BY_STAFF:
        body.append(
            _literal(
                words["ended_by_staff"].format(
                    staff=chat.staff_name or "", time=clock_time(chat.ended_at or now)
                )
            )
        )
    elif chat.ended_by == BY_TIMEOUT:
        body.append(
            _text(words["timed_out"].format(minutes=config.wait_minutes), color="Attention")
        )
    body.append(_fact(words["asked"], _cut(chat.asked) or "-"))
    if service_title:
        body.append(_fact(words["service"], service_title))
    if chat.town:
        body.append(_fact(words["town"], chat.town))
    if chat.language == "ga":
        body.append(_text(words["in_irish"], weight="Bolder"))
    if chat.history:
        body.append(_text(words["so_far"], weight="Bolder", spacing="Medium"))
        for entry in chat.history[-HISTORY_LINES:]:
            who = words["citizen"] if entry.get("who") == "citizen" else words["assistant"]
            body.append(_fact(who, _cut(str(entry.get("text", "")))))
    actions: list[dict[str, Any]] = []
    if chat.status == WAITING:
        actions = [_button(words["take_button"], TAKE, chat.id)]
    elif chat.status == ACTIVE:
        actions = [
            _button(words["end_button"], END, chat.id),
            _button(words["hand_button"], HAND, chat.id),
            _button(words["release_button"], RELEASE, chat.id),
        ]
    elif chat.status == HANDING:
        actions = [
            _button(words["take_button"], TAKE, chat.id),
            _button(words["end_button"], END, chat.id),
            _button(words["release_button"], RELEASE, chat.id),
        ]
    return _card(body, actions)


def citizen_line(config: HandoffConfig, text: str, *, flagged: bool = False) -> dict[str, Any]:
    """One message from the citizen, as it appears in the thread (under the message's text,
    the "Citizen" label): literal, and flagged when it got the emergency reply."""
    body: list[dict[str, Any]] = []
    if flagged:
        body.append(_text(config.staff["emergency"], color="Attention", weight="Bolder"))
    body.append(_literal(text))
    return _card(body)


def closed_card(config: HandoffConfig, key: str) -> dict[str, Any]:
    """The card once the chat is gone: ``key`` is ``erased`` or ``purged``."""
    return _card([_text(config.staff[key], isSubtle=True)])


def pressed(data: Any) -> tuple[str, str] | None:
    """(action, chat id) a live-chat card button carries (Action.Execute or Submit data)."""
    if not isinstance(data, dict):
        return None
    action, chat_id = data.get(HANDOFF_KEY), data.get(CHAT_KEY)
    if action in ACTIONS and isinstance(chat_id, str) and chat_id:
        return str(action), chat_id
    return None
