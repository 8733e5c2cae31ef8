"""Build the Teams app package: ``appPackage/build/helpline.zip``.

    MicrosoftAppId=<bot app id> BOT_DOMAIN=<bot host name> .venv/bin/python -m tools.teams_package

Fills the bot's app id and domain into ``appPackage/manifest.json``, checks the icons, and
validates the manifest offline against Microsoft's published JSON Schema for its
``manifestVersion`` (shipped in the npm package ``@microsoft/app-manifest``; ``npm ci``
installs it). The localization files the manifest lists (``localizationInfo``: ``ga.json``,
the app's name, description and commands in Irish) are validated against the published
localization schema of the same version, and each of their keys must name a string the
manifest has. Exits 2 with a message naming what to fix.

Live chat (issue 15): the manifest asks for the resource-specific permission
``ChannelMessage.Read.Group``, so staff reply in a chat's thread without @mentioning the bot
(a team owner consents when adding the app to the team). ``--mentions-only`` builds the
package without it, for tenants that do not allow resource-specific consent: staff then
@mention the bot in the thread.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import struct
import sys
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, FormatChecker

ROOT = Path(__file__).resolve().parents[1]
APP_PACKAGE = ROOT / "appPackage"
SCHEMAS = ROOT / "node_modules" / "@microsoft" / "app-manifest" / "build" / "json-schemas" / "teams"
ICONS = {"color": (192, 192), "outline": (32, 32)}
RSC_CHANNEL_MESSAGES = "ChannelMessage.Read.Group"

_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_HOST = re.compile(r"^(?=.{1,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_PLACEHOLDER = re.compile(r"\$\{\{(\w+)\}\}")


class PackageError(Exception):
    """The package cannot be built; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class PackageInputs:
    app_id: str
    domain: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "PackageInputs":
        app_id = env.get("MicrosoftAppId", "").strip()
        domain = env.get("BOT_DOMAIN", "").strip().lower()
        if not app_id:
            raise PackageError("MicrosoftAppId is not set: use the Azure Bot's Microsoft App ID")
        if not _GUID.match(app_id):
            raise PackageError(f"MicrosoftAppId={app_id!r} is not a GUID (an Azure app id)")
        if not domain:
            raise PackageError(
                "BOT_DOMAIN is not set: use the host name of the bot's public endpoint, "
                "e.g. mayo-helpline.azurewebsites.net"
            )
        if not _HOST.match(domain):
            raise PackageError(
                f"BOT_DOMAIN={domain!r} is not a host name (no https://, no path, no port)"
            )
        return cls(app_id, domain)


def fill(template: str, inputs: PackageInputs) -> dict[str, Any]:
    values = {"MicrosoftAppId": inputs.app_id, "BOT_DOMAIN": inputs.domain}

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise PackageError(f"manifest.json uses ${{{{{name}}}}}, which the build does not fill")
        return values[name]

    return json.loads(_PLACEHOLDER.sub(replace, template))


def rsc_permissions(manifest: Mapping[str, Any]) -> list[str]:
    """The resource-specific permissions the manifest asks for."""
    permissions = (manifest.get("authorization") or {}).get("permissions") or {}
    return [str(p.get("name")) for p in permissions.get("resourceSpecific") or []]


def mentions_only(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest without ``ChannelMessage.Read.Group`` (and without the app information
    only that permission needs)."""
    out = dict(manifest)
    permissions = [
        p
        for p in (out.get("authorization") or {}).get("permissions", {}).get("resourceSpecific", [])
        if p.get("name") != RSC_CHANNEL_MESSAGES
    ]
    if permissions:
        out["authorization"] = {"permissions": {"resourceSpecific": permissions}}
    else:
        out.pop("authorization", None)
        out.pop("webApplicationInfo", None)
    return out


def check_rsc(manifest: Mapping[str, Any]) -> None:
    """Resource-specific consent is granted to the app's Entra application: its id must be
    the bot's."""
    if not rsc_permissions(manifest):
        return
    bots = manifest.get("bots") or [{}]
    info = manifest.get("webApplicationInfo") or {}
    if info.get("id") != bots[0].get("botId"):
        raise PackageError(
            "webApplicationInfo.id must be the bot's app id (${{MicrosoftAppId}}) for "
            f"{', '.join(rsc_permissions(manifest))}"
        )


def schema_for(manifest: Mapping[str, Any], schemas: Path = SCHEMAS) -> dict[str, Any]:
    version = manifest.get("manifestVersion")
    path = schemas / f"v{version}" / "MicrosoftTeams.schema.json"
    if not schemas.is_dir():
        raise PackageError(f"{schemas} is missing: run `npm ci` first (it installs the schemas)")
    if not path.is_file():
        raise PackageError(f"no published schema for manifestVersion {version!r} in {schemas}")
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


def schema_errors(manifest: Mapping[str, Any], schema: Mapping[str, Any]) -> list[str]:
    """Every schema violation, as ``path: message`` lines (empty when valid)."""
    validator = Draft4Validator(schema, format_checker=FormatChecker())
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(top)'}: {error.message}"
        for error in sorted(validator.iter_errors(manifest), key=lambda e: list(e.absolute_path))
    ]


def localization_schema_for(
    manifest: Mapping[str, Any], schemas: Path = SCHEMAS
) -> dict[str, Any]:
    version = manifest.get("manifestVersion")
    path = schemas / f"v{version}" / "MicrosoftTeams.Localization.schema.json"
    if not path.is_file():
        raise PackageError(f"no published localization schema for manifestVersion {version!r}")
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


