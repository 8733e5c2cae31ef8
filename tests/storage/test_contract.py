"""The storage interface's contract, run against every backend (see conftest.py)."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from bot.storage import Decision, EtagConflict, Storage
from bot.storage.records import CITIZEN, CLAIMED, DELIVERED, FAILED, PENDING, NewReferral, Target
from bot.storage.referrals import LEASE_SECONDS
from bot.storage.state import ANY


def _new(submission: str = "s1", conversation: str = "msteams/conversations/c1") -> NewReferral:
    return NewReferral(
        submission=submission,
        conversation=conversation,
        service_id="groceries",
        name="Mary",
        phone="087 123 4567",
        area="castlebar",
        need="shopping",
        citizen_ref={"conversation": {"id": "c1"}},
        town="Balla",
    )


# ---- conversation state ---------------------------------------------------------------------
async def test_state_reads_empty_then_what_was_written(storage: Storage) -> None:
    item = await storage.state.read("k")
    assert item.data == {} and item.etag is None
    item.data["area"] = "castlebar"
    assert await storage.state.write(item)
    again = await storage.state.read("k")
    assert again.data == {"area": "castlebar"} and again.etag == item.etag


async def test_unchanged_state_is_not_written(storage: Storage) -> None:
    item = await storage.state.read("k")
    assert not await storage.state.write(item)  # nothing to remember
    item.data["x"] = 1
    assert await storage.state.write(item)
    assert not await storage.state.write(item)  # written already, unchanged since


async def test_stale_etag_is_refused_and_nothing_is_overwritten(storage: Storage) -> None:
    await storage.state.put("k", {"v": 0})
    first = await storage.state.read("k")
    second = await storage.state.read("k")
    first.data["v"] = 1
    await storage.state.write(first)
    second.data["v"] = 2
    with pytest.raises(EtagConflict):
        await storage.state.write(second)
    assert (await storage.state.read("k")).data == {"v": 1}
    with pytest.raises(KeyError):  # a KeyError, as Bot Framework storages raise
        await storage.state.put("k", {"v": 3}, etag=second.etag)
    await storage.state.put("k", {"v": 3}, etag=ANY)  # "*": whatever is there
    assert (await storage.state.read("k")).data == {"v": 3}


async def test_two_creators_of_one_key_cannot_both_win(storage: Storage) -> None:
    a = await storage.state.read("new")
    b = await storage.state.read("new")
    a.data["who"] = "a"
    b.data["who"] = "b"
    await storage.state.write(a)
    with pytest.raises(EtagConflict):
        await storage.state.write(b)
    assert (await storage.state.read("new")).data == {"who": "a"}


async def test_delete_removes_a_key_and_everything_under_it(storage: Storage) -> None:
    await storage.state.put("msteams/conversations/a", {"v": 1})
    await storage.state.put("msteams/conversations/a/handoff", {"v": 2})
    await storage.state.put("msteams/conversations/ab", {"v": 3})  # a different conversation
    await storage.state.delete("msteams/conversations/a")
    assert (await storage.state.read("msteams/conversations/a")).data == {}
    assert (await storage.state.read("msteams/conversations/a/handoff")).data == {}
    assert (await storage.state.read("msteams/conversations/ab")).data == {"v": 3}


async def test_keys_with_like_wildcards_are_taken_literally(storage: Storage) -> None:
    await storage.state.put("c_%", {"v": 1})
    await storage.state.put("cx%y/sub", {"v": 2})
    await storage.state.delete("c_%")
    assert (await storage.state.read("cx%y/sub")).data == {"v": 2}


async def test_unicode_state_round_trips(storage: Storage) -> None:
    await storage.state.put("k", {"place": "Béal an Átha", "emoji": "👍"})
    assert (await storage.state.read("k")).data == {"place": "Béal an Átha", "emoji": "👍"}


# ---- referrals and the outbox -----------------------------------------------------------------
async def test_referral_is_stored_with_its_deliveries(storage: Storage) -> None:
    referral, created = await storage.referrals.create(
        _new(), [Target("teams", "staff"), Target("webhook", "case")], 1000.0
    )
    assert created and referral.name == "Mary" and referral.town == "Balla"
    deliveries = await storage.referrals.deliveries_of(referral.reference)
    assert [d.kind for d in deliveries] == ["teams", "webhook"]
    assert all(d.status == PENDING for d in deliveries)
    assert len({d.idempotency_key for d in deliveries}) == 2


async def test_the_citizens_language_is_stored_with_the_referral(storage: Storage) -> None:
    """Migration 4: staff see which language the citizen wrote in; English when not given."""
    irish = dataclasses.replace(_new("s-ga"), language="ga")
    stored, _ = await storage.referrals.create(irish, [Target("teams", "staff")], 1.0)
    english, _ = await storage.referrals.create(_new("s-en"), [], 2.0)
    assert stored.language == "ga" and english.language == "en"
    again = await storage.referrals.get(stored.reference)
    assert again is not None and again.language == "ga"
    listed = {r.reference: r.language for r in await storage.referrals.for_conversation(irish.conversation)}
    assert listed == {stored.reference: "ga", english.reference: "en"}


async def test_a_referral_written_without_a_language_reads_as_english(storage: Storage) -> None:
    """Rows from before migration 6 (and writers that leave it out) are English."""

    def insert(conn) -> None:  # type: ignore[no-untyped-def]
        conn.execute(
            "INSERT INTO referrals (reference, submission, conversation, service_id, name, phone,"
            " area, need, citizen_ref, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ("MAY-OLD1", "s-old", "c", "groceries", "Mary", "087 123 4567", None, "x", "{}",
             "received", 1.0),
        )  # fmt: skip

    await storage.db.call(insert)
    old = await storage.referrals.get("MAY-OLD1")
    assert old is not None and old.language == "en"


async def test_the_same_submission_is_stored_once(storage: Storage) -> None:
    first, _ = await storage.referrals.create(_new(), [Target("teams", "staff")], 1.0)
    second, created = await storage.referrals.create(_new(), [Target("teams", "staff")], 2.0)
    assert not created and second.reference == first.reference
    assert len(await storage.referrals.deliveries_of(first.reference)) == 1


async def test_a_taken_reference_code_is_drawn_again(database) -> None:  # type: ignore[no-untyped-def]
    codes = iter(["MAY-AAAA", "MAY-AAAA", "MAY-BBBB"])
    storage = Storage.build(database, lambda: next(codes))
    a, _ = await storage.referrals.create(_new("s1"), [], 1.0)
    b, _ = await storage.referrals.create(_new("s2"), [], 1.0)
    assert (a.reference, b.reference) == ("MAY-AAAA", "MAY-BBBB")


async def test_due_deliveries_are_leased_to_one_taker(storage: Storage) -> None:
    referral, _ = await storage.referrals.create(_new(), [Target("teams", "staff")], 1.0)
    now = 10_000_000_000.0
    first = await storage.referrals.due(now)
    assert [d.reference for d in first] == [referral.reference]
    assert await storage.referrals.due(now) == []  # leased: nobody else takes it
    # A lease that runs out (its instance died) makes the delivery due again.
    assert len(await storage.referrals.due(now + LEASE_SECONDS + 1)) == 1


async def test_a_renewed_lease_keeps_the_delivery_from_others(storage: Storage) -> None:
    referral, _ = await storage.referrals.create(_new(), [Target("teams", "staff")], 1.0)
    now = 10_000_000_000.0
    [mine] = await storage.referrals.due(now, lease=10.0, owner="a")
    assert await storage.referrals.renew([mine.id], "a", now + 25.0) == 1
    assert await storage.referrals.due(now + 20.0, owner="b") == []  # still a's
    assert await storage.referrals.renew([mine.id], "b", now + 99.0) == 0  # not b's to renew
    [taken] = await storage.referrals.due(now + 26.0, owner="b")  # a stopped renewing: died
    assert taken.id == mine.id and taken.reference == referral.reference


async def test_only_the_lease_holder_retries_or_gives_up_a_delivery(storage: Storage) -> None:
    await storage.referrals.create(_new(), [Target("webhook", "case")], 1.0)
    now = 10_000_000_000.0
    [first] = await storage.referrals.due(now, lease=10.0, owner="a")
    [second] = await storage.referrals.due(now + 11.0, lease=10.0, owner="b")  # a's ran out
    # a comes back to a delivery b holds now: its verdicts change nothing.
    assert not await storage.referrals.mark_retry(first.id, now + 50.0, "timeout", owner="a")
    fallback = Target("teams", "fallback")
    assert await storage.referrals.mark_failed(first.id, "http_500", fallback, now, owner="a") is None
    [row] = await storage.referrals.deliveries_of(first.reference)
    assert (row.status, row.attempts) == (PENDING, 0)
    assert await storage.referrals.mark_retry(second.id, now + 50.0, "timeout", owner="b")


async def test_a_delivery_once_delivered_stays_delivered(storage: Storage) -> None:
    referral, _ = await storage.referrals.create(_new(), [Target("webhook", "case")], 1.0)
    now = 10_000_000_000.0
    [first] = await storage.referrals.due(now, lease=10.0, owner="a")
    [second] = await storage.referrals.due(now + 11.0, lease=10.0, owner="b")
    await storage.referrals.mark_delivered(second.id, now + 12.0)
    # a, whose lease ran out, also got it through (the receiver dropped the repeat by its key)
    # or failed: either way it stays delivered, once, and nothing is escalated.
    await storage.referrals.mark_delivered(first.id, now + 13.0)
    fallback = Target("teams", "fallback")
    assert await storage.referrals.mark_failed(first.id, "http_500", fallback, now) is None
    [row] = await storage.referrals.deliveries_of(referral.reference)
    assert (row.status, row.attempts, row.delivered_at) == (DELIVERED, 1, now + 12.0)


async def test_concurrent_takers_never_share_a_delivery(storage: Storage) -> None:
    for i in range(30):
        await storage.referrals.create(_new(f"s{i}"), [Target("teams", "staff")], 1.0)
    now = 10_000_000_000.0
    batches = await asyncio.gather(*(storage.referrals.due(now, limit=7) for _ in range(6)))
    ids = [d.id for batch in batches for d in batch]
    assert len(ids) == 30 and len(set(ids)) == 30


async def test_retry_failure_and_escalation(storage: Storage) -> None:
    referral, _ = await storage.referrals.create(_new(), [Target("teams", "staff")], 1.0)
    (delivery,) = await storage.referrals.due(10_000_000_000.0)
    await storage.referrals.mark_retry(delivery.id, 50.0, "timeout")
    assert await storage.referrals.next_due_at() == 50.0
    (again,) = await storage.referrals.due(60.0)
    assert again.attempts == 1 and again.last_error == "timeout"
    new_id = await storage.referrals.mark_failed(again.id, "http_404", Target("webhook", "case"), 70.0)
    deliveries = await storage.referrals.deliveries_of(referral.reference)
    assert [(d.kind, d.status) for d in deliveries] == [("teams", FAILED), ("webhook", PENDING)]
    assert deliveries[1].id == new_id and deliveries[1].escalated_from == delivery.id
    summary = await storage.referrals.delivery_summary()
    assert summary[FAILED] == 1 and summary["escalated"] == 1 and summary[PENDING] == 1


async def test_delivered_card_is_remembered_for_updates(storage: Storage) -> None:
    referral, _ = await storage.referrals.create(_new(), [Target("teams", "staff")], 1.0)
    (delivery,) = await storage.referrals.due(10_000_000_000.0)
    await storage.referrals.mark_delivered(
        delivery.id, 5.0, activity_id="act-1", conversation_id="19:staff", service_url="https://s"
    )
    (card,) = await storage.referrals.card_deliveries(referral.reference)
    assert (card.status, card.activity_id, card.conversation_id) == (DELIVERED, "act-1", "19:staff")
    assert (await storage.referrals.get(referral.reference)).closed_at is None  # awaits a claim


async def test_first_claim_wins_and_queues_the_citizens_notice(storage: Storage) -> None:
    referral, _ = await storage.referrals.create(_new(), [Target("teams", "staff")], 1.0)
    results = await asyncio.gather(
        storage.referrals.claim(referral.reference, "Siobhan", 2.0),
        storage.referrals.claim(referral.reference, "Declan", 2.0),
    )
    winners = [r for r, won in results if won]
    assert len(winners) == 1
    stored = await storage.referrals.get(referral.reference)
    assert stored.status == CLAIMED and stored.claimed_by == winners[0].claimed_by
    kinds = [d.kind for d in await storage.referrals.deliveries_of(referral.reference)]
    assert kinds.count(CITIZEN) == 1


async def test_purge_deletes_closed_referrals_and_stale_state(storage: Storage) -> None:
    old, _ = await storage.referrals.create(_new("old"), [Target("teams", "staff")], 1.0)
    await storage.referrals.claim(old.reference, "Siobhan", 100.0)
    open_, _ = await storage.referrals.create(_new("open"), [Target("teams", "staff")], 1.0)
    await storage.state.put("stale", {"v": 1})
    deleted, states = await storage.referrals.purge(closed_before=10**12, state_before=10**12)
    assert deleted == 1 and states >= 1
    assert await storage.referrals.get(old.reference) is None
    assert await storage.referrals.deliveries_of(old.reference) == []
    assert await storage.referrals.get(open_.reference) is not None  # never closed: kept


async def test_conversation_refs_round_trip(storage: Storage) -> None:
    assert await storage.referrals.conversation_ref("19:x") is None
    await storage.referrals.save_conversation_ref("19:x", {"serviceUrl": "https://a"})
    await storage.referrals.save_conversation_ref("19:x", {"serviceUrl": "https://b"})
    assert await storage.referrals.conversation_ref("19:x") == {"serviceUrl": "https://b"}


# ---- rate limits ----------------------------------------------------------------------------
async def test_rate_limit_allows_then_notifies_once_then_is_silent(database) -> None:  # type: ignore[no-untyped-def]
    storage = Storage.build(database, lambda: "MAY-X", rate_limit=3, rate_window=10.0)
    limits = storage.rate_limits
    got = [await limits.hit("c", 100.0 + i * 0.1) for i in range(5)]
    assert got == [Decision.ALLOW] * 3 + [Decision.LIMITED_NOTIFY, Decision.LIMITED_SILENT]
    assert await limits.hit("other", 100.5) is Decision.ALLOW
    assert await limits.hit("c", 111.0) is Decision.ALLOW  # a new window
