"""The staff page in a real browser: Debian's chromium driven by Playwright (every request
that is not to loopback is aborted; nothing leaves the machine), against the page mounted
on a running aiohttp server with real SQLite storage.

A helpline day: refused without sign-in; sign in with a one-time link; the requests, record
an outcome, download the CSV; the not-understood messages, teach the bot a phrase (the next
message routes); the numbers with their charts; a forged CSRF token refused. Then Entra ID
sign-in through the browser against a local OpenID provider: a council account gets in,
another tenant's is refused. The screenshots are the ones docs/STAFF-PAGE.md shows:
docs/staff-requests.png, docs/staff-not-understood.png, docs/staff-numbers.png."""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from aiohttp.test_utils import TestServer, unused_port

from config.staff import EntraSettings
from bot.storage import staff as staff_ops
from tests.support.oidc_issuer import (
    CLIENT_ID,
    CLIENT_SECRET,
    OTHER_TENANT,
    STAFF_GROUP,
    TENANT,
    OidcIssuer,
)

from .conftest import ROOT, StaffHarness, build_app, staff_settings

CHROMIUM = Path("/usr/bin/chromium")
DOCS = ROOT / "docs"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WAIT_MS = 30_000  # a generous bound for a slow CI machine: a wait, not a speed assertion

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is not installed (`apt-get install -y chromium`; "
    "scripts/test installs it when CI=true)",
)


async def _seed(h: StaffHarness) -> dict[str, str]:
    """A believable fortnight: requests in every state, turns for the numbers, messages the
    bot did not understand."""
    refs = {
        "overdue": await h.referral(service="prescriptions", area="west_mayo", name="Seán Ó Máille", minutes_ago=60 * 26),
        "fresh": await h.referral(service="groceries", area="castlebar", name="Mary Walsh", minutes_ago=25),
        "meals": await h.referral(service="hot_meals", area="ballina", name="Nóra Ní Ghallchóir", minutes_ago=70, language="ga"),
        "teams": await h.referral(service="fuel_delivery", area="claremorris_swinford", name="Tom Durkan", minutes_ago=180),
        "done": await h.referral(service="friendly_call", area="castlebar", name="Bridie Moran", minutes_ago=60 * 28),
    }  # fmt: skip
    now = h.clock.now.timestamp()
    await h.storage.referrals.claim(refs["teams"], "Declan Moran (Teams)", now - 150 * 60)
    await h.storage.db.call(
        lambda c: staff_ops.record_outcome(
            c, refs["done"], "Aoife Ní Mháille", "rang_sorted", "Weekly call arranged", now - 26 * 3600,
            lambda _: None,
        )
    )  # fmt: skip
    services = ["groceries", "prescriptions", "hot_meals", "fuel_delivery", "friendly_call",
                "volunteer_groups", "medical_transport"]  # fmt: skip
    areas = ["castlebar", "ballina", "west_mayo", "claremorris_swinford", None]
    for day in range(14):
        at = h.clock.now - dt.timedelta(days=day, hours=1)
        for i in range(18 + (day * 7) % 11):
            kind = "routed" if i % 9 else "fallback"
            service = [services[(i + day) % len(services)]] if kind == "routed" else []
            h.insights.record_turn(
                f"c{day}-{i}", at, kind, service, areas[i % len(areas)],
                "ga" if i % 10 == 3 else "en", i % 6 != 0,
            )  # fmt: skip
        if day % 4 == 0:
            h.insights.record_turn(f"e{day}", at, "emergency", [], None, "en", True)
    unclear = [
        "could someone walk the dog for me",
        "can somebody walk the dog",
        "who do I ring about the bins",
        "my name is Mary Walsh and my number is 087 123 4567, can you help",
        "when is the bin collected",
        "is the library open on saturday",
    ]
    for i, text in enumerate(unclear):
        at = h.clock.now - dt.timedelta(hours=i * 5 + 1)
        h.insights.record_not_understood(f"u{i}", at, text, "clarify" if i == 2 else "fallback")
    await h.insights.flush()
    return refs


@pytest.fixture
async def server(harness: StaffHarness) -> AsyncIterator[TestServer]:
    app = build_app(harness, staff_settings(can_edit_routing=True))
    async with TestServer(app, host="127.0.0.1") as running:
        yield running


@pytest.fixture
def chromium() -> Iterator[None]:
    yield None