_KEY_PART = re.compile(r"([A-Za-z_]\w*)((?:\[\d+\])*)")


def _manifest_value(manifest: Mapping[str, Any], key: str) -> Any:
    """The manifest's value a localization key names ("bots[0].commandLists[0].commands[1]
    .title"), or None when it has none."""
    node: Any = manifest
    for part in key.split("."):
        match = _KEY_PART.fullmatch(part)
        if match is None or not isinstance(node, Mapping):
            return None
        node = node.get(match.group(1))
        for index in re.findall(r"\[(\d+)\]", match.group(2)):
            if not isinstance(node, list) or int(index) >= len(node):
                return None
            node = node[int(index)]
    return node


def localization_errors(
    manifest: Mapping[str, Any], strings: Mapping[str, Any], schema: Mapping[str, Any]
) -> list[str]:
    """Schema violations of one localization file, and keys naming nothing in the manifest."""
    errors = schema_errors(strings, schema) + _length_errors(strings, schema)
    for key in strings:
        if key.startswith("$") or key == "localizationKeys":
            continue
        if not isinstance(_manifest_value(manifest, key), str):
            errors.append(f"{key}: the manifest has no such text to translate")
    return errors


def _length_errors(strings: Mapping[str, Any], schema: Mapping[str, Any]) -> list[str]:
    """The published localization schema gives each text's maxLength beside a ``$ref``,
    which draft-04 validators ignore; Teams enforces them, so they are checked here."""
    errors = []
    properties = schema.get("properties") or {}
    patterns = schema.get("patternProperties") or {}
    for key, value in strings.items():
        node = properties.get(key) or next(
            (n for pattern, n in patterns.items() if re.search(pattern, key)), None
        )
        limit = node.get("maxLength") if isinstance(node, Mapping) else None
        if isinstance(value, str) and isinstance(limit, int) and len(value) > limit:
            errors.append(f"{key}: {len(value)} characters, longer than Teams allows ({limit})")
    return errors


def localizations(
    manifest: Mapping[str, Any], source: Path, schemas: Path = SCHEMAS
) -> dict[str, bytes]:
    """The localization files the manifest lists (file name -> contents), each validated."""
    info = manifest.get("localizationInfo") or {}
    files: dict[str, bytes] = {}
    schema: dict[str, Any] | None = None
    for language in info.get("additionalLanguages") or []:
        name = language["file"]
        path = source / name
        if not path.is_file():
            raise PackageError(f"localizationInfo: {path} is missing")
        data = path.read_bytes()
        strings = json.loads(data)
        schema = schema or localization_schema_for(manifest, schemas)
        errors = localization_errors(manifest, strings, schema)
        if errors:
            raise PackageError(f"{name} is not valid:\n  " + "\n  ".join(errors))
        files[name] = data
    return files


def png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise PackageError("not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def check_icons(manifest: Mapping[str, Any], directory: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for kind, size in ICONS.items():
        name = manifest["icons"][kind]
        path = directory / name
        if not path.is_file():
            raise PackageError(f"icons.{kind}: {path} is missing")
        data = path.read_bytes()
        try:
            actual = png_size(data)
        except PackageError:
            raise PackageError(f"icons.{kind}: {path} is not a PNG file") from None
        if actual != size:
            raise PackageError(f"icons.{kind}: {path} is {actual[0]}x{actual[1]}, not {size[0]}x{size[1]}")
        files[name] = data
    return files


def build(
    inputs: PackageInputs,
    *,
    source: Path = APP_PACKAGE,
    output: Path | None = None,
    schemas: Path = SCHEMAS,
    rsc: bool = True,
) -> Path:
    """Validate and write the zip; returns its path. ``rsc=False``: without
    ``ChannelMessage.Read.Group`` (staff @mention the bot in live-chat threads)."""
    manifest = fill((source / "manifest.json").read_text(encoding="utf-8"), inputs)
    if not rsc:
        manifest = mentions_only(manifest)
    check_rsc(manifest)
    errors = schema_errors(manifest, schema_for(manifest, schemas))
    if errors:
        raise PackageError("manifest.json is not valid:\n  " + "\n  ".join(errors))
    files = check_icons(manifest, source)
    files.update(localizations(manifest, source, schemas))
    output = output or source / "build" / "helpline.zip"
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # Teams wants the files at the root of the zip, not in a folder.
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        for name, data in files.items():
            archive.writestr(name, data)
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.teams_package",
        description="Build appPackage/build/helpline.zip from MicrosoftAppId and BOT_DOMAIN.",
    )
    parser.add_argument("--output", type=Path, help="where to write the zip")
    parser.add_argument(
        "--mentions-only",
        action="store_true",
        help=f"leave out {RSC_CHANNEL_MESSAGES}: staff @mention the bot in live-chat threads",
    )
    args = parser.parse_args(argv)
    try:
        path = build(PackageInputs.from_env(os.environ), output=args.output, rsc=not args.mentions_only)
    except PackageError as error:
        print(f"teams package: {error}", file=sys.stderr)
        return 2
    how = (
        "staff @mention the bot in live-chat threads"
        if args.mentions_only
        else f"with {RSC_CHANNEL_MESSAGES}: staff reply in live-chat threads without an @mention"
    )
    print(
        f"wrote {path} (manifest and its translations valid against the published Teams"
        f" schemas; {how})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
