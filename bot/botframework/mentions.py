"""Teams @mentions: did the sender mention the bot, and the text without that mention.

``TurnContext.remove_recipient_mention`` in botbuilder 4.17.1 strips every occurrence of the
bot's *name* from the text ("what is the Helpline number?" loses "Helpline"). Here only the
exact ``<at>...</at>`` text of the bot's own mention entities is removed.
"""

from __future__ import annotations

import re
from typing import Any

_SPACES = re.compile(r"\s+")


def own_mention_texts(body: dict[str, Any]) -> list[str]:
    """The mention texts (``<at>Bot</at>``) of entities that mention the bot itself."""
    recipient = body.get("recipient")
    bot_id = recipient.get("id") if isinstance(recipient, dict) else None
    entities = body.get("entities")
    texts: list[str] = []
    if not bot_id or not isinstance(entities, list):
        return texts
    for entity in entities:
        if not isinstance(entity, dict) or entity.get("type") != "mention":
            continue
        mentioned = entity.get("mentioned")
        if isinstance(mentioned, dict) and mentioned.get("id") == bot_id:
            text = entity.get("text")
            if isinstance(text, str) and text:
                texts.append(text)
    return texts


def is_bot_mentioned(body: dict[str, Any]) -> bool:
    return bool(own_mention_texts(body))


def text_without_own_mention(body: dict[str, Any]) -> str:
    """The message text with the bot's own mention markup removed, nothing else."""
    text = body.get("text") or ""
    for mention in own_mention_texts(body):
        text = text.replace(mention, " ")
    return _SPACES.sub(" ", text).strip()
