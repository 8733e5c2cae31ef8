"""GET /healthz, /readyz and /metrics."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient
from prometheus_client.parser import text_string_to_metric_families

from bot.referrals.codes import new_reference
from bot.storage import Storage, open_database
from bot.web.app import GATE
from tests.support import activities as act
from tests.support.connector import ConnectorStandIn

from .conftest import MakeClient


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def test_healthz_is_liveness_with_config_status(client: TestClient) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    data = await response.json()
    assert data["status"] == "ok" and data["config"]["status"] == "ok"


async def test_readyz_checks_config_and_storage(client: TestClient) -> None:
    response = await client.get("/readyz")
    data = await response.json()
    assert response.status == 200, data
    assert data["status"] == "ready"
    assert data["checks"]["storage"] == "ok" and data["checks"]["config"] == "ok"


def _faulty_database(folder: Path, trigger_action: str) -> Storage:
    """A real SQLite database whose state table misbehaves the way a failing disk or a
    broken replica would: a trigger refuses or silently drops every write."""
    db = open_database(str(folder / "helpline.db"))

    def sabotage(conn) -> None:  # type: ignore[no-untyped-def]
        for event in ("INSERT", "UPDATE"):
            conn.execute(
                f"CREATE TRIGGER refuse_{event.lower()} BEFORE {event} ON bot_state "
                f"BEGIN SELECT RAISE({trigger_action}); END"
            )

    db.call_sync(sabotage)
    return Storage.build(db, new_reference)


async def test_readyz_fails_when_storage_cannot_be_written(
    make_client: MakeClient, tmp_path: Path
) -> None:
    cases = (
        (_faulty_database(tmp_path / "refusing", "ABORT, 'disk full'"), "IntegrityError"),
        (_faulty_database(tmp_path / "forgetful", "IGNORE"), "did not return"),
    )
    for storage, words in cases:
        client = await make_client(storage=storage)
        response = await client.get("/readyz")
        assert response.status == 503
        data = await response.json()
        assert data["status"] == "not ready" and words in data["checks"]["storage"]
        assert (await client.get("/healthz")).status == 200, "alive, just not ready"


async def test_readyz_is_not_ready_while_shutting_down(client: TestClient) -> None:
    client.server.app[GATE].draining = True
    response = await client.get("/readyz")
    assert response.status == 503
    assert "shutting down" in (await response.json())["checks"]["accepting"]


async def test_metrics_count_messages_fallbacks_emergencies_and_latency(
    client: TestClient, connector: ConnectorStandIn
) -> None:
    for n, text in enumerate(
        ["could someone collect my prescription", "qwertyuiop asdf",
         "my husband has collapsed and isn't breathing", "pharmacy"]
    ):
        response = await client.post(
            "/api/messages", json=act.message(connector.url, text, conversation_id=f"c{n}")
        )
        assert response.status == 200
    await client.post("/api/messages", data=b"nope", headers={"Content-Type": "application/json"})
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.content_type == "text/plain"
    samples = _samples(await response.text())
    assert samples[("helpline_messages_total", (("intent", "prescriptions"), ("outcome", "replied")))] == 2
    assert samples[("helpline_messages_total", (("intent", "none"), ("outcome", "replied")))] == 1
    assert samples[("helpline_messages_total", (("intent", "emergency"), ("outcome", "replied")))] == 1
    assert samples[("helpline_fallbacks_total", ())] == 1
    assert samples[("helpline_emergencies_total", ())] == 1
    assert samples[("helpline_replies_total", (("kind", "routed"),))] == 2
    assert samples[("helpline_turn_latency_seconds_count", (("type", "message"),))] == 4
    assert samples[("helpline_requests_refused_total", (("status", "400"),))] == 1
    assert samples[("helpline_config_ok", ())] == 1
    assert samples[("helpline_config_loaded_timestamp_seconds", ())] > 1.7e9
    assert samples[("helpline_turns_in_flight", ())] == 0


async def test_config_reload_failure_shows_in_metrics(
    make_client: MakeClient, tmp_path: Path, connector: ConnectorStandIn
) -> None:
    from tests.bot.conftest import SHIPPED_ROUTING

    routing = tmp_path / "routing.yaml"
    routing.write_text(SHIPPED_ROUTING.read_text(encoding="utf-8"), encoding="utf-8")
    client = await make_client(routing_file=routing)
    routing.write_text("services: [oops\n", encoding="utf-8")
    store = client.server.app  # the watcher runs every 0.2 s; check once, directly
    from bot.web.app import STORE

    await store[STORE].check_once()
    samples = _samples(await (await client.get("/metrics")).text())
    assert samples[("helpline_config_ok", ())] == 0
    # Still serving the last good table.
    assert (await client.post("/api/messages", json=act.message(connector.url, "pharmacy"))).status == 200


async def test_each_app_has_its_own_registry(make_client: MakeClient, connector: ConnectorStandIn) -> None:
    first = await make_client()
    second = await make_client()
    await first.post("/api/messages", json=act.message(connector.url, "pharmacy"))
    one = _samples(await (await first.get("/metrics")).text())
    two = _samples(await (await second.get("/metrics")).text())
    key = ("helpline_messages_total", (("intent", "prescriptions"), ("outcome", "replied")))
    assert one[key] == 1 and key not in two
