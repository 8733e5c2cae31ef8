"""The Teams app package: the manifest validates offline against Microsoft's published JSON
Schema (npm @microsoft/app-manifest, draft-04), the icons are what Teams requires, and the
build command fills in the bot's id and domain."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest

from tools import teams_icons
from tools.teams_package import (
    APP_PACKAGE,
    PackageError,
    PackageInputs,
    build,
    fill,
    localization_errors,
    localization_schema_for,
    mentions_only,
    png_size,
    rsc_permissions,
    schema_errors,
    schema_for,
)
from routing.store import RoutingStore

from .factories import ROOT, SHIPPED_ROUTING

APP_ID = "5b1c3c7e-0000-4000-8000-00000000b075"
DOMAIN = "mayo-helpline.azurewebsites.net"
INPUTS = PackageInputs(APP_ID, DOMAIN)
SERVICES = {
    "Prescriptions": "prescriptions",
    "Hot meals": "hot_meals",
    "Groceries": "groceries",
    "Volunteer groups": "volunteer_groups",
}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return fill((APP_PACKAGE / "manifest.json").read_text(encoding="utf-8"), INPUTS)


@pytest.fixture(scope="module")
def schema(manifest: dict[str, Any]) -> dict[str, Any]:
    return schema_for(manifest)


def test_schema_is_microsofts_draft4_and_pythons_re_handles_it(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    patterns: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                patterns.append(node["pattern"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    assert patterns, "the schema has patterns, so they are really checked"
    for pattern in patterns:
        re.compile(pattern)  # from v1.23 a \p{L} pattern would fail here


def test_manifest_is_valid(manifest: dict[str, Any], schema: dict[str, Any]) -> None:
    assert schema_errors(manifest, schema) == []
    assert float(manifest["manifestVersion"]) <= 1.22
    assert manifest["$schema"].endswith(f"/v{manifest['manifestVersion']}/MicrosoftTeams.schema.json")


def test_bot_scopes_commands_and_domains(manifest: dict[str, Any]) -> None:
    (bot,) = manifest["bots"]
    assert bot["botId"] == APP_ID
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    commands = [c["title"] for lst in bot["commandLists"] for c in lst["commands"]]
    assert sorted(commands) == sorted(SERVICES)
    for command_list in bot["commandLists"]:
        assert set(command_list["scopes"]) <= set(bot["scopes"])
    assert manifest["validDomains"] == [DOMAIN]


@pytest.mark.parametrize("title, service", list(SERVICES.items()), ids=list(SERVICES.values()))
def test_each_command_routes_to_its_service(title: str, service: str) -> None:
    """Choosing a command in Teams sends its title as the message."""
    router = RoutingStore.load(SHIPPED_ROUTING).router
    assert router.classify(title).intents == (service,)


# ---- in Irish -----------------------------------------------------------------------------------
IRISH_COMMANDS = {
    "Oidis": "prescriptions",
    "Béilí te": "hot_meals",
    "Earraí grósaera": "groceries",
    "Grúpaí deonacha": "volunteer_groups",
}


@pytest.fixture(scope="module")
def irish() -> dict[str, Any]:
    strings: dict[str, Any] = json.loads((APP_PACKAGE / "ga.json").read_text(encoding="utf-8"))
    return strings


def test_the_manifest_offers_irish(manifest: dict[str, Any]) -> None:
    info = manifest["localizationInfo"]
    assert info["defaultLanguageTag"] == "en"
    assert info["additionalLanguages"] == [{"languageTag": "ga", "file": "ga.json"}]


def test_the_irish_file_is_valid_against_microsofts_localization_schema(
    manifest: dict[str, Any], irish: dict[str, Any]
) -> None:
    schema = localization_schema_for(manifest)
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert localization_errors(manifest, irish, schema) == []
    assert irish["$schema"].endswith(
        f"/v{manifest['manifestVersion']}/MicrosoftTeams.Localization.schema.json"
    )
    # Everything the manifest says to people is in Irish too.
    commands = [c for lst in manifest["bots"][0]["commandLists"] for c in lst["commands"]]
    keys = {"name.short", "name.full", "description.short", "description.full"}
    keys |= {f"bots[0].commandLists[0].commands[{i}].{f}" for i in range(len(commands))
             for f in ("title", "description")}  # fmt: skip
    assert keys <= set(irish)
    assert all(irish[k] != _manifest_text(manifest, k) for k in keys), "not translated"


def _manifest_text(manifest: dict[str, Any], key: str) -> str:
    if key.startswith(("name.", "description.")):
        section, field = key.split(".")
        return str(manifest[section][field])
    index = int(key.split("commands[")[1].split("]")[0])
    return str(manifest["bots"][0]["commandLists"][0]["commands"][index][key.rsplit(".", 1)[1]])


@pytest.mark.parametrize(
    "key, value, where",
    [
        ("name.short", "Tacaíocht Pobail Chomhairle Contae Mhaigh Eo", "name.short"),
        ("bots[0].commandLists[0].commands[7].title", "Breosla", "bots[0].commandLists[0].commands[7]"),
        ("description.long", "Cur síos", "(top)"),
    ],
    ids=["short-name-too-long", "no-such-command", "unknown-key"],
)
def test_the_localization_check_catches_mistakes(
    manifest: dict[str, Any], irish: dict[str, Any], key: str, value: str, where: str
) -> None:
    broken = {**irish, key: value}
    errors = localization_errors(manifest, broken, localization_schema_for(manifest))
    assert any(e.startswith(where) for e in errors), errors


@pytest.mark.parametrize("title, service", list(IRISH_COMMANDS.items()), ids=list(IRISH_COMMANDS.values()))
def test_each_irish_command_routes_to_its_service_in_irish(title: str, service: str) -> None:
    """Teams sends the command's Irish title as the message: routed, and detected as Irish."""
    router = RoutingStore.load(SHIPPED_ROUTING).router
    found = router.classify(title)
    assert found.intents == (service,) and found.language == "ga"


