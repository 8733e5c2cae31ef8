"""The three views and their actions, through the running app with real SQLite storage."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.staff import strings
from bot.staff.insights_view import group_messages
from bot.storage import staff as staff_ops
from bot.storage.insights import Unclear
from bot.storage.records import CITIZEN

from .conftest import ROOT, StaffHarness, build_app, csrf_of, sign_in, staff_settings

TEMPLATES = ROOT / "bot" / "staff" / "templates"


def _rows(html: str) -> list[str]:
    """The references in the requests table, in order."""
    return re.findall(r'<td><a href="/staff/requests/(MAY-\d+)">', html)


async def _post(client: TestClient, path: str, page: str, **data: str) -> str:
    csrf = await csrf_of(client, page)
    response = await client.post(path, data={"csrf": csrf, **data}, allow_redirects=False)
    assert response.status == 303, await response.text()
    return response.headers["Location"]


# ---- requests ------------------------------------------------------------------------------
async def test_open_requests_come_first_and_overdue_ones_are_flagged(
    client: TestClient, harness: StaffHarness
) -> None:
    done = await harness.referral(minutes_ago=30)
    await harness.storage.db.call(
        lambda c: staff_ops.record_outcome(c, done, "Declan", "rang_sorted", "", 1.0, lambda _: None)
    )
    fresh = await harness.referral(minutes_ago=5)
    overdue = await harness.referral(minutes_ago=60 * 24 * 2)  # promised within 4 opening hours
    taken = await harness.referral(minutes_ago=20)
    await harness.storage.referrals.claim(taken, "Declan (Teams)", harness.clock.now.timestamp())
    await sign_in(client, harness)
    html = await (await client.get("/staff/requests")).text()
    assert _rows(html) == [overdue, fresh, taken, done]
    row = html[html.index(overdue) :].split("</tr>")[0]
    assert "Overdue" in row and "Open" in row
    assert "Declan (Teams)" in html  # a claim made in Teams shows on the page
    assert "Mary Walsh" not in html and "087 123 4567" not in html  # details only when opened


@pytest.mark.parametrize(
    "query, expected",
    [("status=open", ["o"]), ("status=claimed", ["c", "h", "b"]), ("service=hot_meals", ["h"]),
     ("area=ballina", ["b"]), ("service=groceries&area=castlebar&status=open", ["o"])],
    ids=["open", "taken", "service", "area", "all-three"],
)  # fmt: skip
async def test_filters(
    client: TestClient, harness: StaffHarness, query: str, expected: list[str]
) -> None:
    refs = {
        "o": await harness.referral(),
        "c": await harness.referral(),
        "h": await harness.referral(service="hot_meals", area="westport_not_an_area"),
        "b": await harness.referral(area="ballina"),
    }
    await harness.storage.referrals.claim(refs["c"], "Declan", 1.0)
    await harness.storage.referrals.claim(refs["h"], "Declan", 1.0)
    await harness.storage.referrals.claim(refs["b"], "Declan", 1.0)
    await sign_in(client, harness)
    html = await (await client.get(f"/staff/requests?{query}")).text()
    assert sorted(_rows(html)) == sorted(refs[k] for k in expected)


async def test_opening_a_request_shows_the_details_and_is_audited(
    client: TestClient, harness: StaffHarness
) -> None:
    reference = await harness.referral()
    await sign_in(client, harness)
    html = await (await client.get(f"/staff/requests/{reference}")).text()
    for shown in ("Mary Walsh", "087 123 4567", "Castlebar", "Balla", "shopping for the week",
                  "Grocery shopping"):  # fmt: skip
        assert shown in html
    log = await harness.storage.db.call(staff_ops.audit_log)
    assert (log[0].action, log[0].reference, log[0].staff) == ("viewed", reference, "Siobhan Byrne")
    assert (await client.get("/staff/requests/MAY-9999")).status == 404


async def test_a_claim_on_the_page_is_the_claim_teams_sees(
    client: TestClient, harness: StaffHarness
) -> None:
    reference = await harness.referral()
    await sign_in(client, harness)
    await _post(client, f"/staff/requests/{reference}/claim", f"/staff/requests/{reference}")
    stored = await harness.storage.referrals.get(reference)
    assert stored is not None and stored.claimed_by == "Siobhan Byrne"
    # The citizen's "Siobhan will ring you" is queued, as for a claim in Teams.
    kinds = [d.kind for d in await harness.storage.referrals.deliveries_of(reference)]
    assert kinds.count(CITIZEN) == 1
    assert [(e.kind, e.reference) for e in harness.events] == [("claimed", reference)]
    # The Teams card's "I'll take it" now loses: one claim.
    _, won = await harness.storage.referrals.claim(reference, "Declan (Teams)", 2.0)
    assert not won
    html = await (await client.get(f"/staff/requests/{reference}")).text()
    assert f"You have taken {reference}" in html
    assert "I&#39;ll take it" not in html and "I'll take it" not in html
    assert "You have taken" not in await (await client.get(f"/staff/requests/{reference}")).text()


async def test_a_claim_lost_to_teams_says_who_has_it(
    client: TestClient, harness: StaffHarness
) -> None:
    reference = await harness.referral()
    await sign_in(client, harness)
    page = f"/staff/requests/{reference}"
    csrf = await csrf_of(client, page)  # the page still offers "I'll take it"
    await harness.storage.referrals.claim(reference, "Declan (Teams)", 2.0)
    await client.post(f"{page}/claim", data={"csrf": csrf})
    html = await (await client.get(page)).text()
    assert "Declan (Teams)" in html
    assert harness.events == []


async def test_recording_outcomes_and_handing_over(client: TestClient, harness: StaffHarness) -> None:
    reference = await harness.referral(minutes_ago=90)
    await sign_in(client, harness)
    page = f"/staff/requests/{reference}"
    harness.clock.advance(minutes=10)
    await _post(client, f"{page}/outcome", page, outcome="no_answer", note="Rang twice, no answer")
    await _post(client, f"{page}/handover", page, to="Declan Moran")
    harness.clock.advance(minutes=25)  # (sessions end after 30 idle minutes)
    await _post(client, f"{page}/outcome", page, outcome="volunteer", note="Castlebar Lions")
    html = await (await client.get(page)).text()
    assert "Rang twice, no answer" in html and "Castlebar Lions" in html
    assert "handed it to Declan Moran" in html and "Done" in html
    stored = await harness.storage.referrals.get(reference)
    assert stored is not None and stored.claimed_by == "Declan Moran"
    log = [e.action for e in await harness.storage.db.call(staff_ops.audit_log)][::-1]
    acted = [a for a in log if a not in ("viewed", "signed_in")]
    assert acted == ["claimed", "outcome", "handed_over", "outcome"]
    listing = await (await client.get("/staff/requests")).text()
    row = listing[listing.index(reference) :].split("</tr>")[0]
    assert "Passed to a volunteer group" in row and "Overdue" not in row


async def test_an_unknown_outcome_is_refused(client: TestClient, harness: StaffHarness) -> None:
    reference = await harness.referral()
    await sign_in(client, harness)
    csrf = await csrf_of(client, f"/staff/requests/{reference}")
    response = await client.post(
        f"/staff/requests/{reference}/outcome", data={"csrf": csrf, "outcome": "shrugged"}
    )
    assert response.status == 400
    assert await harness.storage.db.call(lambda c: staff_ops.actions_of(c, reference)) == []


async def test_csv_export(client: TestClient, harness: StaffHarness) -> None:
    first = await harness.referral(name="=HYPERLINK(\"http://x\")")
    await harness.referral(service="hot_meals")
    await sign_in(client, harness)
    response = await client.get("/staff/requests.csv?service=groceries")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    body = (await response.read()).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["reference"] for r in rows] == [first]
    assert rows[0]["name"].startswith("'=")  # a spreadsheet will not run it
    assert rows[0]["phone"] == "087 123 4567" and rows[0]["status"] == "open"
    log = await harness.storage.db.call(staff_ops.audit_log)
    assert (log[0].action, log[0].detail) == ("exported_csv", "1 rows")


# ---- not understood and teaching ---------------------------------------------------------------
async def _record(harness: StaffHarness, *texts: str, kind: str = "fallback") -> None:
    for i, text in enumerate(texts):
        at = harness.clock.now - dt.timedelta(minutes=len(texts) - i)
        harness.insights.record_turn(f"c{i}", at, kind)
        harness.insights.record_not_understood(f"c{i}", at, text, kind)
    await harness.insights.flush()


async def test_not_understood_messages_are_masked_grouped_and_newest_first(
    client: TestClient, harness: StaffHarness
) -> None:
    await _record(
        harness,
        "when is the bin collected",
        "Could someone walk the dog? Ring 087 765 4321",
        "could someone walk the dog",
        "could somebody walk the dog",
    )
    await sign_in(client, harness)
    html = await (await client.get("/staff/not-understood")).text()
    assert "087 765 4321" not in html and "[phone]" in html
    first = html.index("could somebody walk the dog")
    assert first < html.index("when is the bin collected")
    assert html.count("Teach the bot") >= 2
    assert re.search(r'class="num">2</td>', html)  # someone / somebody: one group


def test_grouping_keeps_different_questions_apart() -> None:
    messages = [
        Unclear(3, 3.0, "fallback", "could somebody walk the dog", "en"),
        Unclear(2, 2.0, "fallback", "could someone walk the dog", "en"),
        Unclear(1, 1.0, "clarify", "bins", "en"),
    ]
    groups = group_messages(messages)
    assert [(g.text, g.count) for g in groups] == [("could somebody walk the dog", 2), ("bins", 1)]
    assert groups[0].variants == ["could someone walk the dog"]


async def test_teaching_a_phrase_previews_saves_and_the_next_message_routes(
    client: TestClient, harness: StaffHarness
) -> None:
    await _record(harness, "could someone walk the dog", "walk the dog please", "bins")
    assert harness.routing.router.classify("could someone walk the dog for me").intent is None
    await sign_in(client, harness)
    page = "/staff/teach?text=walk+the+dog&service=volunteer_groups&phrase=walk+the+dog"
    html = await (await client.get(page)).text()
    assert "examples all routed correctly" in html
    assert "2 of 3 recorded messages would now go elsewhere" in html
    assert "+  - {text: &#34;walk the dog&#34;, expect: volunteer_groups}" in html
    # the phrase, added at the end of the service's list (a "+" line of the diff)
    assert re.search(r"\n\+ [^\n]*, walk the dog\]\n", html), html
    assert "Today this phrase goes to: no service" in html
    assert "After the change it goes to: Local volunteer groups" in html
    base = re.search(r'name="base" value="([0-9a-f]{64})"', html)
    csrf = re.search(r'name="csrf" value="([^"]+)"', html)
    assert base and csrf
    before = harness.routing_file.read_text(encoding="utf-8")
    response = await client.post(
        "/staff/teach/save",
        data={"csrf": csrf.group(1), "service": "volunteer_groups", "phrase": "walk the dog",
              "text": "walk the dog", "base": base.group(1)},
        allow_redirects=False,
    )  # fmt: skip
    assert response.status == 303 and response.headers["Location"] == "/staff/not-understood"
    after = harness.routing_file.read_text(encoding="utf-8")
    assert after != before and "walk the dog" in after and after.count("\n# ") == before.count("\n# ")
    # The live routing table has it: the next message routes.
    assert harness.routing.router.classify("could someone walk the dog for me").intent == (
        "volunteer_groups"
    )
    assert "now recognises" in await (await client.get("/staff/not-understood")).text()
    log = await harness.storage.db.call(staff_ops.audit_log)
    assert (log[0].action, log[0].detail) == ("taught", "volunteer_groups: walk the dog")


async def test_a_save_after_someone_else_edited_the_file_is_refused(
    client: TestClient, harness: StaffHarness
) -> None:
    await sign_in(client, harness)
    html = await (await client.get("/staff/teach?service=volunteer_groups&phrase=walk+the+dog")).text()
    base = re.search(r'name="base" value="([0-9a-f]{64})"', html).group(1)  # type: ignore[union-attr]
    csrf = re.search(r'name="csrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    harness.routing_file.write_text(
        harness.routing_file.read_text(encoding="utf-8") + "\n# edited by hand\n", encoding="utf-8"
    )
    edited = harness.routing_file.read_text(encoding="utf-8")
    response = await client.post(
        "/staff/teach/save",
        data={"csrf": csrf, "service": "volunteer_groups", "phrase": "walk the dog", "base": base},
    )
    assert "changed since you checked" in await response.text()
    assert harness.routing_file.read_text(encoding="utf-8") == edited


@pytest.mark.parametrize(
    "query, message",
    [("service=volunteer_groups&phrase=ring+[name]+please", "masked parts"),
     ("service=volunteer_groups&phrase=x", "2 to 80 characters"),
     ("service=no_such&phrase=walk+the+dog", "Pick a service"),
     ("service=prescriptions&phrase=chemist+run", "already listed")],
    ids=["masked", "too-short", "unknown-service", "already-there"],
)  # fmt: skip
async def test_phrases_that_cannot_be_taught(
    client: TestClient, harness: StaffHarness, query: str, message: str
) -> None:
    await sign_in(client, harness)
    html = await (await client.get(f"/staff/teach?{query}")).text()
    assert message in html and "/staff/teach/save" not in html


async def test_without_permission_to_edit_the_page_gives_the_yaml_to_paste(
    harness: StaffHarness,
) -> None:
    app = build_app(harness, staff_settings(can_edit_routing=False))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        await sign_in(client, harness)
        html = await (
            await client.get("/staff/teach?service=volunteer_groups&phrase=walk+the+dog")
        ).text()
        assert "paste the change instead" in html and "/staff/teach/save" not in html
        assert "walk the dog" in html and "expect: volunteer_groups" in html
        csrf = await csrf_of(client, "/staff/teach")
        response = await client.post(
            "/staff/teach/save",
            data={"csrf": csrf, "service": "volunteer_groups", "phrase": "walk the dog", "base": "x"},
        )
        assert response.status == 403


# ---- numbers -----------------------------------------------------------------------------------
async def test_numbers_by_day_service_and_district(client: TestClient, harness: StaffHarness) -> None:
    now = harness.clock.now
    yesterday = now - dt.timedelta(days=1)
    ins = harness.insights
    ins.record_turn("a", now, "routed", ["groceries"], "castlebar", "en", True)
    ins.record_turn("a", now, "routed", ["groceries", "prescriptions"], "castlebar", "ga", True)
    ins.record_turn("b", yesterday, "emergency", [], None, "en", True)
    ins.record_turn("c", yesterday, "fallback", [], "ballina", "en", True)
    ins.record_turn("c", yesterday, "talk_to_someone", [], "ballina", "en", False)
    await ins.flush()
    claimed = await harness.referral(minutes_ago=90)
    await harness.storage.referrals.claim(claimed, "Declan", now.timestamp() - 30 * 60)
    await harness.referral(area="ballina", minutes_ago=60 * 24)
    await sign_in(client, harness)
    html = await (await client.get("/staff/numbers?days=7")).text()
    tiles = re.findall(r'<span class="big">([^<]+)</span>', html)
    # messages, requests, emergencies, not understood, without a person, Irish, claim, outcome
    assert tiles[:8] == ["5", "2", "1", "1", "80%", "20%", "1 h 0 min", "—"]
    day = re.search(r"<th scope=\"row\">2026-11-23</th>(.*?)</tr>", html, re.S)
    assert day and re.findall(r">(\d+)<", day.group(1)) == ["3", "1", "1", "1"]
    groceries = re.search(r"Grocery shopping and delivery</th>(.*?)</tr>", html, re.S)
    assert groceries and re.findall(r">(\d+)<", groceries.group(1)) == ["2", "2"]
    assert 'id="numbers-data"' in html and "chart.umd.min.js" in html


async def test_numbers_has_a_line_for_live_chats_and_waits(client: TestClient, harness: StaffHarness) -> None:
    from bot.storage.handoff import ACTIVE, ENDED, WAITING, HandoffStore, LiveChat

    chats = HandoffStore(harness.storage.db)
    now = harness.clock.now.timestamp()

    def chat(i: int, **changes: object) -> LiveChat:
        at = now - 3600 + i * 60
        return LiveChat(
            id=f"chat{i}", conversation=f"msteams/conversations/a:{i}", citizen_ref={}, language="en",
            status=WAITING, requested_at=at, queued_at=at, wait_until=at + 300, asked="help",
            service_id=None, town=None, history=[], channel_ref={}, updated_at=at,
        )

    for i in range(4):
        await chats.create(chat(i), lambda c: [])
    took = {"chat0": 40.0, "chat1": 100.0}
    for chat_id, wait in took.items():
        found = await chats.get(chat_id)
        assert found is not None
        await chats.transition(
            chat_id, lambda c, w=wait: {"status": ACTIVE, "taken_at": c.requested_at + w}, lambda b, a, c: [], now
        )
    await chats.transition(
        "chat0", lambda c: {"status": ENDED, "ended_at": now, "ended_by": "staff", "feedback_asked": True, "helped": True},
        lambda b, a, c: [], now,
    )
    await chats.transition(
        "chat2", lambda c: {"status": ENDED, "ended_at": now, "ended_by": "timeout"}, lambda b, a, c: [], now
    )
    await sign_in(client, harness)
    html = await (await client.get("/staff/numbers?days=7")).text()
    tile = re.search(r'<li id="live-chats">(.*?)</li>', html, re.S)
    assert tile is not None
    shown = re.sub(r"<[^>]+>", " ", tile.group(1))
    assert " ".join(shown.split()) == (
        "4 Live chats and waits 2 taken by staff; waited 1 min (9 in 10 within 2 min) "
        "1 offered a call-back: nobody was free in time Did it help? Yes 1, no 0 "
        "Now: 1 waiting, 1 in a chat"
    )


# ---- the page in English and Irish ---------------------------------------------------------------
def test_every_string_has_an_irish_slot_and_every_template_key_exists() -> None:
    assert set(strings.GA) == set(strings.EN)
    used: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        found = re.findall(r"t\('([a-z0-9_]+)'", template.read_text(encoding="utf-8"))
        used |= {k for k in found if not k.endswith("_")}  # t('status_' ~ s): the dynamic ones
    dynamic = {k for k in strings.EN if k.startswith(("status_", "outcome_", "kind_", "action_", "refused_"))}
    missing = used - set(strings.EN)
    assert not missing, missing
    python = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "bot" / "staff").glob("*.py"))
    unused = {k for k in strings.EN if k not in used and k not in dynamic and f'"{k}"' not in python}
    assert not unused, unused


def test_the_page_is_written_in_irish_and_falls_back_to_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert strings.text("ga", "nav_requests") == "Iarratais"
    assert strings.text("ga", "signed_in_as", name="Bríd") == "Sínithe isteach mar Bríd"
    monkeypatch.setitem(strings.GA, "nav_requests", None)  # a text not written yet
    assert strings.text("ga", "nav_requests") == "Requests"


def test_every_irish_text_keeps_the_english_placeholders() -> None:
    for key, english in strings.EN.items():
        irish = strings.GA[key]
        assert irish, key
        assert strings.placeholders(irish) == strings.placeholders(english), key


async def test_the_language_switch(client: TestClient, harness: StaffHarness) -> None:
    await sign_in(client, harness)
    response = await client.get("/staff/lang/ga?next=/staff/numbers", allow_redirects=False)
    assert response.headers["Location"] == "/staff/numbers"
    html = await (await client.get("/staff/requests")).text()
    assert '<html lang="ga">' in html and "Iarratais ar ghlaoch ar ais" in html
    assert "Call-back requests" not in html
    back = await client.get("/staff/lang/en?next=/staff/requests", allow_redirects=False)
    assert back.headers["Location"] == "/staff/requests"
    html = await (await client.get("/staff/requests")).text()
    assert '<html lang="en">' in html and "Call-back requests" in html
    evil = await client.get("/staff/lang/en?next=https://evil.example/", allow_redirects=False)
    assert evil.headers["Location"] == "/staff/requests"


async def test_staff_see_which_language_the_citizen_uses(
    client: TestClient, harness: StaffHarness
) -> None:
    irish = await harness.referral(service="hot_meals", area="ballina", language="ga")
    await harness.referral(service="groceries")
    await sign_in(client, harness)
    html = await (await client.get(f"/staff/requests/{irish}")).text()
    assert '<dd lang="ga">Irish (Gaeilge)</dd>' in html
    listing = await (await client.get("/staff/requests")).text()
    assert "<td>Irish (Gaeilge)</td>" in listing and "<td>English</td>" in listing
    body = await (await client.get("/staff/requests.csv")).text()
    languages = {row["reference"]: row["language"] for row in csv.DictReader(io.StringIO(body.lstrip("\ufeff")))}
    assert languages[irish] == "ga"
    # In Irish, the page names services and areas as Irish speakers know them.
    await client.get("/staff/lang/ga?next=/staff/requests", allow_redirects=False)
    listing = await (await client.get("/staff/requests")).text()
    assert "Béilí te" in listing and "Béal an Átha" in listing and "<td>Gaeilge</td>" in listing


# ---- the vendored chart library ----------------------------------------------------------------
def test_the_vendored_chart_library_is_the_pinned_npm_build() -> None:
    import json

    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    pinned = lock["packages"]["node_modules/chart.js"]["version"]
    vendored = (ROOT / "bot" / "staff" / "static" / "chart.umd.min.js").read_bytes()
    assert f"Chart.js v{pinned}".encode() in vendored[:200]
    built = ROOT / "node_modules" / "chart.js" / "dist" / "chart.umd.min.js"
    if built.exists():  # after `npm ci`: byte for byte what npm installs
        assert built.read_bytes() == vendored


def test_no_page_loads_anything_from_elsewhere() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r'(src|href)="(https?:)?//', text), template.name
        assert "<script>" not in text and "style=" not in text, template.name


def test_static_paths_exist() -> None:
    for name in ("staff.css", "staff.js", "chart.umd.min.js"):
        assert (Path(ROOT) / "bot" / "staff" / "static" / name).exists()


# ---- the page's background work --------------------------------------------------------------
async def test_recorded_turns_are_written_in_the_background(
    client: TestClient, harness: StaffHarness
) -> None:
    """The turn handling only appends to a buffer; the page's cleanup context writes it."""
    harness.insights.record_not_understood(
        "msteams/conversations/x", harness.clock.now, "is the swimming pool open", "fallback"
    )
    await sign_in(client, harness)
    for _ in range(100):
        if "swimming pool" in await (await client.get("/staff/not-understood")).text():
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the buffered message was never written")


async def test_old_messages_are_purged_when_the_page_starts(harness: StaffHarness) -> None:
    old = harness.clock.now - dt.timedelta(days=31)
    harness.insights.record_turn("k", old, "fallback")
    harness.insights.record_not_understood("k", old, "something from last month", "fallback")
    await harness.insights.flush()
    app = build_app(harness, staff_settings())
    async with TestClient(TestServer(app, host="127.0.0.1")):
        for _ in range(100):
            if not await harness.insights.not_understood(0):
                break
            await asyncio.sleep(0.05)
    assert await harness.insights.not_understood(0) == []
    counts = await harness.insights.counts("2000-01-01")
    assert [(c.kind, c.messages) for c in counts] == [("fallback", 1)]  # still counted
