"""Bot Framework authentication built from settings: inbound token validation and the
credentials for outbound calls. The only place that knows the SDK's auth classes."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import jwt
import requests
from botbuilder.schema import Activity
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    BotFrameworkAuthenticationFactory,
    ClaimsIdentity,
    ConnectorFactory,
    EmulatorValidation,
    ManagedIdentityServiceClientCredentialsFactory,
    PasswordServiceClientCredentialFactory,
    ServiceClientCredentialsFactory,
    UserTokenClient,
)

from config.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AuthEndpoints:
    """Where tokens come from and are checked. Defaults are the Azure public cloud; tests
    point them at a local issuer (its own key, OpenID configuration and JWKS)."""

    login_url: str = AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL
    oauth_scope: str = AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE
    token_issuer: str = AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER
    openid_metadata_url: str = AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
    emulator_openid_metadata_url: str = (
        AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL
    )
    oauth_url: str = AuthenticationConstants.OAUTH_URL
    validate_authority: bool = True


class TokenRejected(PermissionError):
    """An inbound request's token is missing or not acceptable. ``reason`` is short and safe
    to return to the caller (it names the check that failed, never the token)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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


class CheckedAuthentication(BotFrameworkAuthentication):
    """The SDK's parameterised authentication with the checks 4.17.1 leaves out.

    Before the SDK: an absent or blank header is refused when an app id is set (the SDK
    crashes on ``""`` with AttributeError, and lets a non-Bearer scheme through to a vague
    "Identity missing"); the token must be a JWT with a key id from an accepted issuer.
    After the SDK (signature against the issuer's JWKS, expiry, ``aud`` equal to the app
    id, channel endorsements on the signing key, ``serviceurl``): a channel token's
    ``serviceurl`` claim must equal the activity's ``serviceUrl``, checked here as well so
    it does not depend on which SDK path validated the token. Every refusal is a
    :class:`TokenRejected` with a short reason.
    """

    def __init__(
        self, inner: BotFrameworkAuthentication, *, enabled: bool, channel_issuer: str
    ) -> None:
        self._inner = inner
        self._enabled = enabled
        self._channel_issuer = channel_issuer

    async def authenticate_request(
        self, activity: Activity, auth_header: str | None
    ) -> AuthenticateRequestResult:
        header = (auth_header or "").strip()
        if not header:
            if self._enabled:
                raise TokenRejected("missing Authorization header")
            return await self._inner.authenticate_request(activity, None)  # local mode
        token = _bearer_token(header)
        claims = _unverified_claims(token)
        issuer = claims.get("iss")
        if issuer != self._channel_issuer and issuer not in _EMULATOR_ISSUERS:
            raise TokenRejected("wrong token issuer")
        try:
            result = await self._inner.authenticate_request(activity, f"Bearer {token}")
        except TokenRejected:
            raise
        except requests.RequestException as error:
            raise AuthUnavailable(f"could not fetch the token signing keys: {error}") from error
        except Exception as error:  # the SDK raises bare Exception, PermissionError, jwt errors
            raise TokenRejected(reason_for(error)) from error
        identity = result.claims_identity
        if identity is None or not identity.is_authenticated:
            raise TokenRejected("token not accepted")
        if identity.claims.get("iss") == self._channel_issuer:
            if identity.claims.get(AuthenticationConstants.SERVICE_URL_CLAIM) != activity.service_url:
                raise TokenRejected(
                    "token serviceurl claim does not match the activity's serviceUrl"
                )
        return result

    # Everything else is the SDK's.
    async def authenticate_streaming_request(
        self, auth_header: str, channel_id_header: str
    ) -> AuthenticateRequestResult:
        return await self._inner.authenticate_streaming_request(auth_header, channel_id_header)

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return self._inner.create_connector_factory(claims_identity)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        return await self._inner.create_user_token_client(claims_identity)

    def create_bot_framework_client(self) -> Any:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return self._inner.get_originating_audience()

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self._inner.authenticate_channel_request(auth_header)


@dataclass(frozen=True, slots=True)
class AuthSetup:
    """What the adapter needs: the SDK's inbound validator and the outbound credentials."""

    authentication: BotFrameworkAuthentication
    credentials_factory: ServiceClientCredentialsFactory
    endpoints: AuthEndpoints
    enabled: bool


def _login_url(settings: Settings, endpoints: AuthEndpoints) -> str:
    if settings.app_type == "SingleTenant" and endpoints == AuthEndpoints():
        return AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL_PREFIX + settings.tenant_id
    return endpoints.login_url


def _credentials_factory(settings: Settings) -> ServiceClientCredentialsFactory:
    if not settings.auth_enabled:
        return PasswordServiceClientCredentialFactory()
    if settings.app_type == "UserAssignedMSI":
        return ManagedIdentityServiceClientCredentialsFactory(settings.app_id)
    tenant = settings.tenant_id if settings.app_type == "SingleTenant" else None
    return PasswordServiceClientCredentialFactory(
        settings.app_id, settings.app_password, tenant
    )


def build_auth(settings: Settings, endpoints: AuthEndpoints | None = None) -> AuthSetup:
    """Build inbound and outbound authentication for the configured app type."""
    endpoints = endpoints or AuthEndpoints()
    factory = _credentials_factory(settings)
    login_url = _login_url(settings, endpoints)
    endpoints = AuthEndpoints(
        login_url=login_url,
        oauth_scope=endpoints.oauth_scope,
        token_issuer=endpoints.token_issuer,
        openid_metadata_url=endpoints.openid_metadata_url,
        emulator_openid_metadata_url=endpoints.emulator_openid_metadata_url,
        oauth_url=endpoints.oauth_url,
        validate_authority=endpoints.validate_authority,
    )
    sdk_authentication = BotFrameworkAuthenticationFactory.create(
        validate_authority=endpoints.validate_authority,
        to_channel_from_bot_login_url=endpoints.login_url,
        to_channel_from_bot_oauth_scope=endpoints.oauth_scope,
        to_bot_from_channel_token_issuer=endpoints.token_issuer,
        oauth_url=endpoints.oauth_url,
        to_bot_from_channel_open_id_metadata_url=endpoints.openid_metadata_url,
        to_bot_from_emulator_open_id_metadata_url=endpoints.emulator_openid_metadata_url,
        credential_factory=factory,
    )
    authentication = CheckedAuthentication(
        sdk_authentication, enabled=settings.auth_enabled, channel_issuer=endpoints.token_issuer
    )
    if settings.auth_enabled:
        log.info("authentication on: app type %s", settings.app_type)
    else:
        log.warning(
            "authentication is OFF: MicrosoftAppId is empty, so any caller is accepted. "
            "Use this only for local testing with the Emulator or the Agents Playground."
        )
    return AuthSetup(authentication, factory, endpoints, settings.auth_enabled)