def test_the_package_carries_the_irish_file(tmp_path: Path) -> None:
    out = build(INPUTS, output=tmp_path / "helpline.zip")
    with zipfile.ZipFile(out) as archive:
        assert json.loads(archive.read("ga.json"))["name.short"] == "Tacaíocht Pobail Mhaigh Eo"


def test_build_refuses_an_invalid_irish_file(tmp_path: Path) -> None:
    source = tmp_path / "appPackage"
    source.mkdir()
    for name in ("manifest.json", "color.png", "outline.png"):
        (source / name).write_bytes((APP_PACKAGE / name).read_bytes())
    strings = json.loads((APP_PACKAGE / "ga.json").read_text(encoding="utf-8"))
    strings["description.short"] = "x" * 81
    (source / "ga.json").write_text(json.dumps(strings), encoding="utf-8")
    with pytest.raises(PackageError, match="ga.json is not valid"):
        build(INPUTS, source=source, output=tmp_path / "x.zip")
    (source / "ga.json").unlink()
    with pytest.raises(PackageError, match="ga.json is missing"):
        build(INPUTS, source=source, output=tmp_path / "x.zip")


def _without(manifest: dict[str, Any], *path: Any) -> dict[str, Any]:
    broken = copy.deepcopy(manifest)
    node = broken
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return broken


def _with(manifest: dict[str, Any], value: Any, *path: Any) -> dict[str, Any]:
    broken = copy.deepcopy(manifest)
    node = broken
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return broken


BROKEN = [
    ("no-developer", lambda m: _without(m, "developer"), "(top): 'developer' is a required"),
    ("bot-id-not-a-guid", lambda m: _with(m, "helpline-bot", "bots", 0, "botId"), "bots/0/botId"),
    ("unknown-scope", lambda m: _with(m, ["personal", "meeting"], "bots", 0, "scopes"), "bots/0/scopes/1"),
    ("short-name-too-long", lambda m: _with(m, "M" * 31, "name", "short"), "name/short"),
    ("no-version", lambda m: _without(m, "version"), "(top): 'version' is a required"),
    ("privacy-url-not-a-url", lambda m: _with(m, "www.mayo.ie/privacy", "developer", "privacyUrl"),
     "developer/privacyUrl"),
    ("accent-not-hex", lambda m: _with(m, "green", "accentColor"), "accentColor"),
    ("command-without-description",
     lambda m: _without(m, "bots", 0, "commandLists", 0, "commands", 0, "description"),
     "bots/0/commandLists/0/commands/0"),
    ("unknown-field", lambda m: _with(m, True, "bots", 0, "supportsHolograms"), "bots/0"),
]


@pytest.mark.parametrize(
    "breakage, where", [(b, w) for _, b, w in BROKEN], ids=[i for i, _, _ in BROKEN]
)
def test_schema_catches_mistakes(
    manifest: dict[str, Any], schema: dict[str, Any], breakage: Any, where: str
) -> None:
    errors = schema_errors(breakage(manifest), schema)
    assert any(e.startswith(where) for e in errors), errors


@pytest.mark.parametrize(
    "env, variable",
    [
        ({"BOT_DOMAIN": DOMAIN}, "MicrosoftAppId"),
        ({"MicrosoftAppId": "helpline", "BOT_DOMAIN": DOMAIN}, "MicrosoftAppId"),
        ({"MicrosoftAppId": APP_ID}, "BOT_DOMAIN"),
        ({"MicrosoftAppId": APP_ID, "BOT_DOMAIN": f"https://{DOMAIN}/api/messages"}, "BOT_DOMAIN"),
        ({"MicrosoftAppId": APP_ID, "BOT_DOMAIN": f"{DOMAIN}:443"}, "BOT_DOMAIN"),
    ],
    ids=["no-app-id", "app-id-not-guid", "no-domain", "domain-is-a-url", "domain-with-port"],
)
def test_build_inputs_name_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(PackageError, match=variable):
        PackageInputs.from_env(env)


