"""Posting a referral to a webhook destination: personal data, so it goes only where the
routing file says, and the receiver can prove it came from the helpline (issue 12, point 5).

- **No redirects.** A 3xx answer is a failure (``redirect_307``, not retried): following it
  would re-send the personal data and the signature to a host nobody configured.
- **HTTPS only**; plain HTTP only to a loopback address (a local relay).
- **No private or link-local addresses** unless the destination says
  ``allow_private_network: true``: the host is resolved and *every* address it has is
  checked (loopback, 10/8, 172.16/12, 192.168/16, 169.254/16 with the cloud metadata
  service, fc00::/7, fe80::/10, and anything else that is not a public address), and the
  request is then sent to a checked address (the host name still names the server for TLS
  and in ``Host``), so a second DNS answer cannot point it elsewhere.
- **Signed with a timestamp.** ``X-Helpline-Timestamp: <unix seconds>`` and, when the
  destination has a secret, ``X-Helpline-Signature: sha256=<hex HMAC-SHA256 of
  "<timestamp>.<raw body>">``. The receiver recomputes the HMAC over exactly the bytes it
  received, compares with ``hmac.compare_digest``, and refuses a timestamp more than 5
  minutes from its clock; a repeated ``Idempotency-Key`` within that window is the same
  referral (delivery is at least once). README, "Webhook receivers", has a complete one.

:func:`post_webhook` is the whole of it; ``bot/referrals/delivery.py`` builds the body and
headers and calls it. ``tests/referrals/test_webhook.py`` runs it against real local servers.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import socket
import time
from collections.abc import Callable, Mapping
from urllib.parse import SplitResult, urlsplit, urlunsplit

import aiohttp

from .errors import DeliveryFailed

TIMESTAMP_HEADER = "X-Helpline-Timestamp"
SIGNATURE_HEADER = "X-Helpline-Signature"
# Statuses worth another try later; any other 4xx is a refusal.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Helpline-Signature`` value: ``sha256=`` and the hex HMAC-SHA256, keyed with
    ``secret``, of the timestamp, a full stop and the raw body."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _is_loopback_host(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_public(address: IPAddress) -> bool:
    """True for an address on the public internet (not loopback, private, link-local,
    shared, reserved, multicast or unspecified; IPv4-mapped IPv6 judged as IPv4)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (a literal address: itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise DeliveryFailed("webhook_host_not_found") from None  # DNS may be back later
    found: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if address not in found:
            found.append(address)
    if not found:
        raise DeliveryFailed("webhook_host_not_found")
    return found


def checked_addresses(addresses: list[IPAddress], allow_private: bool) -> list[IPAddress]:
    """``addresses`` when every one may be posted to; refuses them all if one may not."""
    if not allow_private and not all(is_public(a) for a in addresses):
        raise DeliveryFailed("webhook_private_address", retryable=False)
    return addresses


def _url_for(parts: SplitResult, address: IPAddress, port: int) -> str:
    """The destination URL with ``address`` in place of the host name."""
    host = f"[{address}]" if address.version == 6 else str(address)
    return urlunsplit(parts._replace(netloc=f"{host}:{port}"))


async def post_webhook(
    session: aiohttp.ClientSession,
    destination_url: str,
    body_bytes: bytes,
    headers: Mapping[str, str],
    *,
    timeout: float,
    secret: str | None,
    allow_private: bool,
    now: Callable[[], float] = time.time,
) -> None:
    """POST ``body_bytes`` to ``destination_url`` with ``headers`` plus the timestamp and (with
    a ``secret``) signature headers, within ``timeout`` seconds in all (DNS included).
    Returns on a 2xx answer; raises :class:`DeliveryFailed` otherwise (``retryable`` says
    whether a later try could succeed)."""
    parts = urlsplit(destination_url)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise DeliveryFailed("webhook_url_invalid", retryable=False) from None
    if not host or parts.scheme not in ("https", "http") or parts.username or parts.password:
        raise DeliveryFailed("webhook_url_invalid", retryable=False)
    if parts.scheme == "http" and not _is_loopback_host(host):
        raise DeliveryFailed("webhook_not_https", retryable=False)
    timestamp = str(int(now()))
    sent_headers = {**headers, TIMESTAMP_HEADER: timestamp}
    if secret:
        sent_headers[SIGNATURE_HEADER] = sign(secret, timestamp, body_bytes)
    # The configured name stays in Host (and names the server for TLS) while the connection
    # goes to an address checked above.
    sent_headers["Host"] = parts.netloc.rpartition("@")[2]
    try:
        async with asyncio.timeout(timeout):
            addresses = checked_addresses(await resolve(host, port), allow_private)
            await _post_to_first(session, parts, addresses, port, host, body_bytes, sent_headers)
    except TimeoutError:
        raise DeliveryFailed("timeout") from None


async def _post_to_first(
    session: aiohttp.ClientSession,
    parts: SplitResult,
    addresses: list[IPAddress],
    port: int,
    host: str,
    body: bytes,
    headers: dict[str, str],
) -> None:
    """Try the addresses in turn until one accepts a connection, then post once."""
    https = parts.scheme == "https"
    last: Exception | None = None
    for address in addresses:
        try:
            async with session.post(
                _url_for(parts, address, port),
                data=body,
                headers=headers,
                allow_redirects=False,
                server_hostname=host if https else None,
            ) as response:
                status = response.status
        except aiohttp.ClientConnectorError as error:  # nothing was sent: try the next one
            last = error
            continue
        except aiohttp.ClientError as error:
            raise DeliveryFailed(type(error).__name__) from None
        if 300 <= status < 400:
            raise DeliveryFailed(f"redirect_{status}", retryable=False)
        if status >= 400:
            raise DeliveryFailed(f"http_{status}", retryable=status in RETRY_STATUSES)
        return
    raise DeliveryFailed(type(last).__name__ if last else "webhook_unreachable")
