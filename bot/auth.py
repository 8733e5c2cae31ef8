"""Bot Framework authentication built from settings: inbound token validation and the
credentials for outbound calls. The only place that knows the SDK's auth classes."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from botframework.connector.auth import (
    AuthenticationConstants,
    BotFrameworkAuthentication,
    BotFrameworkAuthenticationFactory,
    ManagedIdentityServiceClientCredentialsFactory,
    PasswordServiceClientCredentialFactory,
    ServiceClientCredentialsFactory,
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
    authentication = BotFrameworkAuthenticationFactory.create(
        validate_authority=endpoints.validate_authority,
        to_channel_from_bot_login_url=endpoints.login_url,
        to_channel_from_bot_oauth_scope=endpoints.oauth_scope,
        to_bot_from_channel_token_issuer=endpoints.token_issuer,
        oauth_url=endpoints.oauth_url,
        to_bot_from_channel_open_id_metadata_url=endpoints.openid_metadata_url,
        to_bot_from_emulator_open_id_metadata_url=endpoints.emulator_openid_metadata_url,
        credential_factory=factory,
    )
    if settings.auth_enabled:
        log.info("authentication on: app type %s", settings.app_type)
    else:
        log.warning(
            "authentication is OFF: MicrosoftAppId is empty, so any caller is accepted. "
            "Use this only for local testing with the Emulator or the Agents Playground."
        )
    return AuthSetup(authentication, factory, endpoints, settings.auth_enabled)
