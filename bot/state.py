"""Conversation state: one small JSON object per conversation in a Bot Framework ``Storage``.

Replaces ``ConversationState`` on the hot path: the SDK hashes the state with jsonpickle
twice per turn to detect changes; here a compact JSON snapshot does it. The item is written
only when it changed, with its eTag, so two turns racing on one conversation cannot
silently overwrite each other (the storage refuses the stale write).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from botbuilder.core import Storage, TurnContext

_ETAG = "e_tag"
_EMPTY = "{}"  # the snapshot of empty state


def _snapshot(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


@dataclass(slots=True)
class ConversationData:
    """The state of one conversation for the duration of one turn."""

    key: str
    data: dict[str, Any]
    etag: str | None
    snapshot: str = field(default="")


def conversation_key(channel_id: str | None, conversation_id: str) -> str:
    return f"{channel_id}/conversations/{conversation_id}"


def state_key(context: TurnContext) -> str:
    activity = context.activity
    return conversation_key(activity.channel_id, activity.conversation.id)


class ConversationStore:
    """Loads and saves ``ConversationData`` through any Bot Framework ``Storage``."""

    _TURN_KEY = "helpline.conversation"

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    async def load(self, context: TurnContext) -> ConversationData:
        cached: ConversationData | None = context.turn_state.get(self._TURN_KEY)
        if cached is not None:
            return cached
        loaded = await self.read(state_key(context))
        context.turn_state[self._TURN_KEY] = loaded
        return loaded

    async def read(self, key: str) -> ConversationData:
        """The state stored under ``key`` (an empty one for a new conversation)."""
        items = await self.storage.read([key])
        stored = items.get(key)
        if isinstance(stored, dict):
            data = {k: v for k, v in stored.items() if k != _ETAG}
            etag = stored.get(_ETAG)
        else:
            data, etag = {}, None
        if not data:  # a new conversation (most turns of a surge): nothing to copy
            return ConversationData(key, {}, etag, _EMPTY)
        # A deep, independent copy: storages such as MemoryStorage hand out their own objects.
        snapshot = _snapshot(data)
        return ConversationData(key, json.loads(snapshot), etag, snapshot)

    async def save(self, context: TurnContext) -> None:
        loaded: ConversationData | None = context.turn_state.get(self._TURN_KEY)
        if loaded is not None:
            await self.write(loaded)

    async def write(self, loaded: ConversationData) -> None:
        """Store ``loaded`` if the turn changed it (refused if someone else wrote first)."""
        if not loaded.data and loaded.snapshot == _EMPTY:
            return  # still nothing to remember
        current = _snapshot(loaded.data)
        if current == loaded.snapshot:
            return
        item = dict(loaded.data)
        item[_ETAG] = loaded.etag if loaded.etag is not None else "*"
        await self.storage.write({loaded.key: item})
        loaded.snapshot = current

    async def delete(self, context: TurnContext) -> None:
        await self.storage.delete([state_key(context)])
        context.turn_state.pop(self._TURN_KEY, None)
