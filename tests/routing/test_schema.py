"""Issue 17.5: the editor helps. The schema describes every key, its patterns mirror
``check``, it offers snippets, ``language`` has a schema, the shipped file validates with 0
errors, and ``.vscode/`` recommends the YAML extension and runs ``check`` as a task."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from intents.vocabulary import _ALL_LANGUAGE_KEYS, _EMERGENCY_KEYS, Thresholds
from routing.hours import HoursFormatError, parse_day_hours
from routing.phones import parse_phone
from routing.wording import CITIZEN_RULES, MESSAGE_RULES, SAFETY_WORDS, STAFF_RULES
from routing.yaml_lines import parse
from tests.routing.conftest import SHIPPED

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "config" / "routing.schema.json").read_text(encoding="utf-8"))
DEFS = SCHEMA["$defs"]


def _properties(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in (node.get("properties") or {}).items():
            yield f"{path}.{key}", value
        for key, value in node.items():
            yield from _properties(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _properties(value, f"{path}[{i}]")


def test_every_key_has_a_description_with_what_it_is() -> None:
    missing = [path for path, value in _properties(SCHEMA) if not value.get("description")]
    assert missing == []
    assert len(list(_properties(SCHEMA))) > 150


def test_the_shipped_file_validates_in_the_editor_with_no_errors() -> None:
    Draft7Validator.check_schema(SCHEMA)
    data, _ = parse(SHIPPED.read_text(encoding="utf-8"))
    assert [e.message for e in Draft7Validator(SCHEMA).iter_errors(data)] == []


def test_message_descriptions_name_their_placeholders_and_safety_words() -> None:
    messages = SCHEMA["properties"]["messages"]["properties"]
    referrals = SCHEMA["properties"]["referrals"]["properties"]
    for rules, described in (
        (MESSAGE_RULES, messages),
        (CITIZEN_RULES, referrals["messages"]["properties"]),
        (STAFF_RULES, referrals["staff_card"]["properties"]),
    ):
        for key, rule in rules.items():
            text = described[key]["description"]
            for name in rule.allowed:
                assert f"{{{name}}}" in text, (key, name)
            for safety in rule.safety:
                assert SAFETY_WORDS["en"][safety].described in text, key


def _matches(definition: str, value: str) -> bool:
    return re.search(DEFS[definition]["pattern"], value) is not None


PHONES = [
    "094 906 4660",
    "(094) 906-4660",
    "+353 94 906 4660",
    "+353 (0)94 906 4660",
    "00353949064660",
    "094 906 4660 ext 21",
    "094-906-4660 ext. 214",
    "094 906 4660 x12",
    "01 234 5678",
    "087 123 4567",
    "0818 222 024",
    "1800 700 700",
    "116 123",
    "112",
    "999",
    "09490",
    "1122",
    "094 906 4660 0000",
    "+44 20 7946 0958",
    "phone me",
    "087 123 456",
    "1850 123 456",
    "0800 123 456",
    "112 ext 4",
    "\u201c094 906 4660\u201d",
]


@pytest.mark.parametrize("phone", PHONES)
def test_phone_patterns_mirror_check(phone: str) -> None:
    parsed = parse_phone(phone)
    assert _matches("emergencyPhone", phone) is (parsed is not None)
    assert _matches("phone", phone) is (parsed is not None and not parsed.is_emergency)


@pytest.mark.parametrize(
    "hours",
    [
        "9am-5pm",
        "9am to 5pm",
        "9:30am - 1pm",
        "09:00-17:00",
        "9AM–5PM",
        "9am-1pm, 2pm-5pm",
        "9am-1pm and 2pm-5pm",
        "8pm-8am",
        "closed",
        "24 hours",
        "open 24 hours",
        "20:00-00:00",
    ],
)
def test_hours_the_check_accepts_match_the_pattern(hours: str) -> None:
    parse_day_hours(hours)
    assert _matches("hoursText", hours)


@pytest.mark.parametrize("hours", ["9-5pm", "9-5", "9am-5", "nine to five", ""])
def test_hours_the_check_refuses_as_written_do_not_match(hours: str) -> None:
    with pytest.raises(HoursFormatError):
        parse_day_hours(hours)
    assert not _matches("hoursText", hours)


@pytest.mark.parametrize(
    ("value", "ok"),
    [("name@mayococo.ie", True), ("shop at example.ie", False), ("a@b", False), ("x@y.ie", True)],
)
def test_email_pattern_mirrors_check(value: str, ok: bool) -> None:
    from routing.semantics import _EMAIL

    assert _matches("email", value) is ok is (_EMAIL.match(value) is not None)


@pytest.mark.parametrize(
    ("value", "ok"), [("2026-12-25", True), ("25-12-2026", False), ("2026-1-5", False)]
)
def test_date_pattern_mirrors_check(value: str, ok: bool) -> None:
    assert _matches("date", value) is ok


@pytest.mark.parametrize(
    ("value", "ok"), [("hot_meals", True), ("Hot Meals", False), ("1st", False)]
)
def test_id_pattern_mirrors_check(value: str, ok: bool) -> None:
    assert _matches("id", value) is ok


def test_language_has_a_schema_that_matches_the_classifier() -> None:
    language = SCHEMA["properties"]["language"]["properties"]
    assert set(language) == set(_ALL_LANGUAGE_KEYS)
    assert set(language["emergency"]["properties"]) == set(_EMERGENCY_KEYS)
    assert set(language["thresholds"]["properties"]) == set(Thresholds.__dataclass_fields__)


def _filled(body: Any) -> Any:
    """A snippet's body with each ${n:default} replaced by its default."""
    return json.loads(re.sub(r"\$\{\d+:([^}]*)\}", r"\1", json.dumps(body)).replace('\\"', ""))