def test_build_writes_a_zip_teams_accepts(tmp_path: Path) -> None:
    out = build(INPUTS, output=tmp_path / "helpline.zip")
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["color.png", "ga.json", "manifest.json", "outline.png"]
        packaged = json.loads(archive.read("manifest.json"))
        assert "${{" not in archive.read("manifest.json").decode()
        assert png_size(archive.read("color.png")) == (192, 192)
        assert png_size(archive.read("outline.png")) == (32, 32)
    assert packaged["bots"][0]["botId"] == APP_ID


def test_build_refuses_an_invalid_manifest(tmp_path: Path) -> None:
    source = tmp_path / "appPackage"
    source.mkdir()
    template = json.loads((APP_PACKAGE / "manifest.json").read_text())
    template["bots"][0]["scopes"] = ["personal", "meeting"]
    (source / "manifest.json").write_text(json.dumps(template))
    with pytest.raises(PackageError, match="bots/0/scopes"):
        build(INPUTS, source=source, output=tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists()


def test_documented_command_builds_the_package(tmp_path: Path) -> None:
    env = {**os.environ, "MicrosoftAppId": APP_ID, "BOT_DOMAIN": DOMAIN}
    out = tmp_path / "helpline.zip"
    done = subprocess.run(
        [sys.executable, "-m", "tools.teams_package", "--output", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert out.is_file()
    env.pop("BOT_DOMAIN")
    failed = subprocess.run(
        [sys.executable, "-m", "tools.teams_package", "--output", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert failed.returncode == 2 and "BOT_DOMAIN" in failed.stderr


def test_live_chat_asks_to_read_channel_messages_and_can_do_without(
    manifest: dict[str, Any], schema: dict[str, Any], tmp_path: Path
) -> None:
    """Issue 15: with ChannelMessage.Read.Group staff reply in a chat's thread without an
    @mention; --mentions-only builds a valid package without it."""
    assert rsc_permissions(manifest) == ["ChannelMessage.Read.Group"]
    assert manifest["authorization"]["permissions"]["resourceSpecific"][0]["type"] == "Application"
    assert manifest["webApplicationInfo"]["id"] == APP_ID
    plain = mentions_only(manifest)
    assert rsc_permissions(plain) == [] and "webApplicationInfo" not in plain
    assert schema_errors(plain, schema) == []
    out = build(INPUTS, output=tmp_path / "mentions.zip", rsc=False)
    with zipfile.ZipFile(out) as archive:
        assert "ChannelMessage.Read.Group" not in archive.read("manifest.json").decode()
    done = subprocess.run(
        [sys.executable, "-m", "tools.teams_package", "--mentions-only", "--output", str(tmp_path / "m.zip")],
        cwd=ROOT, env={**os.environ, "MicrosoftAppId": APP_ID, "BOT_DOMAIN": DOMAIN},
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0 and "staff @mention the bot" in done.stdout


def _rgba_pixels(data: bytes) -> list[tuple[int, int, int, int]]:
    """Pixels of an 8-bit RGBA PNG written without row filters (as teams_icons writes)."""
    width, height = png_size(data)
    assert data[24:26] == b"\x08\x06", "8-bit RGBA"
    idat, pos = b"", 8
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        if data[pos + 4 : pos + 8] == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + 4 * width
    assert all(raw[y * stride] == 0 for y in range(height))
    return [
        tuple(raw[y * stride + 1 + 4 * x : y * stride + 5 + 4 * x])  # type: ignore[misc]
        for y in range(height)
        for x in range(width)
    ]


def test_outline_icon_is_white_on_transparent() -> None:
    pixels = _rgba_pixels((APP_PACKAGE / "outline.png").read_bytes())
    assert all(p[:3] == (255, 255, 255) for p in pixels)
    alphas = {p[3] for p in pixels}
    assert 0 in alphas and 255 in alphas


def test_color_icon_is_opaque() -> None:
    pixels = _rgba_pixels((APP_PACKAGE / "color.png").read_bytes())
    assert len(pixels) == 192 * 192 and all(p[3] == 255 for p in pixels)


def test_committed_icons_are_the_generated_ones() -> None:
    """Regenerate with `.venv/bin/python -m tools.teams_icons` after changing the drawing."""
    assert (APP_PACKAGE / "color.png").read_bytes() == teams_icons.color_icon()
    assert (APP_PACKAGE / "outline.png").read_bytes() == teams_icons.outline_icon()
