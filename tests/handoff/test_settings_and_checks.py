"""The handoff: section (schema, checks, defaults) and HELPLINE_NOW."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from config.settings import Settings, SettingsError
from routing.errors import ConfigError
from routing.store import RoutingStore
from routing.wording import HANDOFF_RULES, HANDOFF_STAFF_RULES
from tests.handoff.conftest import SHIPPED, routing_with_live_chat

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "config" / "routing.schema.json").read_text(encoding="utf-8"))


def _write(path: Path, edit: Any) -> Path:
    data = yaml.safe_load(routing_with_live_chat(path, "https://smba.example.test/emea").read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_live_chat_is_off_in_the_shipped_file_and_on_once_the_staff_channel_is_enabled(tmp_path: Path) -> None:
    assert RoutingStore.load(SHIPPED).router.table.handoff is None  # the channel is a placeholder
    config = RoutingStore.load(routing_with_live_chat(tmp_path / "r.yaml", "https://smba")).router.table.handoff
    assert config is not None
    assert config.destination.id == "staff_channel" and config.hours_id == "county_helpline"
    assert config.wait_seconds == 300 and "end chat" in config.end_words
    assert config.text("joined", "ga", staff="Siobhan") == "Tá Siobhan ón bhfoireann Tacaíochta Pobail leat anois."
    assert config.text("joined", "en", staff="Siobhan") == "Siobhan from the Community Support team is with you now."


def test_enabled_false_keeps_the_channel_for_call_backs_only(tmp_path: Path) -> None:
    path = _write(tmp_path / "r.yaml", lambda d: d["handoff"].update(enabled=False))
    table = RoutingStore.load(path).router.table
    assert table.handoff is None and table.referrals is not None
    assert table.referrals.destinations["staff_channel"].enabled


def test_the_rota_defaults_to_the_county_helplines_hours(tmp_path: Path) -> None:
    path = _write(tmp_path / "r.yaml", lambda d: d["handoff"].pop("hours"))
    config = RoutingStore.load(path).router.table.handoff
    assert config is not None and config.hours_id == "county_helpline"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d["handoff"].update(to="staff_chanel"), '"staff_chanel" is not defined under referrals.destinations'),
        (lambda d: d["handoff"].update(to="case_system"), "live chat needs a Teams channel"),
        (lambda d: d["handoff"].update(hours="rota"), '"rota" is not defined under opening_hours'),
        (lambda d: d["handoff"]["messages"]["joined"].update(ga="Tá {foireann} leat anois."),
         "handoff.messages.joined.ga: unknown placeholder {foireann}"),
        (lambda d: d["handoff"]["messages"].update(asked="I've asked the team. Keep writing."),
         "must keep {ahead}"),
        (lambda d: d["handoff"]["staff_card"].update(taken_by="Taken"), "must keep {staff}"),
    ],
    ids=["unknown destination", "not teams", "unknown hours", "irish placeholder", "lost placeholder", "staff text"],
)
def test_check_refuses_a_broken_handoff_section(tmp_path: Path, edit: Any, expected: str) -> None:
    path = _write(tmp_path / "r.yaml", edit)
    with pytest.raises(ConfigError) as caught:
        RoutingStore.load(path)
    assert expected in str(caught.value)


def test_every_handoff_text_is_described_with_its_placeholders() -> None:
    section = SCHEMA["properties"]["handoff"]["properties"]
    for rules, described in ((HANDOFF_RULES, section["messages"]), (HANDOFF_STAFF_RULES, section["staff_card"])):
        assert set(described["properties"]) == set(rules) == set(described["required"])
        for key, rule in rules.items():
            for name in rule.allowed:
                assert f"{{{name}}}" in described["properties"][key]["description"], (key, name)


def test_every_shipped_citizen_text_has_its_irish() -> None:
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    for key, value in data["handoff"]["messages"].items():
        assert isinstance(value, dict) and value.get("en") and value.get("ga"), key


# ---- HELPLINE_NOW ----------------------------------------------------------------------------
def test_helpline_now_sets_the_clock_in_irish_time_in_local_mode() -> None:
    settings = Settings.from_env({"HELPLINE_NOW": "2026-12-01T10:00"})
    assert settings.helpline_now is not None
    assert settings.helpline_now.isoformat() == "2026-12-01T10:00:00+00:00"  # Irish winter time
    summer = Settings.from_env({"HELPLINE_NOW": "2026-07-01 10:00"}).helpline_now
    assert summer is not None and summer.utcoffset() == dt.timedelta(hours=1)


def test_helpline_now_is_refused_with_authentication_on() -> None:
    env = {"HELPLINE_NOW": "2026-12-01T10:00", "MicrosoftAppId": "5b1c3c7e-0000-4000-8000-00000000b075",
           "MicrosoftAppPassword": "x"}
    with pytest.raises(SettingsError, match="HELPLINE_NOW is only for trying the bot in local mode"):
        Settings.from_env(env)


def test_helpline_now_must_be_a_date_and_time() -> None:
    with pytest.raises(SettingsError, match="write it like 2026-12-01T10:00"):
        Settings.from_env({"HELPLINE_NOW": "tomorrow at ten"})
