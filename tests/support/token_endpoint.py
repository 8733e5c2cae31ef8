"""A local client-credentials token endpoint over HTTPS, standing in for Microsoft Entra ID
when the bot asks for its own token (``ToChannelFromBotLoginUrl``).

MSAL only talks to an https authority: this serves one on 127.0.0.1 with a self-signed
certificate the bot is told to trust (``REQUESTS_CA_BUNDLE``). It answers MSAL's discovery
(``{authority}/v2.0/.well-known/openid-configuration``) and ``POST .../oauth2/v2.0/token``
with ``grant_type=client_credentials``; each token it mints is unique and recorded, so a
test can check that what reached the connector is exactly a token this endpoint issued to
the bot's own app id and secret, for the scope the channel expects.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate and key for 127.0.0.1 (valid a day), written to ``folder``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "token-endpoint.pem", folder / "token-endpoint.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class TokenEndpoint:
    """Start with :meth:`start`; ``authority`` is what ``ToChannelFromBotLoginUrl`` names."""

    folder: Path
    client_id: str
    client_secret: str
    tenant: str = "botframework.com"
    minted: list[str] = field(default_factory=list)
    requests: list[dict[str, list[str]]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def ca_file(self) -> Path:
        return self.folder / "token-endpoint.pem"

    @property
    def authority(self) -> str:
        assert self._server is not None
        return f"https://127.0.0.1:{self._server.server_address[1]}/{self.tenant}"

    def start(self) -> TokenEndpoint:
        cert, key = self_signed(self.folder)
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def _json(self, body: dict[str, Any], status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802
                if self.path == f"/{endpoint.tenant}/v2.0/.well-known/openid-configuration":
                    base = endpoint.authority
                    self._json(
                        {
                            "token_endpoint": f"{base}/oauth2/v2.0/token",
                            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                            "issuer": f"{base}/v2.0",
                        }
                    )
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                endpoint.requests.append(form)
                if self.path != f"/{endpoint.tenant}/oauth2/v2.0/token":
                    self._json({"error": "not_found"}, 404)
                    return
                if (
                    form.get("grant_type") != ["client_credentials"]
                    or form.get("client_id") != [endpoint.client_id]
                    or form.get("client_secret") != [endpoint.client_secret]
                ):
                    self._json({"error": "invalid_client"}, 401)
                    return
                token = f"minted-{uuid.uuid4().hex}"
                endpoint.minted.append(token)
                self._json({"access_token": token, "token_type": "Bearer", "expires_in": 3600})

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        server.daemon_threads = True
        self._server = server
        threading.Thread(target=server.serve_forever, name="token-endpoint", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@dataclass
class ManagedIdentityEndpoint:
    """Azure App Service's managed-identity endpoint (``IDENTITY_ENDPOINT`` and
    ``IDENTITY_HEADER``), as MSAL's ``ManagedIdentityClient`` calls it: plain HTTP on the
    host, a secret header, ``client_id`` naming the user-assigned identity."""

    client_id: str
    header: str = field(default_factory=lambda: uuid.uuid4().hex)
    minted: list[str] = field(default_factory=list)
    requests: list[dict[str, list[str]]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/msi/token"

    def env(self) -> dict[str, str]:
        return {"IDENTITY_ENDPOINT": self.url, "IDENTITY_HEADER": self.header}

    def start(self) -> ManagedIdentityEndpoint:
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                path, _, query = self.path.partition("?")
                params = parse_qs(query)
                endpoint.requests.append(params)
                ok = (
                    path == "/msi/token"
                    and self.headers.get("X-IDENTITY-HEADER") == endpoint.header
                    and params.get("client_id") == [endpoint.client_id]
                )
                if ok:
                    token = f"msi-{uuid.uuid4().hex}"
                    endpoint.minted.append(token)
                    body: dict[str, Any] = {
                        "access_token": token,
                        "expires_on": str(int(dt.datetime.now().timestamp()) + 3600),
                        "resource": (params.get("resource") or [""])[0],
                        "token_type": "Bearer",
                    }
                else:
                    body = {"statusCode": 400, "message": "unknown identity"}
                data = json.dumps(body).encode()
                self.send_response(200 if ok else 400)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="msi-endpoint", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
