"""Where the bot's tokens come from and are checked: the Azure public cloud by default, or
the endpoints named by the settings the Bot Framework SDK's own
``ConfigurationBotFrameworkAuthentication`` reads (so a sovereign cloud, or a local test
issuer, is configured the same way as for any Bot Framework bot).

| setting | meaning |
| --- | --- |
| ``ChannelService`` | ``https://botframework.azure.us`` selects the US Government cloud's defaults |
| ``ToBotFromChannelOpenIdMetadataUrl`` | OpenID metadata of the channel's token issuer |
| ``ToBotFromChannelTokenIssuer`` | ``iss`` of channel tokens |
| ``ToBotFromEmulatorOpenIdMetadataUrl`` | OpenID metadata of Emulator tokens |
| ``ToChannelFromBotLoginUrl`` | authority the bot gets its own token from |
| ``ToChannelFromBotOAuthScope`` | scope (audience) of the bot's own token |
| ``ValidateAuthority`` | ``false`` for an authority MSAL does not know (tests, private clouds) |
| ``OAuthUrl`` | the Bot Framework token service (not used by this bot; accepted) |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

PUBLIC_CLOUD = {
    "openid": "https://login.botframework.com/v1/.well-known/openidconfiguration",
    "issuer": "https://api.botframework.com",
    "emulator_openid": "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration",
    "login": "https://login.microsoftonline.com/botframework.com",
    "login_prefix": "https://login.microsoftonline.com/",
    "scope": "https://api.botframework.com",
    "oauth": "https://api.botframework.com",
}
GOVERNMENT_CLOUD = {
    "openid": "https://login.botframework.azure.us/v1/.well-known/openidconfiguration",
    "issuer": "https://api.botframework.us",
    "emulator_openid": "https://login.microsoftonline.us/cab8a31a-1906-4287-a0d8-4eef66b95f6e/v2.0/.well-known/openid-configuration",
    "login": "https://login.microsoftonline.us/MicrosoftServices.onmicrosoft.us",
    "login_prefix": "https://login.microsoftonline.us/",
    "scope": "https://api.botframework.us",
    "oauth": "https://api.botframework.azure.us",
}
GOVERNMENT_CHANNEL_SERVICE = "https://botframework.azure.us"

SETTING_NAMES = (
    "ChannelService",
    "ToBotFromChannelOpenIdMetadataUrl",
    "ToBotFromChannelTokenIssuer",
    "ToBotFromEmulatorOpenIdMetadataUrl",
    "ToChannelFromBotLoginUrl",
    "ToChannelFromBotOAuthScope",
    "ValidateAuthority",
    "OAuthUrl",
    "CallerId",
)


class ChannelSettingError(ValueError):
    """A channel endpoint setting is malformed; the message names it."""


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        return default
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ChannelSettingError(f"{name}={value!r} must be an https URL")
    return value


@dataclass(frozen=True, slots=True)
class ChannelEndpoints:
    """The endpoints in use. ``login_url`` is an authority (no ``/oauth2/...`` path);
    ``login_url_set`` says whether it was configured (SingleTenant otherwise uses the
    tenant's own authority)."""

    openid_metadata_url: str = PUBLIC_CLOUD["openid"]
    token_issuer: str = PUBLIC_CLOUD["issuer"]
    emulator_openid_metadata_url: str = PUBLIC_CLOUD["emulator_openid"]
    login_url: str = PUBLIC_CLOUD["login"]
    login_url_prefix: str = PUBLIC_CLOUD["login_prefix"]
    oauth_scope: str = PUBLIC_CLOUD["scope"]
    oauth_url: str = PUBLIC_CLOUD["oauth"]
    validate_authority: bool = True
    login_url_set: bool = False
    government: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ChannelEndpoints:
        service = env.get("ChannelService", "").strip()
        government = service.rstrip("/").lower() == GOVERNMENT_CHANNEL_SERVICE
        if service and not government:
            raise ChannelSettingError(
                f"ChannelService={service!r} is not known: leave it empty for the public cloud "
                f"or set {GOVERNMENT_CHANNEL_SERVICE} for the US Government cloud"
            )
        cloud = GOVERNMENT_CLOUD if government else PUBLIC_CLOUD
        validate = env.get("ValidateAuthority", "").strip().lower()
        if validate not in ("", "true", "false"):
            raise ChannelSettingError(f"ValidateAuthority={validate!r} must be true or false")
        login = env.get("ToChannelFromBotLoginUrl", "").strip()
        return cls(
            openid_metadata_url=_url(env, "ToBotFromChannelOpenIdMetadataUrl", cloud["openid"]),
            token_issuer=env.get("ToBotFromChannelTokenIssuer", "").strip() or cloud["issuer"],
            emulator_openid_metadata_url=_url(
                env, "ToBotFromEmulatorOpenIdMetadataUrl", cloud["emulator_openid"]
            ),
            login_url=authority(_url(env, "ToChannelFromBotLoginUrl", cloud["login"])),
            login_url_prefix=cloud["login_prefix"],
            oauth_scope=env.get("ToChannelFromBotOAuthScope", "").strip() or cloud["scope"],
            oauth_url=_url(env, "OAuthUrl", cloud["oauth"]),
            validate_authority=validate != "false",
            login_url_set=bool(login),
            government=government,
        )

    def with_login(self, login_url: str) -> ChannelEndpoints:
        return replace(self, login_url=authority(login_url), login_url_set=True)


def authority(login_url: str) -> str:
    """An MSAL authority from a login URL: the SDK's constants end in ``/oauth2/v2.0/token``."""
    trimmed = login_url.rstrip("/")
    for suffix in ("/oauth2/v2.0/token", "/oauth2/token"):
        if trimmed.endswith(suffix):
            return trimmed[: -len(suffix)]
    return trimmed