def test_snippets_for_a_new_service_and_a_new_contact_are_valid() -> None:
    (service,) = SCHEMA["properties"]["services"]["defaultSnippets"]
    (contact,) = SCHEMA["properties"]["contacts"]["defaultSnippets"]
    assert (service["label"], contact["label"]) == ("new service", "new contact")
    data, _ = parse(SHIPPED.read_text(encoding="utf-8"))
    edited = copy.deepcopy(data)
    edited["services"] += _filled(service["body"])
    edited["contacts"].update(_filled(contact["body"]))
    assert [e.message for e in Draft7Validator(SCHEMA).iter_errors(edited)] == []
    labels = [s["label"] for s in DEFS["service"]["properties"]["contacts"]["defaultSnippets"]]
    assert labels == ["new contact (shared)", "new contact (one area)", "new contact (some towns)"]


# ---- .vscode -------------------------------------------------------------------------------
VSCODE = ROOT / ".vscode"


def test_vscode_recommends_the_yaml_extension_and_maps_the_schema() -> None:
    extensions = json.loads((VSCODE / "extensions.json").read_text(encoding="utf-8"))
    assert extensions["recommendations"] == ["redhat.vscode-yaml"]
    settings = json.loads((VSCODE / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == {"./config/routing.schema.json": ["config/routing.yaml"]}
    assert settings["[yaml]"]["editor.insertSpaces"] is True


def test_vscode_task_runs_check_and_reads_its_problems() -> None:
    tasks = json.loads((VSCODE / "tasks.json").read_text(encoding="utf-8"))["tasks"]
    check = next(t for t in tasks if t["label"] == "routing: check routing.yaml")
    assert check["args"][:3] == ["-m", "routing", "check"]
    warning, error = check["problemMatcher"]
    lines = {
        'config/routing.yaml:42: contacts.x.phone: "0949" is not a valid Irish phone number': "error",
        "config/routing.yaml:7: warning: messages.fallback: the text stops at": "warning",
    }
    for line, severity in lines.items():
        found = [m["severity"] for m in (warning, error) if re.match(m["pattern"]["regexp"], line)]
        assert found == [severity], line
        matcher = warning if severity == "warning" else error
        match = re.match(matcher["pattern"]["regexp"], line)
        assert match is not None and match.group(1) == "config/routing.yaml"


def test_no_key_of_the_schema_is_written_twice() -> None:
    """JSON keeps the last of two equal keys without a word: two branches that each added a
    ``localizedText`` once left the editor and ``check`` with the wrong one."""
    twice: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen = [key for key, _ in items]
        twice.extend(key for key in set(seen) if seen.count(key) > 1)
        return dict(items)

    json.loads(
        (ROOT / "config" / "routing.schema.json").read_text("utf-8"), object_pairs_hook=pairs
    )
    assert twice == []
