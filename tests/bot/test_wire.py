"""bot/wire.py must build the same models and JSON as msrest, only faster."""

from __future__ import annotations

from typing import Any

import pytest
from botbuilder.schema import (
    ActionTypes,
    Activity,
    ActivityTypes,
    Attachment,
    CardAction,
    ChannelAccount,
    ConversationAccount,
    SuggestedActions,
)

from bot.wire import WireError, activity_from_json, to_json

INBOUND: dict[str, dict[str, Any]] = {
    "emulator-message": {
        "type": "message", "id": "1", "channelId": "emulator", "serviceUrl": "http://127.0.0.1:1",
        "from": {"id": "u", "name": "C", "role": "user"}, "recipient": {"id": "b"},
        "conversation": {"id": "c"}, "text": "hello", "locale": "en-IE",
        "timestamp": "2026-11-28T10:00:00.123Z", "localTimestamp": "2026-11-28T10:00:00+00:00",
    },
    "teams-channel-mention": {
        "type": "message", "id": "2", "channelId": "msteams", "serviceUrl": "https://smba.example/",
        "from": {"id": "29:u", "name": "C", "aadObjectId": "guid"},
        "recipient": {"id": "28:b", "name": "Helpline"},
        "conversation": {"id": "19:x", "conversationType": "channel", "isGroup": True},
        "text": "<at>Helpline</at> shopping",
        "entities": [
            {"type": "mention", "mentioned": {"id": "28:b", "name": "Helpline"},
             "text": "<at>Helpline</at>"},
            {"type": "clientInfo", "locale": "en-IE", "timezone": "Europe/Dublin"},
        ],
        "channelData": {"tenant": {"id": "t"}, "team": {"id": "team"}},
    },
    "card-submit": {
        "type": "message", "id": "3", "channelId": "webchat", "serviceUrl": "http://x",
        "from": {"id": "u"}, "conversation": {"id": "c"}, "value": {"choice": "service:groceries"},
        "attachments": [{"contentType": "image/png", "contentUrl": "http://x/a.png", "name": "a"}],
    },
    "conversation-update": {
        "type": "conversationUpdate", "id": "4", "channelId": "emulator", "serviceUrl": "http://x",
        "from": {"id": "u"}, "conversation": {"id": "c"},
        "membersAdded": [{"id": "u"}, {"id": "b"}], "membersRemoved": [],
    },
    "invoke": {
        "type": "invoke", "name": "adaptiveCard/action", "id": "5", "channelId": "msteams",
        "serviceUrl": "http://x", "from": {"id": "u"}, "conversation": {"id": "c"},
        "value": {"action": {"type": "Action.Execute", "data": {"choice": "talk_to_someone"}}},
        "deliveryMode": "expectReplies", "replyToId": "9",
    },
}


@pytest.mark.parametrize("body", INBOUND.values(), ids=INBOUND.keys())
def test_inbound_models_match_msrest(body: dict[str, Any]) -> None:
    ours = activity_from_json(body)
    theirs = Activity().deserialize(body)
    assert ours.serialize() == theirs.serialize()
    assert ours.text == theirs.text and ours.value == theirs.value
    assert ours.timestamp == theirs.timestamp


def test_mention_entities_keep_their_properties() -> None:
    ours = activity_from_json(INBOUND["teams-channel-mention"])
    assert ours.entities[0].additional_properties["text"] == "<at>Helpline</at>"
    assert ours.entities[0].additional_properties["mentioned"]["id"] == "28:b"


def _reply() -> Activity:
    return Activity(
        type=ActivityTypes.message,
        id="r1",
        text="Here is who to call",
        from_property=ChannelAccount(id="b", name="Helpline"),
        recipient=ChannelAccount(id="u"),
        conversation=ConversationAccount(id="c", tenant_id="t"),
        reply_to_id="1",
        service_url="http://x",
        channel_id="msteams",
        attachments=[
            Attachment(
                content_type="application/vnd.microsoft.card.adaptive",
                content={"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock"}]},
            )
        ],
        suggested_actions=SuggestedActions(
            actions=[CardAction(type=ActionTypes.im_back, title="Hot meals", value="Hot meals")]
        ),
    )


def test_outbound_json_contains_everything_msrest_writes() -> None:
    reply = _reply()
    theirs = reply.serialize()
    ours = to_json(reply)
    for key, value in theirs.items():
        assert ours[key] == value, key


def test_round_trip() -> None:
    reply = _reply()
    assert to_json(activity_from_json(to_json(reply))) == to_json(reply)


@pytest.mark.parametrize(
    "field, value",
    [
        ("text", {"a": 1}),
        ("from", "someone"),
        ("membersAdded", {"id": "u"}),
        ("timestamp", "yesterday"),
        ("entities", [1]),
    ],
    ids=["text-object", "from-string", "members-not-list", "bad-timestamp", "entity-not-object"],
)
def test_wrongly_shaped_fields_are_refused(field: str, value: Any) -> None:
    body = dict(INBOUND["emulator-message"], **{field: value})
    with pytest.raises(WireError):
        activity_from_json(body)


def test_reply_copy_for_sending_is_shallow_but_faithful() -> None:
    import copy

    from bot.cards import reply_activity
    from routing.reply import Choice, Reply

    incoming = activity_from_json(INBOUND["emulator-message"])
    reply = reply_activity(Reply(kind="fallback", text="hi", choices=(Choice("A", "a"),)), incoming)
    copied = copy.deepcopy(reply)
    assert copied is not reply and to_json(copied) == to_json(reply)
    copied.conversation = ConversationAccount(id="other")  # what stamping a reference does
    assert reply.conversation is None


def test_dumps_is_the_json_of_to_json() -> None:
    import json

    from bot.wire import dumps

    reply = _reply()
    reply.attachments[0].content["body"].append({"type": "TextBlock", "text": "Béal an Átha"})
    assert json.loads(dumps(reply)) == to_json(reply)
