"""The Agents Playground's own web page in headless Chromium (Debian's ``chromium``, driven
by Playwright; every request that is not to loopback is aborted, so nothing leaves the
machine): a citizen types a request and sees the contact card. The screenshot is the one
the README shows: docs/teams-routed-request.png; and an Irish speaker's conversation, whose
screenshot docs/IRISH.md shows: docs/teams-irish-conversation.png."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.support.playground import ROOT, BotProcess, PlaygroundProcess

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = ROOT / "docs" / "teams-routed-request.png"
IRISH_SCREENSHOT = ROOT / "docs" / "teams-irish-conversation.png"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
# Generous bounds for a page to render on a slow CI machine: waits, not speed assertions.
RENDER_DEADLINE_MS = 60_000

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is not installed (`apt-get install -y chromium`; "
    "scripts/test installs it when CI=true)",
)


@pytest.fixture
def page_playground(
    bot: BotProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PlaygroundProcess]:
    """A playground of its own, so the page starts with an empty conversation."""
    process = PlaygroundProcess(f"{bot.url}/api/messages", tmp_path_factory.mktemp("page")).start()
    yield process
    process.stop()


def test_citizen_sees_the_contact_card_in_the_playground_page(
    bot: BotProcess, page_playground: PlaygroundProcess, tmp_path: Path
) -> None:
    from playwright.sync_api import Route, sync_playwright

    blocked: list[str] = []
    allowed: list[str] = []

    def loopback_only(route: Route) -> None:
        url = route.request.url
        host = urlparse(url).hostname or ""
        if url.startswith(("data:", "blob:")) or host in LOOPBACK:
            allowed.append(url)
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.route("**/*", loopback_only)
            page.goto(page_playground.url)
            page.get_by_text("Tell me in a few words").first.wait_for(timeout=RENDER_DEADLINE_MS)
            page.get_by_title("Hide log panel").click()

            box = page.get_by_role("textbox").first
            box.fill("Could someone collect my prescription from the chemist?")
            box.press("Enter")
            call = page.get_by_label("Call 094 906 4660")
            try:
                call.wait_for(timeout=RENDER_DEADLINE_MS)
            except Exception:
                page.screenshot(path=str(tmp_path / "failed.png"))
                raise AssertionError(
                    f"no contact card; page: {tmp_path / 'failed.png'}\n"
                    f"bot log (end):\n{bot.log()[-2000:]}"
                ) from None
            assert page.get_by_text("Have ready when you call:").is_visible()
            assert page.get_by_title("tel:+353949064660").count() == 1
            call.scroll_into_view_if_needed()

            shot = tmp_path / "routed.png"
            page.screenshot(path=str(shot))
        finally:
            browser.close()

    assert allowed and all(urlparse(u).hostname in LOOPBACK for u in allowed if "://" in u)
    assert shot.stat().st_size > 10_000
    SCREENSHOT.parent.mkdir(exist_ok=True)
    shutil.copyfile(shot, SCREENSHOT)


def test_an_irish_speaker_is_answered_in_irish_in_the_playground_page(
    bot: BotProcess, page_playground: PlaygroundProcess, tmp_path: Path
) -> None:
    from playwright.sync_api import Route, sync_playwright

    def loopback_only(route: Route) -> None:
        url = route.request.url
        host = urlparse(url).hostname or ""
        if url.startswith(("data:", "blob:")) or host in LOOPBACK:
            route.continue_()
        else:
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.route("**/*", loopback_only)
            page.goto(page_playground.url)
            page.get_by_text("Tell me in a few words").first.wait_for(timeout=RENDER_DEADLINE_MS)
            page.get_by_title("Hide log panel").click()

            box = page.get_by_role("textbox").first
            box.fill("Dia duit")
            box.press("Enter")
            page.get_by_text("Dia duit! Inis dom i gcúpla focal").first.wait_for(
                timeout=RENDER_DEADLINE_MS
            )
            box.fill("An féidir le duine m'oideas a bhailiú ón bpoitigéir?")
            box.press("Enter")
            call = page.get_by_label("Glaoigh ar 094 906 4660")
            try:
                call.wait_for(timeout=RENDER_DEADLINE_MS)
            except Exception:
                page.screenshot(path=str(tmp_path / "failed.png"))
                raise AssertionError(
                    f"no Irish contact card; page: {tmp_path / 'failed.png'}\n"
                    f"bot log (end):\n{bot.log()[-2000:]}"
                ) from None
            assert page.get_by_text("Bíodh seo réidh agat nuair a ghlaonn tú:").is_visible()
            assert page.get_by_text("Uaireanta", exact=True).is_visible()
            assert page.get_by_text("Have ready when you call:").count() == 0
            call.scroll_into_view_if_needed()
            shot = tmp_path / "irish.png"
            page.screenshot(path=str(shot))
        finally:
            browser.close()

    assert shot.stat().st_size > 10_000
    IRISH_SCREENSHOT.parent.mkdir(exist_ok=True)
    shutil.copyfile(shot, IRISH_SCREENSHOT)
