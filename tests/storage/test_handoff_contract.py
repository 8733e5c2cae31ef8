"""Live chats in the storage interface (bot/storage/handoff.py), on every backend: one winner
when two take at once, relays only while a chat is going, one instance per outbox target,
order per target, erasure and retention."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bot.storage.db import Database
from bot.storage.handoff import (
    ACTIVE,
    CARD_UPDATE,
    CITIZEN_POST,
    CREATE_THREAD,
    DELETE,
    ENDED,
    FAILED,
    PENDING,
    SENT,
    SUPERSEDED,
    THREAD_POST,
    WAITING,
    HandoffStore,
    LiveChat,
    NewOp,
    OutboxOp,
    erase_conversation,
    thread_target,
)


def _chat(chat_id: str = "c1", *, conversation: str = "msteams/conversations/a:1", at: float = 1000.0) -> LiveChat:
    return LiveChat(
        id=chat_id,
        conversation=conversation,
        citizen_ref={"conversation_id": conversation.rsplit("/", 1)[-1]},
        language="en",
        status=WAITING,
        requested_at=at,
        queued_at=at,
        wait_until=at + 300,
        asked="my heating is broken",
        service_id=None,
        town="Balla (Castlebar)",
        history=[{"who": "citizen", "text": "hello"}],
        channel_ref={"conversation_id": "19:staff@thread.tacv2"},
        updated_at=at,
    )


def _create(chat: LiveChat) -> list[NewOp]:
    return [NewOp(CREATE_THREAD, thread_target(chat.id), {"text": "Live chat request", "card": {}}, chat.id)]


def _take(staff: str) -> Any:
    def decide(chat: LiveChat) -> dict[str, Any] | None:
        return {"status": ACTIVE, "staff_id": staff, "staff_name": staff} if chat.status == WAITING else None

    return decide


def _tell_citizen(before: LiveChat, after: LiveChat, conn: Any) -> list[NewOp]:
    return [NewOp(CITIZEN_POST, "a:1", {"text": f"{after.staff_name} is with you"}, after.id, after.citizen_ref)]


async def test_a_chat_is_stored_with_its_thread_and_found_by_conversation_and_thread(database: Database) -> None:
    chats = HandoffStore(database)
    await chats.create(_chat(), _create)
    assert (await chats.live_of("msteams/conversations/a:1")).id == "c1"  # type: ignore[union-attr]
    (op,) = await chats.outbox()
    assert (op.op, op.target, op.status) == (CREATE_THREAD, "chat:c1", PENDING)
    await chats.mark_sent(op.id, "root-1", time.time(), ("19:staff@thread.tacv2;messageid=root-1", "root-1"))
    chat = await chats.of_thread("19:staff@thread.tacv2;messageid=root-1")
    assert chat is not None and chat.card_activity_id == "root-1" and chat.history == [{"who": "citizen", "text": "hello"}]


async def test_two_takes_at_once_one_wins_and_only_its_message_is_queued(database: Database) -> None:
    chats = HandoffStore(database)
    await chats.create(_chat(), _create)
    results = await asyncio.gather(
        chats.transition("c1", _take("siobhan"), _tell_citizen, 1010.0),
        chats.transition("c1", _take("maire"), _tell_citizen, 1010.0),
    )
    assert sorted(r.changed for r in results) == [False, True]
    winner = next(r for r in results if r.changed)
    assert winner.after is not None and winner.after.status == ACTIVE
    told = [op for op in await chats.outbox() if op.op == CITIZEN_POST]
    assert [op.payload["text"] for op in told] == [f"{winner.after.staff_name} is with you"]
    assert (await chats.get("c1")).staff_id == winner.after.staff_id  # type: ignore[union-attr]


async def test_a_line_and_its_message_are_kept_only_while_the_chat_is_going(database: Database) -> None:
    chats = HandoffStore(database)
    await chats.create(_chat(), _create)

    def relay(chat: LiveChat) -> dict[str, Any] | None:
        return {} if chat.live else None

    def post(before: LiveChat, after: LiveChat, conn: Any) -> list[NewOp]:
        return [NewOp(THREAD_POST, thread_target(after.id), {"text": "x", "personal": True}, after.id)]

    said = await chats.transition("c1", relay, post, 1001.0, lambda c: ("citizen", "", "Béal an Átha ✓", True))
    assert said.changed
    (line,) = await chats.lines("c1")
    assert (line.who, line.text, line.flagged) == ("citizen", "Béal an Átha ✓", True)
    await chats.transition("c1", lambda c: {"status": ENDED, "ended_at": 1002.0, "ended_by": "citizen"}, lambda b, a, c: [], 1002.0)
    late = await chats.transition("c1", relay, post, 1003.0, lambda c: ("citizen", "", "too late", False))
    assert not late.changed and len(await chats.lines("c1")) == 1
    assert len([op for op in await chats.outbox() if op.op == THREAD_POST]) == 1
    assert (await chats.live_of("msteams/conversations/a:1")) is None


async def test_the_queue_counts_who_is_ahead_and_the_usual_wait(database: Database) -> None:
    chats = HandoffStore(database)
    for i, at in enumerate((1000.0, 1005.0, 1010.0)):
        await chats.create(_chat(f"c{i}", conversation=f"msteams/conversations/a:{i}", at=at), _create)
    assert [await chats.ahead_of(await chats.get(f"c{i}")) for i in range(3)] == [0, 1, 2]  # type: ignore[arg-type]
    await chats.transition("c0", lambda c: {"status": ACTIVE, "taken_at": 1120.0}, lambda b, a, c: [], 1120.0)
    assert await chats.ahead_of(await chats.get("c2")) == 1  # type: ignore[arg-type]
    assert await chats.usual_wait(0.0) == 120.0
    assert await chats.due_for_expiry(1306.0) == ["c1"]
    numbers = await chats.numbers(0.0)
    assert (numbers.asked, numbers.taken, numbers.waiting_now, numbers.active_now) == (3, 1, 2, 1)
    assert numbers.wait_median == 120.0


async def test_an_outbox_target_is_leased_to_one_instance_and_sent_in_order(database: Database) -> None:
    chats = HandoffStore(database)
    await chats.create(_chat(), _create)
    for text in ("one", "two"):
        await chats.transition(
            "c1", lambda c: {}, lambda b, a, c, t=text: [NewOp(THREAD_POST, thread_target(a.id), {"text": t}, a.id)], 1001.0
        )
    now = time.time()
    first = await chats.lease_targets(now, "instance-a")
    second = await chats.lease_targets(now, "instance-b")
    assert first == ["chat:c1"] and second == []
    head = await chats.head("chat:c1")
    assert head is not None and head.op == CREATE_THREAD
    await chats.mark_retry(head.id, now + 60, "http_429")  # a retry holds the queue: order kept
    assert (await chats.head("chat:c1")).id == head.id  # type: ignore[union-attr]
    await chats.release_lease("chat:c1", "instance-a")
    assert await chats.lease_targets(now, "instance-b") == []  # nothing due before the retry
    assert await chats.lease_targets(now + 61, "instance-b") == ["chat:c1"]
    # A lease that ran out (its instance died) is taken over.
    assert await chats.lease_targets(now + 61 + 31, "instance-a") == ["chat:c1"]


async def test_an_older_card_update_is_superseded_by_a_newer_one(database: Database) -> None:
    chats = HandoffStore(database)
    await chats.create(_chat(), _create)
    for n in (1, 2):
        await chats.transition(
            "c1", lambda c: {}, lambda b, a, c, n=n: [NewOp(CARD_UPDATE, thread_target(a.id), {"card": {"n": n}}, a.id)], 1001.0
        )
    older, newer = [op for op in await chats.outbox() if op.op == CARD_UPDATE]
    assert await chats.newer_card_update(older) and not await chats.newer_card_update(newer)
    await chats.mark_done(older.id, SUPERSEDED)
    await chats.mark_done(newer.id, FAILED, "http_404")
    assert {op.status for op in await chats.outbox() if op.op == CARD_UPDATE} == {SUPERSEDED, FAILED}


async def test_erasure_removes_the_chat_its_lines_and_messages_and_queues_what_cleans_the_channel(
    database: Database,
) -> None:
    chats = HandoffStore(database)
    await chats.create(_chat(), _create)
    await chats.create(_chat("other", conversation="msteams/conversations/a:2"), _create)
    (create,) = [op for op in await chats.outbox("chat:c1")]
    await chats.mark_sent(create.id, "root-1", time.time(), ("19:staff@thread.tacv2;messageid=root-1", "root-1"))
    await chats.transition(
        "c1", lambda c: {},
        lambda b, a, c: [NewOp(THREAD_POST, thread_target(a.id), {"text": "x", "personal": True}, a.id)],
        1001.0, lambda c: ("citizen", "", "my number is 087 123 4567", False),
    )
    (post,) = [op for op in await chats.outbox("chat:c1") if op.op == THREAD_POST]
    await chats.mark_sent(post.id, "reply-7", time.time())

    def removal(chat: LiveChat, sent: list[OutboxOp]) -> list[NewOp]:
        thread = {"conversation_id": chat.thread_id}
        return [NewOp(DELETE, "removed", {"activity_id": op.activity_id}, address=thread) for op in sent if op.payload.get("personal")]

    def erase(conn: Any) -> int:
        with conn.transaction():
            return erase_conversation(conn, "msteams/conversations/a:1", removal, 1002.0)

    assert await database.call(erase) == 1
    assert await chats.get("c1") is None and await chats.lines("c1") == []
    left = await chats.outbox()
    assert not [op for op in left if op.chat_id == "c1"]
    (delete,) = [op for op in left if op.op == DELETE]
    assert delete.payload == {"activity_id": "reply-7"} and delete.chat_id is None
    assert "087 123 4567" not in str([op.payload for op in left])
    assert await chats.get("other") is not None  # another citizen's chat stays


async def test_chats_ended_past_retention_are_purged(database: Database) -> None:
    chats = HandoffStore(database)
    await chats.create(_chat(), _create)
    await chats.create(_chat("recent", conversation="msteams/conversations/a:2"), _create)
    await chats.create(_chat("going", conversation="msteams/conversations/a:3"), _create)
    assert not await chats.purge_chat("going", lambda chat, sent: [], 5000.0)  # never a live one
    await chats.transition("c1", lambda c: {"status": ENDED, "ended_at": 1100.0}, lambda b, a, c: [], 1100.0)
    await chats.transition("recent", lambda c: {"status": ENDED, "ended_at": 9000.0}, lambda b, a, c: [], 9000.0)
    assert await chats.ended_before(5000.0) == ["c1"]
    assert await chats.purge_chat("c1", lambda chat, sent: [], 5000.0)
    assert await chats.get("c1") is None and await chats.get("recent") is not None


async def test_recover_makes_retries_due_and_drops_the_old_leases(database: Database) -> None:
    chats = HandoffStore(database)
    await chats.create(_chat(), _create)
    (op,) = await chats.outbox()
    now = time.time()
    assert await chats.lease_targets(now, "before-restart") == ["chat:c1"]
    await chats.mark_retry(op.id, now + 600, "timeout")
    assert await chats.recover(now) == 1
    assert await chats.lease_targets(now, "after-restart") == ["chat:c1"]
    assert (await chats.head("chat:c1")).status == PENDING  # type: ignore[union-attr]
    await chats.mark_sent(op.id, "root", now)
    assert (await chats.outbox())[0].status == SENT