async def _browser(playwright, **context: object):  # type: ignore[no-untyped-def]
    browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    page_context = await browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True, **context
    )
    blocked: list[str] = []

    async def loopback_only(route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        host = urlparse(url).hostname or ""
        if url.startswith(("data:", "blob:")) or host in LOOPBACK:
            await route.continue_()
        else:
            blocked.append(url)
            await route.abort()

    await page_context.route("**/*", loopback_only)
    return browser, page_context, blocked


def _save(shot: Path, name: str) -> None:
    assert shot.stat().st_size > 10_000
    DOCS.mkdir(exist_ok=True)
    shutil.copyfile(shot, DOCS / name)


async def test_a_day_on_the_staff_page(
    server: TestServer, harness: StaffHarness, tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright

    refs = await _seed(harness)
    base = str(server.make_url("")).rstrip("/")
    problems: list[str] = []
    async with async_playwright() as playwright:
        browser, context, blocked = await _browser(playwright)
        try:
            page = await context.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))

            # Refused without sign-in: every page leads to the sign-in page.
            await page.goto(f"{base}/staff/requests")
            assert page.url == f"{base}/staff/login"
            await page.get_by_text("python -m bot.staff link").wait_for(timeout=WAIT_MS)

            # Sign in with a one-time link.
            await page.goto(base + harness.link("Siobhan Byrne"))
            await page.get_by_role("button", name="Sign in as Siobhan Byrne").click()
            await page.get_by_role("heading", name="Call-back requests").wait_for(timeout=WAIT_MS)
            assert page.url == f"{base}/staff/requests"
            rows = page.locator("table.list tbody tr")
            assert await rows.count() == 5
            first = await rows.nth(0).inner_text()
            assert refs["overdue"] in first and "Overdue" in first
            shot = tmp_path / "requests.png"
            await page.screenshot(path=str(shot), full_page=True)

            # Open a request and record what happened.
            await page.get_by_role("link", name=refs["fresh"]).click()
            await page.get_by_text("Mary Walsh").wait_for(timeout=WAIT_MS)
            await page.get_by_label("Rang and sorted").check()
            await page.get_by_label("Note (optional)").fill("Shopping list taken; Castlebar Lions deliver Friday")
            await page.get_by_role("button", name="Record outcome").click()
            await page.get_by_text(f"Outcome recorded for {refs['fresh']}").wait_for(timeout=WAIT_MS)
            assert await page.get_by_text("Castlebar Lions deliver Friday").count() == 1
            stored = await harness.storage.referrals.get(refs["fresh"])
            assert stored is not None and stored.claimed_by == "Siobhan Byrne"

            # Download the list as CSV.
            await page.goto(f"{base}/staff/requests")
            async with page.expect_download() as waiting:
                await page.get_by_role("link", name="Download as CSV").click()
            download = await waiting.value
            saved = tmp_path / download.suggested_filename
            await download.save_as(str(saved))
            table = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
            assert {r["reference"] for r in table} == set(refs.values())
            assert next(r for r in table if r["reference"] == refs["fresh"])["status"] == "done"

            # Not understood: masked, grouped, newest first.
            await page.get_by_role("link", name="Not understood").click()
            await page.get_by_role("heading", name="Not understood").wait_for(timeout=WAIT_MS)
            body = await page.locator("main").inner_text()
            assert "087 123 4567" not in body and "Mary Walsh" not in body and "[phone]" in body
            assert body.index("walk the dog") < body.index("library")
            shot_unclear = tmp_path / "not-understood.png"
            await page.screenshot(path=str(shot_unclear), full_page=True)

            # Teach the bot: the dog-walking group goes to the volunteer groups.
            assert harness.routing.router.classify("can somebody walk the dog").intent is None
            await page.locator("tr", has_text="walk the dog").first.get_by_role("link", name="Teach the bot").click()
            await page.get_by_label("Service").select_option("volunteer_groups")
            await page.get_by_label("Phrase").fill("walk the dog")
            await page.get_by_role("button", name="Check it").click()
            await page.get_by_text("examples all routed correctly").wait_for(timeout=WAIT_MS)
            effect = await page.locator("p.effect").inner_text()
            assert effect.startswith("2 of 6 recorded messages would now go elsewhere")
            await page.get_by_role("button", name="Save it and reload the bot").click()
            await page.get_by_text("the bot now recognises").wait_for(timeout=WAIT_MS)
            assert harness.routing.router.classify("can somebody walk the dog").intent == "volunteer_groups"

            # The numbers, drawn by the vendored Chart.js and listed in tables.
            await page.get_by_role("link", name="Numbers").click()
            await page.get_by_role("heading", name="By day").wait_for(timeout=WAIT_MS)
            await page.wait_for_function(
                "() => window.Chart && ['chart-days', 'chart-services'].every(id => !!Chart.getChart(id))",
                timeout=WAIT_MS,
            )
            shot_numbers = tmp_path / "numbers.png"
            await page.screenshot(path=str(shot_numbers), full_page=True)

            # No script errors and no Content-Security-Policy violations so far.
            assert not problems, problems
            # A form whose CSRF token was tampered with is refused, and nothing changes.
            await page.goto(f"{base}/staff/requests/{refs['meals']}")
            await page.locator("form[action$='/claim'] input[name=csrf]").evaluate(
                "input => { input.value = 'forged-token' }"
            )
            await page.get_by_role("button", name="I'll take it").click()
            await page.get_by_text("did not come from this page").wait_for(timeout=WAIT_MS)
            stored = await harness.storage.referrals.get(refs["meals"])
            assert stored is not None and stored.claimed_by is None

            # The page in Irish (the header's language link), and the citizen's language shown.
            await page.goto(f"{base}/staff/requests")
            await page.get_by_role("link", name="Gaeilge").click()
            await page.get_by_role("heading", name="Iarratais ar ghlaoch ar ais").wait_for(timeout=WAIT_MS)
            assert await page.locator("html").get_attribute("lang") == "ga"
            row = await page.locator("tr", has_text=refs["meals"]).inner_text()
            assert "Béilí te" in row and "Béal an Átha" in row and "Gaeilge" in row
            shot_irish = tmp_path / "requests-ga.png"
            await page.screenshot(path=str(shot_irish), full_page=True)
            await page.get_by_role("link", name="English").click()
            await page.get_by_role("heading", name="Call-back requests").wait_for(timeout=WAIT_MS)

            # The audit log shows who did what.
            await page.goto(f"{base}/staff/audit")
            log = await page.locator("main").inner_text()
            for action in ("Signed in", "Recorded an outcome", "Downloaded the requests (CSV)",
                           "Taught the bot a phrase"):  # fmt: skip
                assert action in log
        finally:
            await browser.close()
    assert not blocked, blocked  # the page asked for nothing outside this machine
    assert problems == ["Failed to load resource: the server responded with a status of 403 (Forbidden)"]
    _save(shot, "staff-requests.png")
    _save(shot_unclear, "staff-not-understood.png")
    _save(shot_numbers, "staff-numbers.png")
    _save(shot_irish, "staff-requests-ga.png")


