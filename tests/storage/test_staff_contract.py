"""The staff page's stores (bot/storage/staff.py, insights.py), run against every backend
(see conftest.py), as the rest of the storage contract."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib

import pytest

from bot.storage import Storage
from bot.storage import insights as insights_ops
from bot.storage import referrals as referral_ops
from bot.storage import staff as staff_ops
from bot.storage.db import Connection
from bot.storage.insights import Insights
from bot.storage.records import DELIVERED, PAGE, NewReferral, Target
from bot.storage.staff import (
    NO_ANSWER,
    RANG_SORTED,
    StaffActionRefused,
    StaffStore,
)

KEY = "msteams/conversations/a:1"
OTHER = "msteams/conversations/b:2"
AT = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.timezone.utc)


def _new(submission: str = "s1", conversation: str = KEY) -> NewReferral:
    return NewReferral(
        submission=submission,
        conversation=conversation,
        service_id="groceries",
        name="Mary Walsh",
        phone="087 123 4567",
        area="castlebar",
        need="shopping for my mam",
        citizen_ref={"conversation": {"id": "a:1"}},
    )


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def staff(storage: Storage, clock: Clock) -> StaffStore:
    return StaffStore(storage.db, clock)


# ---- one claim, on the page and on the Teams card ------------------------------------------
async def test_page_and_card_claims_are_one_claim(storage: Storage, staff: StaffStore) -> None:
    referral, _ = await storage.referrals.create(_new(), [Target(PAGE, "staff_page")], 1.0)
    results = await asyncio.gather(
        staff.claim(referral.reference, "Siobhan"),
        storage.referrals.claim(referral.reference, "Declan (Teams)", 2.0),
    )
    assert sum(won for _, won in results) == 1
    (stored, actions) = await staff.request(referral.reference)  # type: ignore[misc]
    assert stored.claimed_by in ("Siobhan", "Declan (Teams)") and actions == []
    log = await staff.audit_log()
    assert [e.action for e in log] == (["claimed"] if results[0][1] else ["claim_lost"])
    assert log[0].reference == referral.reference and log[0].staff == "Siobhan"


async def test_an_outcome_on_an_unclaimed_request_claims_it_first(
    storage: Storage, staff: StaffStore, clock: Clock
) -> None:
    referral, _ = await storage.referrals.create(_new(), [Target(PAGE, "staff_page")], 1.0)
    clock.now += 60
    action = await staff.record_outcome(referral.reference, "Siobhan", NO_ANSWER, " rang at 10 ")
    assert (action.outcome, action.note, action.staff) == (NO_ANSWER, "rang at 10", "Siobhan")
    clock.now += 60
    await staff.record_outcome(referral.reference, "Siobhan", RANG_SORTED, "")
    stored, actions = await staff.request(referral.reference)  # type: ignore[misc]
    assert stored.claimed_by == "Siobhan"
    assert [(a.outcome, a.note) for a in actions] == [(NO_ANSWER, "rang at 10"), (RANG_SORTED, None)]
    assert [e.action for e in await staff.audit_log()] == ["outcome", "outcome", "claimed"]
    assert [e.detail for e in await staff.audit_log()][:2] == [RANG_SORTED, NO_ANSWER]


@pytest.mark.parametrize(
    "reference, outcome",
    [("MAY-NONE", RANG_SORTED), (None, "made_up")],
    ids=["no-such-request", "unknown-outcome"],
)
async def test_outcomes_that_cannot_be_recorded_are_refused(
    storage: Storage, staff: StaffStore, reference: str | None, outcome: str
) -> None:
    referral, _ = await storage.referrals.create(_new(), [], 1.0)
    with pytest.raises(StaffActionRefused):
        await staff.record_outcome(reference or referral.reference, "S", outcome, "")
    assert await staff.audit_log() == []


async def test_hand_over_moves_the_claim(storage: Storage, staff: StaffStore) -> None:
    referral, _ = await storage.referrals.create(_new(), [], 1.0)
    with pytest.raises(StaffActionRefused):  # nobody holds it yet
        await staff.hand_over(referral.reference, "Siobhan", "Declan")
    await staff.claim(referral.reference, "Siobhan")
    action = await staff.hand_over(referral.reference, "Siobhan", "  Declan   Moran ")
    assert action.handed_to == "Declan Moran"
    assert (await storage.referrals.get(referral.reference)).claimed_by == "Declan Moran"  # type: ignore[union-attr]
    assert (await staff.audit_log())[0].action == "handed_over"


async def test_a_page_delivery_leaves_the_request_open_until_claimed(
    storage: Storage, staff: StaffStore
) -> None:
    referral, _ = await storage.referrals.create(_new(), [Target(PAGE, "staff_page")], 1.0)
    assert await storage.db.call(lambda c: staff_ops.deliver_to_page(c, 5.0)) == 1
    (delivery,) = await storage.referrals.deliveries_of(referral.reference)
    assert (delivery.kind, delivery.status) == (PAGE, DELIVERED)
    assert (await storage.referrals.get(referral.reference)).closed_at is None  # type: ignore[union-attr]
    assert await storage.referrals.due(10_000_000_000.0) == []  # nothing left to send
    await staff.claim(referral.reference, "Siobhan")
    assert (await storage.referrals.get(referral.reference)).closed_at is not None  # type: ignore[union-attr]


# ---- sign-in links ---------------------------------------------------------------------------
async def test_a_link_works_once_and_not_after_it_expires(staff: StaffStore, clock: Clock) -> None:
    used = hashlib.sha256(b"one").hexdigest()
    late = hashlib.sha256(b"two").hexdigest()
    await staff.create_link(used, "Siobhan", 600)
    await staff.create_link(late, "Declan", 600)
    assert await staff.usable_link(used) == "Siobhan"
    assert await staff.use_link(used) == "Siobhan"
    assert await staff.use_link(used) is None  # once
    assert await staff.use_link(hashlib.sha256(b"never").hexdigest()) is None
    clock.now += 601
    assert await staff.usable_link(late) is None
    assert await staff.use_link(late) is None


# ---- insights --------------------------------------------------------------------------------
async def test_turns_and_masked_messages_are_recorded_in_batches(storage: Storage) -> None:
    insights = Insights(storage.db)
    insights.record_turn(KEY, AT, "routed", ["groceries"], "castlebar", "en", True)
    insights.record_turn(KEY, AT, "fallback", [], None, "ga", True)
    insights.record_not_understood(
        KEY,
        AT,
        "my name is Mary Walsh ring me on 087 123 4567 or mary@example.ie, F23 X2K4",
        "fallback",
        display_name="Mary Walsh",
    )
    assert await insights.not_understood(0) == []  # buffered, not yet written
    assert await insights.flush() == 3
    (message,) = await insights.not_understood(0)
    assert message.text == "my name is [name] ring me on [phone] or [email], [eircode]"
    counts = await insights.counts("2026-11-01")
    assert {(c.day, c.kind, c.services, c.district, c.language, c.messages) for c in counts} == {
        ("2026-11-28", "routed", ("groceries",), "castlebar", "en", 1),
        ("2026-11-28", "fallback", (), "", "ga", 1),
    }


@pytest.mark.parametrize(
    "moments",
    [
        # Around midnight in winter (UTC+0) and in summer (UTC+1), and over the night the
        # clocks go back: each turn counts on the Irish day it happened.
        ["2026-11-28T23:59:59+00:00", "2026-11-29T00:00:00+00:00", "2026-11-28T12:00:00+00:00"],
        ["2026-07-14T22:59:59+00:00", "2026-07-14T23:00:00+00:00", "2026-07-15T22:59:00+00:00"],
        ["2026-10-24T22:59:00+00:00", "2026-10-24T23:00:00+00:00", "2026-10-25T23:59:00+00:00",
         "2026-10-26T00:00:00+00:00"],
    ],
    ids=["winter-midnight", "summer-midnight", "clocks-go-back"],
)
async def test_each_turn_counts_on_its_irish_day(storage: Storage, moments: list[str]) -> None:
    insights = Insights(storage.db)
    for moment in moments:
        insights.record_turn(KEY, dt.datetime.fromisoformat(moment), "routed")
    await insights.flush()
    expected = [insights_ops.day_of(dt.datetime.fromisoformat(m)) for m in moments]
    rows = await storage.db.call(lambda c: c.all("SELECT day FROM insight_turns ORDER BY id"))
    assert [r["day"] for r in rows] == expected
    assert len(set(expected)) > 1


async def test_erasure_removes_what_the_page_keeps_about_a_conversation(
    storage: Storage, staff: StaffStore
) -> None:
    insights = Insights(storage.db)
    mine, _ = await storage.referrals.create(_new("s1", KEY), [], 1.0)
    theirs, _ = await storage.referrals.create(_new("s2", OTHER), [], 1.0)
    for ref in (mine.reference, theirs.reference):
        await staff.record_outcome(ref, "Siobhan", NO_ANSWER, "left a voicemail for Mary")
    for key in (KEY, OTHER):
        insights.record_turn(key, AT, "fallback")
        insights.record_not_understood(key, AT, "something odd", "fallback")
    await insights.flush()
    insights.record_turn(KEY, AT, "routed")  # still buffered when the citizen asks
    await insights.forget(KEY)

    def erase(conn: Connection) -> None:
        with conn.transaction():
            staff_ops.erase_citizen(conn, KEY)
            referral_ops.erase_conversation(conn, KEY)

    await storage.db.call(erase)
    await insights.flush()
    assert await staff.request(mine.reference) is None
    assert len((await staff.request(theirs.reference))[1]) == 1  # type: ignore[index]
    assert len(await insights.not_understood(0)) == 1
    assert sum(c.messages for c in await insights.counts("2000-01-01")) == 1
    # The audit log keeps what staff did, by reference only.
    assert mine.reference in {e.reference for e in await staff.audit_log()}


async def test_purge_keeps_the_counts_and_drops_the_rows(storage: Storage) -> None:
    insights = Insights(storage.db, clock=lambda: AT.timestamp() + 31 * 86400)
    for i in range(3):
        insights.record_turn(f"k{i}", AT, "routed", ["groceries"], "castlebar", "en", i > 0)
    insights.record_not_understood("k0", AT, "what about the bins", "fallback")
    await insights.flush()
    before = await insights.counts("2026-11-01")
    assert await insights.purge(30) == (3, 1)
    after = await insights.counts("2026-11-01")
    assert before == after and after[0].without_person == 2
    assert await insights.not_understood(0) == []
    # A second purge over the same days adds to the counts rather than clashing.
    insights.record_turn("k9", AT, "routed", ["groceries"], "castlebar", "en", True)
    await insights.flush()
    await insights.purge(30)
    assert (await insights.counts("2026-11-01"))[0].messages == 4


async def test_referral_purge_takes_its_staff_notes_along(
    storage: Storage, staff: StaffStore
) -> None:
    referral, _ = await storage.referrals.create(_new(), [], 1.0)
    await staff.record_outcome(referral.reference, "Siobhan", RANG_SORTED, "sorted")
    await storage.referrals.purge(closed_before=10**12, state_before=0)
    rows = await storage.db.call(lambda c: staff_ops.actions_of(c, referral.reference))
    assert rows == []


async def test_audit_and_links_are_purged_on_their_own_clock(
    staff: StaffStore, clock: Clock
) -> None:
    await staff.audit("Siobhan", "signed_in")
    await staff.create_link("h", "Siobhan", 600)
    clock.now += 400 * 86400
    await staff.audit("Declan", "signed_in")
    assert await staff.purge(365) == 1
    assert [e.staff for e in await staff.audit_log()] == ["Declan"]


def test_masking_matches_the_log_redaction() -> None:
    assert insights_ops.mask("I'm Bríd, my eircode is f23x2k4 ") == "I'm [name], my eircode is [eircode]"
    assert len(insights_ops.mask("x" * 2000)) == insights_ops.TEXT_MAX
