"""The helpline bot with inbound authentication ON, for the benchmark.

Run by bench.run with env: PORT, MicrosoftAppId, MicrosoftAppPassword, BENCH_OPENID_URL,
BENCH_ISSUER. Every request must carry a token signed by the local test issuer at
BENCH_OPENID_URL (validated by the SDK's parameterised authentication, keys cached). The
outbound token comes from a cached credential, as the issue allows: there is no Entra ID
here to ask for one.
"""

from __future__ import annotations

import dataclasses
import logging
import os

from aiohttp import web
from botframework.connector.auth import PasswordServiceClientCredentialFactory

from bot.auth import AuthEndpoints
from bot.lifecycle import settle_heap
from bot.server import AUTH, create_app
from config.settings import Settings


class _CachedCredential:
    def get_access_token(self, force_refresh: bool = False) -> str:
        return "bench-outbound-token"


class CachedCredentialsFactory(PasswordServiceClientCredentialFactory):
    async def create_credentials(self, app_id, oauth_scope, login_endpoint, validate_authority):  # type: ignore[no-untyped-def]
        return _CachedCredential()


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    settings = Settings.from_env(os.environ)
    openid = os.environ["BENCH_OPENID_URL"]
    endpoints = AuthEndpoints(
        token_issuer=os.environ["BENCH_ISSUER"],
        openid_metadata_url=openid,
        emulator_openid_metadata_url=openid,
        login_url=openid.rsplit("/.well-known", 1)[0] + "/login",
        validate_authority=False,
    )
    app = create_app(settings, endpoints=endpoints)
    auth = app[AUTH]
    app[AUTH] = dataclasses.replace(
        auth,
        credentials_factory=CachedCredentialsFactory(settings.app_id, settings.app_password),
    )
    app.on_startup.append(settle_heap)  # as app.py does
    web.run_app(app, host="127.0.0.1", port=settings.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