# ---- Entra ID through the browser ----------------------------------------------------------------
@pytest.fixture
def issuer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OidcIssuer]:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    provider = OidcIssuer(tmp_path).start()
    yield provider
    provider.stop()


@pytest.mark.parametrize(
    "tenant, groups, expect",
    [(TENANT, [STAFF_GROUP], "Signed in as Aoife Ní Mháille"),
     (OTHER_TENANT, [STAFF_GROUP], "it belongs to another organisation")],
    ids=["council-account", "other-tenant"],
)  # fmt: skip
async def test_entra_sign_in_in_the_browser(
    harness: StaffHarness, issuer: OidcIssuer, tenant: str, groups: list[str], expect: str
) -> None:
    from playwright.async_api import async_playwright

    port = unused_port()
    entra = EntraSettings(
        tenant_id=TENANT,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        public_url=f"http://127.0.0.1:{port}",
        groups=(STAFF_GROUP,),
        authority_host=issuer.base_url,
        verify=str(issuer.ca_file),
    )
    app = build_app(harness, staff_settings(entra=entra, session_key=secrets.token_bytes(32)))
    issuer.sign_in_as("Aoife Ní Mháille", tenant=tenant, groups=groups)
    async with TestServer(app, host="127.0.0.1", port=port):
        async with async_playwright() as playwright:
            # The local provider's certificate is its own: this browser is told to accept it.
            browser, context, blocked = await _browser(playwright, ignore_https_errors=True)
            try:
                page = await context.new_page()
                await page.goto(f"http://127.0.0.1:{port}/staff/requests")
                await page.get_by_role("link", name="Sign in with your council account").click()
                await page.get_by_text(expect).wait_for(timeout=WAIT_MS)
                signed_in = await page.get_by_role("heading", name="Call-back requests").count()
                assert signed_in == (1 if tenant == TENANT else 0)
            finally:
                await browser.close()
    assert not blocked and issuer.token_requests == 1
