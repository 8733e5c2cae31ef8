"""Teams-shaped inbound activities, as Teams (and the Agents Playground) send them:
``channelId: msteams``, the tenant in ``channelData``, ``conversation.conversationType``
personal / groupChat / channel, the bot as ``28:<app id>``, and mention entities."""

from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_ROUTING = ROOT / "config" / "routing.yaml"
# A Wednesday morning in November: the county helpline is open.
OPEN_TIME = datetime(2026, 11, 25, 11, 0, tzinfo=ZoneInfo("Europe/Dublin"))

TENANT = "72f988bf-0000-4000-8000-0000000000aa"
BOT = {"id": "28:5b1c3c7e-0000-4000-8000-00000000b075", "name": "Helpline"}
TEAM_ID = "19:team-general@thread.tacv2"
_ids = itertools.count(1)


def _conversation(scope: str, conversation_id: str | None) -> dict[str, Any]:
    default = {
        "personal": "a:1personal-chat",
        "groupChat": "19:group-chat@thread.v2",
        "channel": f"{TEAM_ID};messageid=1700000000000",
    }[scope]
    conversation: dict[str, Any] = {
        "id": conversation_id or default,
        "conversationType": scope,
        "tenantId": TENANT,
    }
    if scope != "personal":
        conversation["isGroup"] = True
    return conversation


def teams_activity(
    service_url: str,
    *,
    type: str = "message",
    scope: str = "personal",
    user_id: str = "29:citizen-1",
    conversation_id: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    channel_data: dict[str, Any] = {"tenant": {"id": TENANT}}
    if scope == "channel":
        channel_data["team"] = {"id": TEAM_ID, "name": "Mayo Community Support"}
        channel_data["channel"] = {"id": TEAM_ID, "name": "General"}
    body: dict[str, Any] = {
        "type": type,
        "id": f"1700000{next(_ids):06d}",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": {"id": user_id, "name": "Citizen", "aadObjectId": "00000000-0000-0000-0000-00000000c171"},
        "recipient": dict(BOT),
        "conversation": _conversation(scope, conversation_id),
        "channelData": channel_data,
        "locale": "en-IE",
        "timestamp": "2026-11-25T11:00:00Z",
    }
    body.update(extra)
    return body


def mention_entity(name: str = BOT["name"], bot_id: str = BOT["id"]) -> dict[str, Any]:
    return {"type": "mention", "text": f"<at>{name}</at>", "mentioned": {"id": bot_id, "name": name}}


def teams_message(
    service_url: str, text: str, *, mentioned: bool = False, **kw: Any
) -> dict[str, Any]:
    """A message; with ``mentioned`` the text starts with the bot's ``<at>`` mention."""
    entities = list(kw.pop("entities", []))
    if mentioned:
        entities.append(mention_entity())
        text = f"<at>{BOT['name']}</at> {text}"
    body = teams_activity(service_url, text=text, textFormat="plain", **kw)
    if entities:
        body["entities"] = entities
    return body


def members_added(service_url: str, *member_ids: str, **kw: Any) -> dict[str, Any]:
    return teams_activity(
        service_url,
        type="conversationUpdate",
        membersAdded=[{"id": m} for m in member_ids],
        **kw,
    )


def installation_added(service_url: str, **kw: Any) -> dict[str, Any]:
    return teams_activity(service_url, type="installationUpdate", action="add", **kw)
