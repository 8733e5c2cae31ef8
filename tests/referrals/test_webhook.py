"""Issue 12, point 5: webhook delivery (bot/referrals/webhook.py) against real local servers.
No redirect is followed, only https (http to loopback), no private or link-local address
unless the destination allows it, and every request carries a signed timestamp that the
receiver in README ("Webhook receivers") checks, refusing replays older than 5 minutes."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bot.referrals.codes import find_reference
from bot.referrals.delivery import DeliveryFailed as DeliveryFailedFromDelivery
from bot.referrals.errors import DeliveryFailed
from bot.referrals.webhook import checked_addresses, post_webhook, sign
from tests.support.connector import ConnectorStandIn

from .conftest import AppFactory, referral_store
from .support import ROOT, SECRET_ENV, Citizen, request_callback, routing_with_referrals

SECRET = "receiver-test-secret"
BODY = json.dumps(
    {"reference": "MAY-7K3Q", "service": {"id": "groceries"}, "name": "Mary Walsh"}
).encode()
HEADERS = {"Content-Type": "application/json", "Idempotency-Key": "key-1"}


class Recorder:
    """A real HTTP server that records what reaches it and answers ``status`` (a redirect
    to ``location`` for 3xx)."""

    def __init__(self, status: int = 200, location: str = "") -> None:
        self.status = status
        self.location = location
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.server: TestServer | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        self.requests.append((dict(request.headers), await request.read()))
        headers = {"Location": self.location} if self.location else None
        return web.Response(status=self.status, headers=headers, text="{}")

    async def start(self, ssl_context: ssl.SSLContext | None = None) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server(ssl=ssl_context)
        scheme = "https" if ssl_context else "http"
        return f"{scheme}://127.0.0.1:{self.server.port}/hook"

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()


@pytest.fixture
async def recorders() -> AsyncIterator[list[Recorder]]:
    started: list[Recorder] = []
    yield started
    for recorder in started:
        await recorder.close()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


async def _post(session: aiohttp.ClientSession, url: str, **kw: Any) -> None:
    options: dict[str, Any] = {"timeout": 5.0, "secret": SECRET, "allow_private": False, **kw}
    await post_webhook(session, url, BODY, HEADERS, **options)


# ---- redirects ------------------------------------------------------------------------------
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_redirect_is_a_failure_and_is_not_followed(
    session: aiohttp.ClientSession, recorders: list[Recorder], status: int
) -> None:
    elsewhere = Recorder()
    recorders.append(elsewhere)
    other_url = await elsewhere.start()
    redirecting = Recorder(status, location=other_url)
    recorders.append(redirecting)
    url = await redirecting.start()
    with pytest.raises(DeliveryFailed) as raised:
        await _post(session, url, allow_private=True)
    assert raised.value.kind == f"redirect_{status}" and not raised.value.retryable
    assert len(redirecting.requests) == 1
    assert elsewhere.requests == []  # the personal data and signature went nowhere else


async def test_the_outbox_gives_up_on_a_redirecting_webhook(
    tmp_path: Path,
    connector: ConnectorStandIn,
    make_client: AppFactory,
    secret: str,
    recorders: list[Recorder],
) -> None:
    elsewhere = Recorder()
    recorders.append(elsewhere)
    redirecting = Recorder(307, location=await elsewhere.start())
    recorders.append(redirecting)
    url = await redirecting.start()
    routing = routing_with_referrals(tmp_path / "routing.yaml", webhook_url=url, to=("case_system",))
    client = await make_client(routing, referral_max_attempts=3)
    confirmed = await request_callback(Citizen(client, connector))
    reference = find_reference(confirmed["text"])
    store = referral_store(client)
    for _ in range(200):
        [delivery] = await store.deliveries_of(reference)
        if delivery.status == "failed":
            break
        await asyncio.sleep(0.02)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 1, "redirect_307")
    assert len(redirecting.requests) == 1 and elsewhere.requests == []


# ---- https, and which addresses -------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    ["http://192.0.2.10/hook", "http://example.com/hook", "http://10.1.2.3/hook", "ftp://x.ie/"],
    ids=["http-public-address", "http-host-name", "http-private", "not-http"],
)
async def test_only_https_leaves_this_machine(session: aiohttp.ClientSession, url: str) -> None:
    with pytest.raises(DeliveryFailed) as raised:
        await _post(session, url, allow_private=True)
    assert raised.value.kind in ("webhook_not_https", "webhook_url_invalid")
    assert not raised.value.retryable


@pytest.mark.parametrize(
    "url",
    [
        "https://10.1.2.3/hook",
        "https://172.16.5.4/hook",
        "https://192.168.1.20/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://100.64.0.1/hook",
        "https://0.0.0.0/hook",
        "https://[fe80::1]/hook",
        "https://[fd00::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://[::1]/hook",
        "https://localhost/hook",
    ],
    ids=[
        "10", "172.16", "192.168", "link-local-metadata", "shared", "unspecified",
        "ipv6-link-local", "ipv6-unique-local", "ipv4-mapped-private", "ipv6-loopback",
        "localhost-name",
    ],
)
async def test_private_and_link_local_addresses_are_refused(
    session: aiohttp.ClientSession, url: str
) -> None:
    with pytest.raises(DeliveryFailed) as raised:
        await _post(session, url, timeout=2.0)
    assert raised.value.kind == "webhook_private_address" and not raised.value.retryable


async def test_a_local_server_is_reached_only_when_allowed(
    session: aiohttp.ClientSession, recorders: list[Recorder]
) -> None:
    recorder = Recorder()
    recorders.append(recorder)
    url = await recorder.start()
    with pytest.raises(DeliveryFailed):
        await _post(session, url)  # 127.0.0.1 is not public
    assert recorder.requests == []
    await _post(session, url.replace("127.0.0.1", "localhost"), allow_private=True)
    [(headers, body)] = recorder.requests
    assert body == BODY and headers["Host"] == url.split("/")[2].replace("127.0.0.1", "localhost")


@pytest.mark.parametrize(
    "addresses",
    [["93.184.216.34", "10.0.0.7"], ["2606:2800:220:1::1", "fe80::1"], ["93.184.216.34", "127.0.0.1"]],
    ids=["ipv4-mixed", "ipv6-mixed", "with-loopback"],
)
def test_one_private_address_among_public_ones_refuses_the_host(addresses: list[str]) -> None:
    parsed = [ipaddress.ip_address(a) for a in addresses]
    with pytest.raises(DeliveryFailed):
        checked_addresses(parsed, allow_private=False)
    assert checked_addresses(parsed, allow_private=True) == parsed
    assert checked_addresses(parsed[:1], allow_private=False) == parsed[:1]


def _tls_files(directory: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed certificate for "localhost": the server's context and a client context
    that trusts only it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_path, key_path)
    client = ssl.create_default_context(cafile=str(cert_path))
    return server, client


async def test_https_goes_to_the_checked_address_and_verifies_the_host_name(
    tmp_path: Path, recorders: list[Recorder]
) -> None:
    server_context, client_context = _tls_files(tmp_path)
    recorder = Recorder()
    recorders.append(recorder)
    url = (await recorder.start(server_context)).replace("127.0.0.1", "localhost")
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=client_context)) as tls:
        await _post(tls, url, allow_private=True)  # the certificate names "localhost"
        assert len(recorder.requests) == 1
        with pytest.raises(DeliveryFailed) as raised:  # a name the certificate does not hold
            await _post(tls, url.replace("localhost", "127.0.0.1"), allow_private=True)
        assert raised.value.kind.startswith("Client")
    assert len(recorder.requests) == 1


async def test_a_webhook_that_never_answers_times_out(session: aiohttp.ClientSession) -> None:
    release = asyncio.Event()
    held: list[asyncio.StreamWriter] = []

    async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)
        await release.wait()
        writer.close()

    server = await asyncio.start_server(hang, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        with pytest.raises(DeliveryFailed) as raised:
            await _post(session, f"http://127.0.0.1:{port}/hook", allow_private=True, timeout=0.3)
        assert raised.value.kind == "timeout" and raised.value.retryable
    finally:
        release.set()
        await asyncio.sleep(0)
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


def test_delivery_failed_is_still_importable_from_delivery() -> None:
    assert DeliveryFailedFromDelivery is DeliveryFailed


# ---- the signature, checked by the receiver README shows ------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def readme_receiver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The receiver program from README ("Webhook receivers"), running; yields its URL."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- webhook-receiver[^>]*-->\n```python\n(.*?)```", readme, re.S)
    assert found, "README has no webhook receiver"
    program = tmp_path_factory.mktemp("receiver") / "receiver.py"
    program.write_text(found.group(1), encoding="utf-8")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, str(program), str(port)],
        env={**os.environ, "HELPLINE_WEBHOOK_SECRET": SECRET},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/referrals"
    finally:
        proc.terminate()
        proc.wait(10)


async def test_the_readme_receiver_accepts_a_signed_request_once(
    session: aiohttp.ClientSession, readme_receiver: str
) -> None:
    await _post(session, readme_receiver, allow_private=True, timeout=5.0)
    # The same request again (at-least-once delivery): accepted as a duplicate.
    await _post(session, readme_receiver, allow_private=True, timeout=5.0)
    async with session.post(
        readme_receiver, data=BODY, headers={**HEADERS, "X-Helpline-Timestamp": str(int(time.time())),
        "X-Helpline-Signature": sign(SECRET, str(int(time.time())), BODY)},
    ) as response:
        assert (await response.json()) == {"status": "already have it"}


@pytest.mark.parametrize(
    "age, accepted",
    [(0, True), (290, True), (-290, True), (301, False), (3600, False), (-301, False)],
    ids=["now", "nearly-5-min-old", "clock-skew", "over-5-min-old", "an-hour-old", "from-the-future"],
)
async def test_the_readme_receiver_refuses_replays_older_than_5_minutes(
    session: aiohttp.ClientSession, readme_receiver: str, age: int, accepted: bool
) -> None:
    headers = {**HEADERS, "Idempotency-Key": f"age-{age}"}
    options: dict[str, Any] = {"timeout": 5.0, "secret": SECRET, "allow_private": True}
    send = post_webhook(session, readme_receiver, BODY, headers, now=lambda: time.time() - age, **options)
    if accepted:
        await send
    else:
        with pytest.raises(DeliveryFailed) as raised:
            await send
        assert raised.value.kind == "http_401" and not raised.value.retryable


@pytest.mark.parametrize(
    "tamper",
    ["body", "timestamp", "secret", "no-signature", "old-scheme"],
)
async def test_the_readme_receiver_refuses_what_the_secret_did_not_sign(
    session: aiohttp.ClientSession, readme_receiver: str, tamper: str
) -> None:
    timestamp = str(int(time.time()))
    body, signature = BODY, sign(SECRET, timestamp, BODY)
    headers = {**HEADERS, "Idempotency-Key": f"tamper-{tamper}", "X-Helpline-Timestamp": timestamp}
    if tamper == "body":
        body = BODY.replace(b"Mary", b"Mark")
    elif tamper == "timestamp":
        headers["X-Helpline-Timestamp"] = str(int(timestamp) + 1)
    elif tamper == "secret":
        signature = sign("another-secret", timestamp, BODY)
    elif tamper == "old-scheme":  # HMAC of the body alone, as before issue 12
        import hashlib
        import hmac

        signature = "sha256=" + hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    if tamper != "no-signature":
        headers["X-Helpline-Signature"] = signature
    async with session.post(readme_receiver, data=body, headers=headers) as response:
        assert response.status == 401


async def test_the_bot_and_the_readme_receiver_agree_end_to_end(
    tmp_path: Path,
    connector: ConnectorStandIn,
    make_client: AppFactory,
    monkeypatch: pytest.MonkeyPatch,
    readme_receiver: str,
) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET)
    routing = routing_with_referrals(
        tmp_path / "routing.yaml", webhook_url=readme_receiver, to=("case_system",)
    )
    client = await make_client(routing)
    confirmed = await request_callback(Citizen(client, connector))
    reference = find_reference(confirmed["text"])
    store = referral_store(client)
    for _ in range(300):
        [delivery] = await store.deliveries_of(reference)
        if delivery.status != "pending":
            break
        await asyncio.sleep(0.02)
    assert (delivery.status, delivery.last_error) == ("delivered", None)

