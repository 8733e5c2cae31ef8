"""The staff page through a running app: an aiohttp test server mounting the page on a bare
application, with real SQLite storage and a copy of the shipped routing file (so teaching
the bot can save it). Sign-in is by one-time link, as on a machine without Entra ID."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.staff import Insights, StaffEvent, StaffSettings, setup_staff
from bot.staff.signin import new_token
from bot.storage import Storage, open_database
from bot.storage.records import PAGE, NewReferral, Target
from bot.storage.staff import create_link
from routing.store import RoutingStore

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "config" / "routing.yaml"
# A Tuesday morning in opening hours (Irish time = UTC in November).
NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.timezone.utc)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Clock:
    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@dataclass
class StaffHarness:
    storage: Storage
    routing: RoutingStore
    insights: Insights
    clock: Clock
    routing_file: Path
    events: list[StaffEvent] = field(default_factory=list)
    counter: int = 0

    async def referral(
        self,
        *,
        service: str = "groceries",
        area: str | None = "castlebar",
        name: str = "Mary Walsh",
        conversation: str = "msteams/conversations/a:1",
        minutes_ago: float = 0,
        language: str = "en",
    ) -> str:
        self.counter += 1
        created = (self.clock.now - dt.timedelta(minutes=minutes_ago)).timestamp()
        referral, _ = await self.storage.referrals.create(
            NewReferral(
                submission=f"s{self.counter}",
                conversation=conversation,
                service_id=service,
                name=name,
                phone="087 123 4567",
                area=area,
                need="shopping for the week",
                citizen_ref={"conversation": {"id": conversation}},
                town="Balla",
                language=language,
            ),
            [Target(PAGE, "staff_page")],
            created,
        )
        return referral.reference

    def link(self, name: str = "Siobhan Byrne") -> str:
        token, hashed = new_token()
        now = self.clock.now.timestamp()
        self.storage.db.call_sync(lambda c: create_link(c, hashed, name, now, 600))
        return f"/staff/login/link?token={token}"


def staff_settings(**overrides: object) -> StaffSettings:
    values: dict[str, object] = {"can_edit_routing": True, "purge_interval": 3600.0}
    values.update(overrides)
    return StaffSettings(**values)  # type: ignore[arg-type]


def build_app(h: StaffHarness, settings: StaffSettings, **kw: object) -> web.Application:
    app = web.Application()
    setup_staff(
        app,
        storage=h.storage,
        routing_store=h.routing,
        settings=settings,
        clock=h.clock,
        insights=h.insights,
        on_event=h.events.append,
        **kw,  # type: ignore[arg-type]
    )
    return app


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[StaffHarness]:
    routing_file = tmp_path / "routing.yaml"
    shutil.copyfile(SHIPPED, routing_file)
    db = open_database(str(tmp_path / "var" / "helpline.db"))
    counter = iter(range(1000, 10**6))
    storage = Storage.build(db, lambda: f"MAY-{next(counter)}")
    clock = Clock()
    yield StaffHarness(
        storage=storage,
        routing=RoutingStore.load(routing_file, settle_seconds=0.0),
        insights=Insights(db, flush_seconds=0.05, clock=lambda: clock().timestamp()),
        clock=clock,
        routing_file=routing_file,
    )
    db.close()


@pytest.fixture
async def client(harness: StaffHarness) -> AsyncIterator[TestClient]:
    app = build_app(harness, staff_settings())
    async with TestClient(TestServer(app, host="127.0.0.1")) as c:
        yield c


async def csrf_of(client: TestClient, path: str) -> str:
    response = await client.get(path)
    found = CSRF.search(await response.text())
    assert found, f"no CSRF token on {path}"
    return found.group(1)


async def sign_in(client: TestClient, harness: StaffHarness, name: str = "Siobhan Byrne") -> None:
    link = harness.link(name)
    page = await client.get(link)
    body = await page.text()
    token = re.search(r'name="token" value="([^"]+)"', body)
    csrf = CSRF.search(body)
    assert token and csrf, body
    response = await client.post(
        "/staff/login/link",
        data={"token": token.group(1), "csrf": csrf.group(1)},
        allow_redirects=False,
    )
    assert response.status == 303 and response.headers["Location"] == "/staff/requests"
