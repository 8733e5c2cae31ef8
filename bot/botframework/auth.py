"""Inbound token validation (the SDK's public API) and the checks 4.17.1 leaves out.

The SDK validates a token's signature against the issuer's keys, its expiry, its audience
(the app id), the channel endorsements of its signing key and, for channel tokens, the
``serviceurl`` claim. Around it:

- before the SDK: an absent or blank header is refused when an app id is set (4.17.1
  crashes on ``""``), and the token must be a JWT with a key id from an accepted issuer;
- after the SDK: a channel token's ``serviceurl`` must equal the activity's ``serviceUrl``;
  a token without one (the Emulator's) may only be answered at a loopback address or one in
  ``ALLOWED_SERVICE_URLS``; the same holds with authentication off: replies never go to a
  host no token vouched for;
- every refusal is :class:`TokenRejected` with a short reason (401), never a 500; failing to
  fetch the issuer's keys is :class:`AuthUnavailable` (503): our failure, not the caller's;
- a successful validation is remembered until the token expires (``auth_cache``), so the
  channel's token, reused for an hour, is decoded once.

The SDK module imported here is ``botframework.connector.auth``; nothing else in the bot
validates tokens.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jwt
import requests
from botbuilder.schema import Activity, ChannelAccount
from botframework.connector.auth import (
    AuthenticationConfiguration,
    AuthenticationConstants,
    BotFrameworkAuthenticationFactory,
    EmulatorValidation,
    ManagedIdentityServiceClientCredentialsFactory,
    PasswordServiceClientCredentialFactory,
    ServiceClientCredentialsFactory,
)

from config.channel import ChannelEndpoints
from config.settings import Settings

from .auth_cache import ValidatedTokens

log = logging.getLogger(__name__)


class TokenRejected(Exception):
    """An inbound request's token is missing or not acceptable. ``reason`` is short and safe
    to return to the caller (it names the check that failed, never the token)."""

    def __init__(self, reason: str, status: int = 401) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class AuthUnavailable(RuntimeError):
    """The token issuer's OpenID metadata or signing keys could not be fetched: the caller's
    token may be fine, so this is our failure (503), not theirs (401)."""


# Issuers whose tokens the SDK sends to its Emulator path (validated there with the
# Emulator's OpenID metadata; the Emulator and Azure's "Test in Web Chat" use them).
_EMULATOR_ISSUERS = tuple(EmulatorValidation.TO_BOT_FROM_EMULATOR_TOKEN_VALIDATION_PARAMETERS.issuer)

# Substrings of the SDK's PermissionError/Exception messages in 4.17.1, and what they mean.
_SDK_MESSAGES = (
    ("serviceurl", "token serviceurl claim does not match the activity's serviceUrl"),
    ("invalid appid", "wrong token audience"),
    ("'aud' claim", "wrong token audience"),
    ("invalid audience", "wrong token audience"),
    ("audience", "wrong token audience"),
    ("'iss' claim", "wrong token issuer"),
    ("endorsement", "token signing key is not endorsed for this channel"),
    ("signing algorithm", "token signing algorithm not allowed"),
    ("claimsvalidator", "tokens from other bots (skills) are not accepted"),
)


def reason_for(error: BaseException) -> str:
    """A short reason, safe to show the caller, for an exception the SDK's validation raised."""
    if isinstance(error, jwt.ExpiredSignatureError):
        return "token expired"
    if isinstance(error, jwt.ImmatureSignatureError):
        return "token not valid yet"
    if isinstance(error, jwt.InvalidSignatureError):
        return "bad token signature"
    if isinstance(error, jwt.InvalidAlgorithmError):
        return "token signing algorithm not allowed"
    if isinstance(error, jwt.InvalidAudienceError):
        return "wrong token audience"
    if isinstance(error, jwt.DecodeError):
        return "malformed token"
    if isinstance(error, jwt.PyJWTError):
        return "invalid token"
    if isinstance(error, (IndexError, KeyError)):
        return "token signed with an unknown key"  # no JWKS key has the token's kid
    text = str(error).lower()
    for fragment, reason in _SDK_MESSAGES:
        if fragment in text:
            return reason
    return "token not accepted"


def _bearer_token(auth_header: str) -> str:
    scheme, _, token = auth_header.strip().partition(" ")
    if scheme != "Bearer" or not token or " " in token.strip():
        raise TokenRejected("malformed Authorization header (expected 'Bearer <token>')")
    return token.strip()


def _unverified_claims(token: str) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise TokenRejected("malformed token") from None
    if not isinstance(claims, dict) or not header.get("kid"):
        raise TokenRejected("malformed token")
    return claims


@functools.lru_cache(maxsize=256)  # a channel has a handful of service URLs
def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class Caller:
    """Who sent an activity, as far as its token says. ``trusted``: a channel token vouched
    for the conversation's service (an authenticated channel); False in local mode and for
    Emulator tokens."""

    trusted: bool
    app_id: str | None = None


