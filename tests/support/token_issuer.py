"""A local token issuer: its own RSA key, an OpenID configuration and a JWKS served over
real HTTP, and tokens signed the way the Bot Connector signs them for a bot.

The SDK fetches the OpenID metadata and keys with blocking ``requests.get`` from inside the
event loop, so the server runs in its own thread (a server on the test's loop would
deadlock). The SDK caches metadata per URL in a class-level dict for a day, so every
issuer has a unique URL path.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from config.channel import ChannelEndpoints

# What the Bot Connector puts in ``iss`` for channel-to-bot tokens.
CHANNEL_ISSUER = "https://api.botframework.com"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class TokenIssuer:
    """Start with :meth:`start` (or use as a context manager); stop with :meth:`stop`."""

    issuer: str = CHANNEL_ISSUER
    endorsements: tuple[str, ...] = ("msteams", "emulator", "webchat")
    key: rsa.RSAPrivateKey = field(default_factory=new_key)
    kid: str = field(default_factory=lambda: f"test-key-{uuid.uuid4().hex[:8]}")
    _path: str = field(default_factory=lambda: f"/issuer-{uuid.uuid4().hex}")
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    metadata_requests: int = 0

    # ---- the HTTP side ---------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{self._path}"

    @property
    def openid_metadata_url(self) -> str:
        return f"{self.base_url}/.well-known/openid-configuration"

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        jwk["endorsements"] = list(self.endorsements)
        return {"keys": [jwk]}

    def endpoints(self) -> ChannelEndpoints:
        """Inbound validation pointed at this issuer (the settings the SDK's configuration
        reads: ToBotFromChannelTokenIssuer, ToBotFromChannelOpenIdMetadataUrl ...)."""
        return ChannelEndpoints(
            token_issuer=self.issuer,
            openid_metadata_url=self.openid_metadata_url,
            emulator_openid_metadata_url=self.openid_metadata_url,
            login_url=f"{self.base_url}/login",
            login_url_set=True,
            validate_authority=False,
        )

    def start(self) -> "TokenIssuer":
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                if self.path == f"{issuer._path}/.well-known/openid-configuration":
                    issuer.metadata_requests += 1
                    body: dict[str, Any] = {
                        "issuer": issuer.issuer,
                        "jwks_uri": f"{issuer.base_url}/keys",
                        "id_token_signing_alg_values_supported": ["RS256"],
                    }
                elif self.path == f"{issuer._path}/keys":
                    body = issuer.jwks()
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="token-issuer", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> "TokenIssuer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- tokens ----------------------------------------------------------------------------
    def claims(self, app_id: str, service_url: str, **overrides: Any) -> dict[str, Any]:
        """Claims of a channel-to-bot token; an override of ``None`` drops that claim."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": app_id,
            "serviceurl": service_url,
            "nbf": now - 60,
            "iat": now - 60,
            "exp": now + 3600,
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def token(
        self,
        app_id: str,
        service_url: str,
        *,
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
        headers: dict[str, Any] | None = None,
        **claims: Any,
    ) -> str:
        """A signed JWT (``key`` defaults to this issuer's key, ``kid`` to its key id)."""
        return jwt.encode(
            self.claims(app_id, service_url, **claims),
            key or self.key,
            algorithm="RS256",
            headers={"kid": kid or self.kid, **(headers or {})},
        )

    def header(self, app_id: str, service_url: str, **kw: Any) -> str:
        return f"Bearer {self.token(app_id, service_url, **kw)}"
