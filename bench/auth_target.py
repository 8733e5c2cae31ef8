"""Start the auth-on helpline bot with a local token issuer; return it and the headers every
benchmark request carries."""

from __future__ import annotations

from bench.procs import Proc, start
from tests.support.token_issuer import TokenIssuer

APP_ID = "00000000-0000-0000-0000-00000000b07"

_issuers: list[TokenIssuer] = []  # kept alive (serving keys) for the whole run


def auth_target(connector_url: str) -> tuple[Proc, dict[str, str]]:
    issuer = TokenIssuer().start()
    _issuers.append(issuer)
    env = {
        "PORT": "{port}",
        "LOG_LEVEL": "WARNING",
        "MicrosoftAppId": APP_ID,
        "MicrosoftAppPassword": "bench-secret",
        "MicrosoftAppType": "MultiTenant",
        "BENCH_OPENID_URL": issuer.openid_metadata_url,
        "BENCH_ISSUER": issuer.issuer,
    }
    proc = start("helpline+auth", ["-m", "bench.auth_bot"], env)
    return proc, {"Authorization": issuer.header(APP_ID, connector_url)}
