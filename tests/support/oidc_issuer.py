"""A local OpenID Connect provider shaped like Entra ID, for the staff page's sign-in tests.

Served over real HTTPS on 127.0.0.1 with a self-signed certificate (MSAL only accepts an
https authority); the certificate file is the CA bundle the client trusts (``ca_file``). It
answers ``/{tenant}/v2.0/.well-known/openid-configuration``, the keys, the authorization
endpoint (no login screen: it signs in whoever ``user`` says, and redirects back with a code)
and the token endpoint (which checks the client secret, the redirect URI and the PKCE
verifier, and returns an ID token signed with its key). Runs in its own thread, as
tests/support/token_issuer.py does, because MSAL's HTTP calls are blocking.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import ipaddress
import json
import secrets
import ssl
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from jwt.algorithms import RSAAlgorithm

TENANT = "11111111-2222-3333-4444-555555555555"
OTHER_TENANT = "99999999-8888-7777-6666-555555555555"
CLIENT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
CLIENT_SECRET = "test-client-secret"
STAFF_GROUP = "0f0f0f0f-1111-2222-3333-444444444444"
OTHER_GROUP = "0e0e0e0e-1111-2222-3333-444444444444"
STAFF_ROLE = "Helpline.Staff"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "issuer-cert.pem", folder / "issuer-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@dataclass
class OidcIssuer:
    folder: Path
    tenant: str = TENANT
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    # Who the next sign-in is: claims merged into the ID token (tid, groups, roles, name...).
    user: dict[str, Any] = field(default_factory=dict)
    # Sign ID tokens with a key the published keys do not include (a forged token).
    forge_signature: bool = False
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    kid: str = field(default_factory=lambda: f"k-{uuid.uuid4().hex[:8]}")
    token_requests: int = 0
    _codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    ca_file: Path | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"https://127.0.0.1:{self._server.server_address[1]}"

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/{self.tenant}/v2.0"

    def sign_in_as(
        self,
        name: str = "Aoife Staff",
        *,
        tenant: str | None = None,
        groups: list[str] | None = None,
        roles: list[str] | None = None,
        **extra: Any,
    ) -> None:
        self.user = {
            "name": name,
            "preferred_username": f"{name.split()[0].lower()}@mayococo.ie",
            "oid": str(uuid.uuid4()),
            "tid": tenant or self.tenant,
            **({"groups": groups} if groups is not None else {}),
            **({"roles": roles} if roles is not None else {}),
            **extra,
        }

    def _id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now - 5,
            "nbf": now - 5,
            "exp": now + 3600,
            "sub": uuid.uuid4().hex,
            "ver": "2.0",
            "nonce": nonce,
            **self.user,
        }
        key = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if self.forge_signature
            else self.key
        )
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})

    def start(self) -> "OidcIssuer":
        cert_file, key_file = _self_signed(self.folder)
        self.ca_file = cert_file
        issuer = self
        prefix = f"/{self.tenant}"

        class Handler(BaseHTTPRequestHandler):
            def _json(self, body: dict[str, Any], status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == f"{prefix}/v2.0/.well-known/openid-configuration":
                    base = issuer.base_url
                    self._json(
                        {
                            "issuer": issuer.issuer,
                            "authorization_endpoint": f"{base}{prefix}/oauth2/v2.0/authorize",
                            "token_endpoint": f"{base}{prefix}/oauth2/v2.0/token",
                            "jwks_uri": f"{base}/keys",
                            "response_types_supported": ["code"],
                            "id_token_signing_alg_values_supported": ["RS256"],
                        }
                    )
                elif url.path == "/keys":
                    jwk = json.loads(RSAAlgorithm.to_jwk(issuer.key.public_key()))
                    jwk.update({"kid": issuer.kid, "use": "sig", "alg": "RS256"})
                    self._json({"keys": [jwk]})
                elif url.path == f"{prefix}/oauth2/v2.0/authorize":
                    code = secrets.token_urlsafe(16)
                    issuer._codes[code] = dict(query)
                    back = query["redirect_uri"] + "?" + urlencode(
                        {"code": code, "state": query.get("state", "")}
                    )
                    self.send_response(302)
                    self.send_header("Location", back)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self.send_error(404)

            def do_POST(self) -> None:  # noqa: N802
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if url.path != f"{prefix}/oauth2/v2.0/token":
                    self.send_error(404)
                    return
                issuer.token_requests += 1
                asked = issuer._codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                challenge = _b64(hashlib.sha256(verifier.encode()).digest())
                if (
                    asked is None
                    or form.get("client_id") != issuer.client_id
                    or form.get("client_secret") != issuer.client_secret
                    or form.get("redirect_uri") != asked.get("redirect_uri")
                    or asked.get("code_challenge_method") != "S256"
                    or challenge != asked.get("code_challenge")
                ):
                    self._json({"error": "invalid_grant"}, 400)
                    return
                user = issuer.user
                self._json(
                    {
                        "token_type": "Bearer",
                        "scope": "openid profile",
                        "expires_in": 3600,
                        "access_token": secrets.token_urlsafe(24),
                        "id_token": issuer._id_token(asked.get("nonce", "")),
                        "client_info": _b64(
                            json.dumps({"uid": user.get("oid"), "utid": user.get("tid")}).encode()
                        ),
                    }
                )

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="oidc-issuer", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
