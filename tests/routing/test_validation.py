from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from intents.vocabulary import VocabularyError
from routing.errors import ConfigError, ConfigIssue
from routing.loader import load_table, load_text
from tests.routing.conftest import FIXTURES, SHIPPED
from tests.routing.fakes import keyword_factory

BROKEN = sorted(FIXTURES.glob("broken_*.yaml"))


def _issues(path: Path | str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_table(path, classifier_factory=keyword_factory)
    return [str(i) for i in caught.value.issues]


@pytest.mark.parametrize("name", ["valid.yaml", "minimal.yaml"])
def test_valid_fixtures_load(name: str) -> None:
    table = load_table(FIXTURES / name, classifier_factory=keyword_factory)
    assert table.services and table.helpline.phone is not None


@pytest.mark.parametrize("fixture", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_fixture_gives_exact_messages(fixture: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    expected = fixture.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert _issues(fixture.name) == expected


def test_issue_format() -> None:
    issue = ConfigIssue("routing.yaml", 42, "services.groceries.contacts[0].phone", "bad")
    assert str(issue) == "routing.yaml:42: services.groceries.contacts[0].phone: bad"
    assert str(ConfigIssue("routing.yaml", 3, "", "not YAML")) == "routing.yaml:3: not YAML"


MINIMAL = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")


def _edit(old: str, new: str) -> str:
    assert MINIMAL.count(old) == 1, old
    return MINIMAL.replace(old, new)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('phone: "094 906 4660"', 'phone: "09490"',
         'x.yaml:7: contacts.helpline.phone: "09490" is not a valid Irish phone number — write it like 094 906 4660, '
         "+353 94 906 4660 or 094 906 4660 ext 21"),
        ('phone: "094 906 4660"', 'phnoe: "094 906 4660"',
         'x.yaml:7: contacts.helpline.phnoe: unknown setting "phnoe" — did you mean "phone"?'),
        ('phone: "094 906 4660"', 'phone: "094 906 4660", email: someone',
         'x.yaml:7: contacts.helpline.email: "someone" is not a valid email address — write it like name@mayococo.ie'),
        ("every_day: 9am-5pm", "every_day: 9-5pm",
         'x.yaml:9: opening_hours.office.every_day: "9-5pm" is not a valid time range — write it like '
         "9am-5pm, 9:30am-1pm, 09:00-17:00, 9am-1pm, 2pm-5pm, 8pm-8am (through the night), 24 hours or closed"),
        ("phrases: [groceries]", "phrases: []",
         "x.yaml:13: services.groceries.phrases: has no phrases — add at least one way people ask for this service"),
        ("    title: Groceries\n", "",
         'x.yaml:11: services.groceries: "title" is missing — add a line "title: ..." here'),
        ("contacts: [{contact: helpline}]", "contacts: [{contact: helpline, area: castlebar}]",
         'x.yaml:14: services.groceries.contacts: needs one contact without an area, for people elsewhere in the county\n'
         'x.yaml:14: services.groceries.contacts[0].area: "castlebar" is not defined under areas: — add it under areas:'),
        ("contacts: [{contact: helpline}]", "contacts: [{contact: helpline_office}]",
         'x.yaml:14: services.groceries.contacts[0].contact: "helpline_office" is not defined under contacts: '
         '— did you mean "helpline"?'),
        ("hours: office}", "hours: ofice}",
         'x.yaml:7: contacts.helpline.hours: "ofice" is not defined under opening_hours: — did you mean "office"?'),
        ('fallback: Sorry. In an emergency call 112.', 'fallback: "Sorry {name}. In an emergency call 112."',
         "x.yaml:25: messages.fallback: {name} cannot be used in this message — remove it"),
        ("helpline: {contact: helpline}", "helpline: {contact: helpline}\nhelpline: {contact: helpline}",
         'x.yaml:3: helpline: "helpline" appears twice here — keep only one'),
        ("services:", "services:\n  - {id: groceries, title: G2, phrases: [shopping], contacts: [{contact: helpline}]}",
         'x.yaml:12: services.groceries.id: the id "groceries" is used twice — each id must be different'),
        ("contacts: [{contact: helpline}]", "contacts: [{contact: helpline}]\n  - {id: shop, title: S, phrases: [Groceries], contacts: [{contact: helpline}]}",
         'x.yaml:15: services.shop.phrases[0]: the phrase "Groceries" is also used by service "groceries" '
         "— each phrase may belong to only one service"),
        ("days: [Mon, Tue, Wed, Thu, Fri, Sat, Sun]", "days: [Mon, Tue]",
         "x.yaml:36: messages.days: needs at least 7 entries"),
        ("welcome: Hello.", "welcome: Hello: there.",
         "x.yaml:16: the file is not valid YAML: text containing ': ' must be in double quotes — write the "
         'whole text as "..." (and any " inside it as \\")'),
    ],
    ids=["bad-phone", "typo-key", "bad-email", "bad-hours", "no-phrases", "missing-key",
         "undefined-area", "undefined-contact", "undefined-hours", "bad-placeholder",
         "duplicate-key", "duplicate-id", "shared-phrase", "too-few-days", "yaml-syntax"],
)
def test_one_mistake_one_precise_message(old: str, new: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_text(_edit(old, new), "x.yaml", classifier_factory=keyword_factory)
    assert [str(i) for i in caught.value.issues] == expected.split("\n")


def test_vocabulary_problems_are_mapped_to_lines() -> None:
    def factory(services: list[dict[str, Any]], language: dict[str, Any]) -> Any:
        raise VocabularyError([(("services", 0, "phrases", 0), "is too vague"), (("language",), "needs emergencies")])

    language_line = MINIMAL.splitlines().index("language:") + 1
    with pytest.raises(ConfigError) as caught:
        load_text(MINIMAL, "x.yaml", classifier_factory=factory)
    assert [str(i) for i in caught.value.issues] == [
        "x.yaml:13: services.groceries.phrases[0]: is too vague",
        f"x.yaml:{language_line}: language: needs emergencies",
    ]


def test_other_classifier_failures_are_not_hidden() -> None:
    def factory(services: list[dict[str, Any]], language: dict[str, Any]) -> Any:
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError):
        load_text(MINIMAL, "x.yaml", classifier_factory=factory)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_table(tmp_path / "nope.yaml")
    assert str(caught.value.issues[0]) == f"{tmp_path / 'nope.yaml'}:1: the file does not exist"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "the file is empty"),
        ("# only a comment\n\n", "the file is empty"),
        ("- a\n- b\n", "the file must be a list of settings"),
        ("just text\n", "the file must be a list of settings"),
    ],
    ids=["empty", "comments-only", "list", "scalar"],
)
def test_wrong_top_level_shape(text: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_text(text, "x.yaml", classifier_factory=keyword_factory)
    assert len(caught.value.issues) == 1
    assert words in caught.value.issues[0].message


# ----- the shipped file -----------------------------------------------------------------


def test_shipped_file_points_editors_to_the_schema() -> None:
    first = SHIPPED.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=./routing.schema.json"
    assert (SHIPPED.parent / "routing.schema.json").is_file()


def test_shipped_file_is_valid_and_has_the_real_numbers() -> None:
    table = load_table(SHIPPED, classifier_factory=keyword_factory)
    ids = [s.id for s in table.services]
    assert ids == ["prescriptions", "hot_meals", "groceries", "volunteer_groups",
                   "fuel_delivery", "friendly_call", "medical_transport"]
    assert table.helpline.phone is not None and table.helpline.phone.uri == "tel:+353949064660"
    assert [a.id for a in table.areas] == ["ballina", "castlebar", "claremorris_swinford", "west_mayo"]
    # no invented numbers: every service contact is the county helpline
    assert {c.contact.id for s in table.services for c in s.contacts} == {"county_helpline"}
    phones = {o.phone.display for s in table.services for o in s.out_of_hours if o.phone}
    assert phones == {"0818 222 024", "1800 700 700"}
    assert "116 123" in table.emergency_self_harm.text.en and "112" in table.emergency_danger.text.en
    schedule = table.helpline.schedule
    assert schedule is not None
    import datetime as dt

    for year in (2026, 2027):
        assert {dt.date(year, 12, 25), dt.date(year, 12, 26), dt.date(year, 3, 17)} <= schedule.closed_dates
