"""Start the helpline bot (``app.py`` itself) with authentication ON: every request carries a
Bot-Connector-shaped token from a local issuer, and the bot gets its own outbound token from a
local HTTPS token endpoint, both configured with the settings the SDK's configuration reads
(``ToBotFromChannelOpenIdMetadataUrl``, ``ToChannelFromBotLoginUrl``, ``ValidateAuthority``).
Returns the process and the headers every benchmark request carries."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.procs import Proc, start
from tests.support.token_endpoint import TokenEndpoint
from tests.support.token_issuer import TokenIssuer

APP_ID = "00000000-0000-0000-0000-00000000b07"
SECRET = "bench-secret"

_kept: list[object] = []  # issuer and token endpoint kept serving for the whole run


def auth_target(connector_url: str) -> tuple[Proc, dict[str, str]]:
    issuer = TokenIssuer().start()
    tokens = TokenEndpoint(Path(tempfile.mkdtemp(prefix="bench-tls-")), APP_ID, SECRET).start()
    _kept.extend((issuer, tokens))
    env = {
        "PORT": "{port}",
        "LOG_LEVEL": "WARNING",
        "MicrosoftAppId": APP_ID,
        "MicrosoftAppPassword": SECRET,
        "MicrosoftAppType": "MultiTenant",
        "ToBotFromChannelOpenIdMetadataUrl": issuer.openid_metadata_url,
        "ToBotFromChannelTokenIssuer": issuer.issuer,
        "ToBotFromEmulatorOpenIdMetadataUrl": issuer.openid_metadata_url,
        "ToChannelFromBotLoginUrl": tokens.authority,
        "ValidateAuthority": "false",
        "REQUESTS_CA_BUNDLE": str(tokens.ca_file),
    }
    proc = start("helpline+auth", ["app.py"], env)
    return proc, {"Authorization": issuer.header(APP_ID, connector_url)}