def credentials_factory(settings: Settings) -> ServiceClientCredentialsFactory:
    """The SDK's view of the bot's identity, which its validation uses to check ``aud``
    (``appid``/``azp`` for Emulator tokens). Outbound tokens come from ``credentials.py``."""
    if not settings.auth_enabled:
        return PasswordServiceClientCredentialFactory()
    if settings.app_type == "UserAssignedMSI":
        return ManagedIdentityServiceClientCredentialsFactory(settings.app_id)
    tenant = settings.tenant_id if settings.app_type == "SingleTenant" else None
    return PasswordServiceClientCredentialFactory(settings.app_id, settings.app_password, tenant)


class Authenticator:
    """Checks the Authorization header of each inbound activity."""

    def __init__(self, settings: Settings, endpoints: ChannelEndpoints | None = None) -> None:
        self.enabled = settings.auth_enabled
        self.endpoints = endpoints or settings.channel
        self._allowed = tuple(u.rstrip("/") for u in settings.allowed_service_urls)
        self._sdk = BotFrameworkAuthenticationFactory.create(
            validate_authority=self.endpoints.validate_authority,
            to_channel_from_bot_login_url=self.endpoints.login_url,
            to_channel_from_bot_oauth_scope=self.endpoints.oauth_scope,
            to_bot_from_channel_token_issuer=self.endpoints.token_issuer,
            oauth_url=self.endpoints.oauth_url,
            to_bot_from_channel_open_id_metadata_url=self.endpoints.openid_metadata_url,
            to_bot_from_emulator_open_id_metadata_url=self.endpoints.emulator_openid_metadata_url,
            credential_factory=credentials_factory(settings),
            auth_configuration=AuthenticationConfiguration(),
        )
        self.validated = ValidatedTokens()
        if self.enabled:
            log.info("authentication on: app type %s", settings.app_type)
        else:
            log.warning(
                "authentication is OFF: MicrosoftAppId is empty, so any caller is accepted. "
                "Use this only for local testing with the Emulator or the Agents Playground."
            )

    @property
    def key_urls(self) -> tuple[str, ...]:
        return (self.endpoints.openid_metadata_url, self.endpoints.emulator_openid_metadata_url)

    def allowed_without_token(self, service_url: str) -> bool:
        """Replies may go to ``service_url`` though no token vouched for it."""
        return is_loopback(service_url) or service_url.rstrip("/") in self._allowed

    async def authenticate(
        self, auth_header: str | None, channel_id: str, service_url: str, *, will_send: bool = True
    ) -> Caller:
        header = (auth_header or "").strip()
        if not header:
            if self.enabled:
                raise TokenRejected("missing Authorization header")
            if will_send and not self.allowed_without_token(service_url):
                raise TokenRejected(
                    "serviceUrl not allowed without a token (loopback only; see "
                    "ALLOWED_SERVICE_URLS)",
                    status=403,
                )
            return Caller(trusted=False)
        key = (header, channel_id, service_url)
        cached = self.validated.get(key)
        if cached is not None:
            return self._caller(cached, service_url, will_send)
        token = _bearer_token(header)
        claims = _unverified_claims(token)
        issuer = claims.get("iss")
        if issuer != self.endpoints.token_issuer and issuer not in _EMULATOR_ISSUERS:
            raise TokenRejected("wrong token issuer")
        activity = Activity(
            channel_id=channel_id, service_url=service_url, recipient=ChannelAccount(id="", role="bot")
        )
        try:
            result = await self._sdk.authenticate_request(activity, f"Bearer {token}")
        except TokenRejected:
            raise
        except requests.RequestException as error:
            raise AuthUnavailable(f"could not fetch the token signing keys: {error}") from error
        except Exception as error:  # the SDK raises bare Exception, PermissionError, jwt errors
            raise TokenRejected(reason_for(error)) from error
        identity = result.claims_identity
        if identity is None or not identity.is_authenticated:
            raise TokenRejected("token not accepted")
        verified: dict[str, Any] = dict(identity.claims)
        if verified.get("iss") == self.endpoints.token_issuer:
            if verified.get(AuthenticationConstants.SERVICE_URL_CLAIM) != service_url:
                raise TokenRejected("token serviceurl claim does not match the activity's serviceUrl")
        self.validated.put(key, verified)
        return self._caller(verified, service_url, will_send)

    def _caller(self, claims: dict[str, Any], service_url: str, will_send: bool) -> Caller:
        channel_token = claims.get("iss") == self.endpoints.token_issuer
        if not channel_token and will_send and not self.allowed_without_token(service_url):
            raise TokenRejected(
                "this token does not vouch for the serviceUrl (loopback only; see "
                "ALLOWED_SERVICE_URLS)"
            )
        app_id = claims.get("appid") or claims.get("azp") or claims.get("aud")
        return Caller(trusted=channel_token, app_id=app_id if isinstance(app_id, str) else None)
