"""Teams @mentions: did the citizen mention the bot, and the text without that mention.

``TurnContext.remove_recipient_mention`` in botbuilder 4.17.1 strips every occurrence of the
bot's *name* from the text ("what is the Helpline number?" loses "Helpline"). Here only the
exact ``<at>...</at>`` text of the bot's own mention entities is removed.
"""

from __future__ import annotations

import re

from botbuilder.schema import Activity

_SPACES = re.compile(r"\s+")


def _own_mention_texts(activity: Activity) -> list[str]:
    bot_id = activity.recipient.id if activity.recipient else None
    texts: list[str] = []
    for entity in activity.entities or []:
        props = entity.additional_properties or {}
        if (getattr(entity, "type", None) or props.get("type")) != "mention":
            continue
        mentioned = props.get("mentioned") or {}
        if bot_id and isinstance(mentioned, dict) and mentioned.get("id") == bot_id:
            text = props.get("text")
            if isinstance(text, str) and text:
                texts.append(text)
    return texts


def is_bot_mentioned(activity: Activity) -> bool:
    return bool(_own_mention_texts(activity))


def text_without_own_mention(activity: Activity) -> str:
    """The message text with the bot's own mention markup removed, nothing else."""
    text = activity.text or ""
    for mention in _own_mention_texts(activity):
        text = text.replace(mention, " ")
    return _SPACES.sub(" ", text).strip()
