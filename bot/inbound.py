"""Reading an inbound activity from an HTTP request: every way it can be wrong gets a
specific 4xx status and a short reason, and nothing is read that is not needed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from botbuilder.schema import Activity

# The Bot Connector's own limit for one activity.
MAX_BODY_BYTES = 256 * 1024


class BadRequest(Exception):
    """The request cannot be processed; ``status`` and ``reason`` go back to the caller."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Inbound:
    activity: Activity
    auth_header: str


def _require(body: dict[str, Any], path: str) -> Any:
    value: Any = body
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    if value in (None, "", {}):
        raise BadRequest(400, f"activity is missing {path}")
    return value


def parse_activity_json(raw: bytes) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(400, "body is not valid UTF-8") from None
    try:
        body = json.loads(text)
    except RecursionError:
        raise BadRequest(400, "body is nested too deeply") from None
    except json.JSONDecodeError as error:
        raise BadRequest(400, f"body is not valid JSON (line {error.lineno})") from None
    if not isinstance(body, dict):
        raise BadRequest(400, "body must be a JSON object (an activity)")
    activity_type = _require(body, "type")
    if not isinstance(activity_type, str):
        raise BadRequest(400, "activity type must be a string")
    conversation_id = _require(body, "conversation.id")
    if not isinstance(conversation_id, str):
        raise BadRequest(400, "conversation.id must be a string")
    service_url = _require(body, "serviceUrl")
    if not isinstance(service_url, str) or not service_url.startswith(("http://", "https://")):
        raise BadRequest(400, "serviceUrl must be an http or https URL")
    sender = _require(body, "from")
    if not isinstance(sender, dict):
        raise BadRequest(400, "from must be an object")
    return body


def to_activity(body: dict[str, Any]) -> Activity:
    try:
        activity = Activity().deserialize(body)
    except Exception:  # msrest raises several types for values of the wrong shape
        raise BadRequest(400, "activity fields have the wrong types") from None
    if activity.text is not None and not isinstance(activity.text, str):
        raise BadRequest(400, "text must be a string")
    return activity


async def read_inbound(request: web.Request) -> Inbound:
    if request.content_type != "application/json":
        raise BadRequest(415, "Content-Type must be application/json")
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise BadRequest(413, f"body is larger than {MAX_BODY_BYTES // 1024} KB")
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise BadRequest(413, f"body is larger than {MAX_BODY_BYTES // 1024} KB") from None
    body = parse_activity_json(raw)
    return Inbound(to_activity(body), request.headers.get("Authorization", ""))
