from __future__ import annotations

from aiohttp.test_utils import TestClient

from .conftest import StaffHarness, sign_in


async def test_smoke(client: TestClient, harness: StaffHarness) -> None:
    ref = await harness.referral(minutes_ago=600)
    await sign_in(client, harness)
    for path in ("/staff/requests", f"/staff/requests/{ref}", "/staff/not-understood", "/staff/numbers", "/staff/audit", "/staff/teach?text=turf"):
        r = await client.get(path)
        assert r.status == 200, (path, await r.text())
