"""Microsoft Entra ID sign-in for the staff page: OpenID Connect authorization code flow with
PKCE through MSAL, then our own checks of the ID token.

MSAL (1.38 on) no longer validates ID tokens, so :meth:`Entra.finish` does: the signature
against the tenant's published keys, the issuer, the audience (our client id), expiry, the
tenant (``tid`` must be the council's) and membership (a configured group in ``groups`` or
app role in ``roles``). MSAL checks the state and the nonce and sends the PKCE verifier.
MSAL's calls are blocking (``requests``): they run in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import warnings
from dataclasses import dataclass
from typing import Any

import jwt
import msal
import requests

from config.staff import EntraSettings

log = logging.getLogger(__name__)

_KEYS_TTL = 3600.0
_FORM_POST_ADVICE = "response_mode='form_post' is recommended"
_FLOW_KEYS = (
    "state",
    "redirect_uri",
    "scope",
    "code_verifier",
    "nonce",
    "claims_challenge",
)


class SignInRefused(Exception):
    """Sign-in did not succeed. ``reason`` is a strings.py key (``refused_*``) safe to show;
    ``who`` is the account's name when the token told us."""

    def __init__(self, reason: str, who: str = "", detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.who = who
        self.detail = detail


@dataclass(frozen=True, slots=True)
class StaffIdentity:
    name: str
    oid: str
    tenant: str


class Entra:
    """One per app. ``start()`` gives the flow to keep in the session and the address to
    send the browser to; ``finish(flow, query)`` checks the answer and returns who it is."""

    def __init__(self, settings: EntraSettings) -> None:
        # MSAL 1.39 warns on every flow that is not form_post (see _start for why it is not).
        warnings.filterwarnings("ignore", message=_FORM_POST_ADVICE, module="msal")
        self.settings = settings
        self._app: msal.ConfidentialClientApplication | None = None
        self._lock = threading.Lock()
        self._metadata: dict[str, Any] | None = None
        self._keys: dict[str, Any] = {}
        self._keys_at = 0.0

    # ---- MSAL ----------------------------------------------------------------------------
    def _msal(self) -> msal.ConfidentialClientApplication:
        with self._lock:
            if self._app is None:
                s = self.settings
                self._app = msal.ConfidentialClientApplication(
                    s.client_id,
                    client_credential=s.client_secret,
                    authority=s.authority,
                    validate_authority=s.public_cloud,
                    instance_discovery=s.public_cloud,
                    verify=s.verify,
                    token_cache=msal.TokenCache(),  # per app, never shared between staff
                )
            return self._app

    def _start(self) -> dict[str, Any]:
        # response_mode=query, not form_post: the answer must come back as a top-level GET so
        # the SameSite=Lax session cookie (holding this flow) comes with it. The code is
        # single-use, bound to this flow's PKCE verifier and useless without the client
        # secret; the callback redirects at once and no page sends a Referer.
        flow: dict[str, Any] = self._msal().initiate_auth_code_flow(
            scopes=[], redirect_uri=self.settings.redirect_uri, response_mode="query"
        )
        return flow

    async def start(self) -> tuple[dict[str, Any], str]:
        """(what to keep in the session, where to send the browser)."""
        flow = await asyncio.to_thread(self._start)
        kept = {k: flow[k] for k in _FLOW_KEYS if k in flow}
        return kept, str(flow["auth_uri"])

    async def finish(self, flow: dict[str, Any], query: dict[str, str]) -> StaffIdentity:
        return await asyncio.to_thread(self._finish, flow, query)

    def _finish(self, flow: dict[str, Any], query: dict[str, str]) -> StaffIdentity:
        try:
            result = self._msal().acquire_token_by_auth_code_flow(flow, query)
        except ValueError as error:  # state mismatch, or no flow
            raise SignInRefused("refused_flow", detail=str(error)[:200]) from None
        except RuntimeError as error:  # nonce mismatch
            raise SignInRefused("refused_token", detail=str(error)[:200]) from None
        if "error" in result or "id_token" not in result:
            detail = str(result.get("error", "no id_token"))
            raise SignInRefused("refused_flow", detail=detail)
        claims = self._verify(str(result["id_token"]))
        return self._admit(claims)

    # ---- our checks ----------------------------------------------------------------------
    def _openid(self) -> dict[str, Any]:
        if self._metadata is None:
            url = f"{self.settings.authority}/v2.0/.well-known/openid-configuration"
            response = requests.get(url, timeout=10, verify=self.settings.verify)
            response.raise_for_status()
            self._metadata = dict(response.json())
        return self._metadata

    def _key(self, kid: str) -> Any:
        now = time.monotonic()
        if kid not in self._keys or now - self._keys_at > _KEYS_TTL:
            jwks_uri = str(self._openid()["jwks_uri"])
            response = requests.get(jwks_uri, timeout=10, verify=self.settings.verify)
            response.raise_for_status()
            keys = {}
            for entry in response.json().get("keys", []):
                if entry.get("kid"):
                    keys[str(entry["kid"])] = jwt.PyJWK(entry, algorithm="RS256").key
            self._keys, self._keys_at = keys, now
        if kid not in self._keys:
            raise SignInRefused("refused_token", detail="unknown signing key")
        return self._keys[kid]

    def _verify(self, id_token: str) -> dict[str, Any]:
        s = self.settings
        try:
            header = jwt.get_unverified_header(id_token)
            key = self._key(str(header.get("kid", "")))
            metadata = self._openid()
            issuer = str(metadata["issuer"]).replace("{tenantid}", s.tenant_id)
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key,
                algorithms=["RS256"],
                audience=s.client_id,
                issuer=issuer,
                leeway=120,
                options={"require": ["exp", "iat", "iss", "aud", "tid"]},
            )
        except SignInRefused:
            raise
        except (jwt.PyJWTError, requests.RequestException, KeyError, ValueError) as error:
            raise SignInRefused("refused_token", detail=type(error).__name__) from None
        return claims

    def _admit(self, claims: dict[str, Any]) -> StaffIdentity:
        s = self.settings
        who = str(claims.get("name") or claims.get("preferred_username") or "")
        if claims.get("tid") != s.tenant_id:
            raise SignInRefused("refused_tenant", who, detail=str(claims.get("tid")))
        roles = set(claims.get("roles") or [])
        groups = set(claims.get("groups") or [])
        if roles & set(s.roles) or groups & set(s.groups):
            return StaffIdentity(name=who or str(claims.get("oid", "?")), oid=str(claims.get("oid", "")), tenant=s.tenant_id)
        names = claims.get("_claim_names")
        if s.groups and isinstance(names, dict) and "groups" in names:
            raise SignInRefused("refused_overage", who)
        raise SignInRefused("refused_access", who)
